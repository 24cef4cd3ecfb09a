"""``python manage.py pay_claims [--date YYYY-MM-DD]``: the weekly payment run, by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from repairs.claim_payments import claims_pay


class Command(BaseCommand):
    help = "Pay the approved warranty claims: one credit per dealer for the run date."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run date (YYYY-MM-DD); today by default.")

    def handle(self, *args, date=None, **options):
        try:
            run_on = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a YYYY-MM-DD date.") from None
        payments = claims_pay(run_on=run_on)
        for p in payments:
            self.stdout.write(
                f"{p.run_on:%Y-%m-%d}  dealer {p.dealer.code} {p.dealer.name}: "
                f"{p.claims.count()} claims, {p.total}"
            )
        self.stdout.write(f"{len(payments)} credit{'s' if len(payments) != 1 else ''} for {run_on:%Y-%m-%d}.")
