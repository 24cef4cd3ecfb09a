"""Rebuild the completion dashboard's summary tables from the entries and their history."""

import time

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from reports.tallies import tallies_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the completion dashboard's tallies (per dealer, model, year and status; per day) "
        "from the affected lists and their outcome history: what the nightly job does, at once "
        "(after an upgrade that adds a tally, or bulk writes that bypassed the services)."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", nargs="?", help="Campaign code (default: every campaign).")

    def handle(self, *args, campaign=None, **options):
        campaigns = Campaign.objects.order_by("code")
        if campaign:
            campaigns = campaigns.filter(code=campaign)
            if not campaigns.exists():
                raise CommandError(f"No campaign {campaign!r}.")
        for each in campaigns:
            started = time.perf_counter()
            entries, days = tallies_refresh(campaign_id=each.pk)
            self.stdout.write(
                f"{each.code}: {entries:,} status rows, {days:,} day rows "
                f"in {time.perf_counter() - started:.1f} s."
            )
