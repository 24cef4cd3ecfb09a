"""``python manage.py mailing_send CAMPAIGN --kind notification|interim|follow_up``.

Creates a mailing and runs it: on the Celery workers when Redis is configured (the command
waits for them and reports), in this process otherwise. Prints the mailing's counts and, on
its LAST line, the path of its package (a folder of ``manifest-*.csv`` and ``letters-*.pdf``).
A rerun sends nothing to vehicles already mailed in that kind: its mailing has no letters.
Exit status 1 when the mailing cannot be made or failed.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.errors import DomainError
from campaign.models import Campaign
from mailings import package
from mailings.models import Mailing, MailingChunk
from mailings.services import mailing_create

COMMAND_KINDS = (Mailing.Kind.NOTIFICATION, Mailing.Kind.INTERIM, Mailing.Kind.FOLLOW_UP)


class Command(BaseCommand):
    help = "Create and run an owner mailing (49 CFR 577) for a campaign; prints its package's folder last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="Campaign code, e.g. ALE")
        parser.add_argument("--kind", required=True, choices=COMMAND_KINDS)
        parser.add_argument(
            "--chunk-size", type=int, default=None, help="Letters per PDF (MAILING_CHUNK_LETTERS)"
        )
        parser.add_argument(
            "--timeout", type=float, default=6 * 3600, help="Seconds to wait for the workers (default 6 h)"
        )

    def handle(self, *args, campaign: str, kind: str, chunk_size: int | None, timeout: float, **options):
        code = campaign.strip().upper()
        found = Campaign.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Campaign.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No campaign with code {code!r} (known campaigns: {known}).")
        try:
            mailing = mailing_create(campaign_id=found.pk, kind=kind, chunk_size=chunk_size, allow_empty=True)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{found.code} {mailing.get_kind_display()}: mailing {mailing.pk}, "
            f"{mailing.letters_total:,} letters in {mailing.chunks_total:,} chunks"
        )
        mailing = self._wait(mailing, timeout=timeout)
        done = MailingChunk.objects.filter(mailing=mailing, status=MailingChunk.Status.DONE).count()
        self.stdout.write(
            f"  letters {mailing.letters_total:,}\n  chunks done {done:,} of {mailing.chunks_total:,}\n"
            f"  left out, already mailed in this kind {mailing.skipped_already_mailed:,}\n"
            f"  left out, no address {mailing.skipped_no_address:,}\n"
            f"  left out, undeliverable address {mailing.skipped_undeliverable:,}\n"
            f"  status {mailing.get_status_display()}"
        )
        if mailing.status != Mailing.Status.DONE:
            self.stderr.write(mailing.error or "The mailing did not finish.")
        self.stdout.write(str(package.package_dir(mailing.pk)))
        if mailing.status == Mailing.Status.FAILED:
            raise CommandError(f"Mailing {mailing.pk} failed: {mailing.error}")
        if mailing.status != Mailing.Status.DONE:
            raise CommandError(
                f"Mailing {mailing.pk} is still {mailing.get_status_display().lower()}; see its page."
            )

    def _wait(self, mailing: Mailing, *, timeout: float) -> Mailing:
        """In-process the mailing ran when it was committed; on workers, poll until it settles."""
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            mailing.refresh_from_db()
            if mailing.status in (Mailing.Status.DONE, Mailing.Status.FAILED) or time.monotonic() > deadline:
                return mailing
            done = MailingChunk.objects.filter(mailing=mailing, status=MailingChunk.Status.DONE).count()
            if done != last:
                self.stderr.write(f"  {done:,} of {mailing.chunks_total:,} chunks rendered…")
                last = done
            time.sleep(1)
