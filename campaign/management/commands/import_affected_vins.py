"""``python manage.py import_affected_vins CAMPAIGN FILE.csv``: post a campaign's affected-VIN list.

Exit status: 0 when every row was imported, 2 when rows were rejected (the others are
imported; the rejects CSV next to the file says why), 1 when nothing could be imported.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.errors import DomainError
from campaign.models import Campaign
from campaign.vin_import_merge import affected_vins_import

SHOW_REJECTS = 10


def rejects_path_for(source: Path) -> Path:
    """``list.csv`` -> ``list.rejects.csv``, next to it."""
    return source.with_name(f"{source.stem}.rejects.csv")


class Command(BaseCommand):
    help = (
        "Import a campaign's affected-VIN list from a CSV with a header: 'vin' required, optional "
        "owner columns owner_name, address1, address2, city, state, postal_code, phone, email. "
        "Rejected rows are written to FILE.rejects.csv; exit status 2 if any row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="Campaign code, e.g. ALE")
        parser.add_argument("file", type=Path, help="CSV file of affected VINs")

    def handle(self, *args, campaign: str, file: Path, **options) -> None:
        code = campaign.strip().upper()
        found = Campaign.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Campaign.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No campaign with code {code!r} (known campaigns: {known}).")
        try:
            source = file.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        rejects_path = rejects_path_for(file)
        try:
            with source:
                result = affected_vins_import(campaign_id=found.pk, source=source, rejects_path=rejects_path)
        except DomainError as exc:
            raise CommandError(f"{file}: {exc.message} Nothing was imported.") from None

        self.stdout.write(f"{found.code} affected-VIN import of {file}")
        self.stdout.write(
            f"  read {result.read:,}\n  created {result.created:,}\n  updated {result.updated:,}\n"
            f"  unchanged {result.unchanged:,}\n  rejected {result.rejected:,}"
        )
        if not result.rejected:
            self.stdout.write(self.style.SUCCESS("Every row was imported."))
            return
        self.stdout.write(f"Rejected rows, with line number and reason: {result.rejects_path}")
        for reject in result.sample_rejects[:SHOW_REJECTS]:
            self.stdout.write(f"  line {reject.line}: {reject.vin or '(no VIN)'}: {reject.reason}")
        if result.rejected > SHOW_REJECTS:
            self.stdout.write(f"  … and {result.rejected - SHOW_REJECTS:,} more in the rejects file.")
        raise CommandError(
            f"{result.rejected:,} row(s) rejected; the other {result.imported:,} were imported.", returncode=2
        )
