"""Reserve kits for open appointments booked before their campaign's kits were tracked."""

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from parts.scheduled_kits import appointments_reserve_untracked


class Command(BaseCommand):
    help = (
        "Open appointments with no claim on a kit (booked before parts were tracked, or whose kit an "
        "undone outcome released) reserve their kit or join the wait-list, in booking order."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", nargs="?", help="Campaign code (default: every campaign).")

    def handle(self, *args, campaign=None, **options):
        if campaign and not Campaign.objects.filter(code=campaign).exists():
            raise CommandError(f"No campaign {campaign!r}.")
        counts = appointments_reserve_untracked(campaign_code=campaign)
        self.stdout.write(
            f"{counts.reserved} reserved a kit, {counts.waiting} wait for parts, "
            f"{counts.not_tracked} use no tracked kit."
        )
