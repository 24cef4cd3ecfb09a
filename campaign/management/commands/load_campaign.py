"""``python manage.py load_campaign FILE``: load or update a campaign from its definition file (YAML)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from campaign.definition import DefinitionError, parse
from campaign.models import Campaign
from campaign.services import campaign_load


class Command(BaseCommand):
    help = (
        "Load a campaign (or update one with the same code) from a definition file in the format "
        "of campaign/data/ALE.yaml. The file is checked whole before anything is written, and the "
        "load is all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Campaign definition (YAML)")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        try:
            definition = parse(text)
        except DefinitionError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was loaded.") from None
        existed = Campaign.objects.filter(code=definition.code).exists()
        try:
            campaign = campaign_load(definition=definition)
        except DatabaseError as exc:
            # campaign_load is one transaction: a failure midway has been rolled back whole.
            raise CommandError(
                f"{file}: the database refused the campaign ({exc}). Nothing was loaded."
            ) from None
        ranges = sum(len(m.ranges) for m in definition.covered_models)
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Updated' if existed else 'Loaded'} {campaign.code}: {campaign.title} "
                f"({len(definition.covered_models)} covered models, {ranges} VIN ranges, "
                f"UIO {sum(m.uio for m in definition.covered_models):,})."
            )
        )
