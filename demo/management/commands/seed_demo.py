"""``python manage.py seed_demo``: the demo data, on SQLite or PostgreSQL, in under a minute.

It lives in the demo app because it orchestrates every app: ALE's affected-VIN list with
its registered owners (through the same import service staff use), then the dealer network
(``demo.network.network_seed``, with shop hours and claim rates from ``demo.dealer_terms``),
with the campaign moved past its preliminary notice and its reimbursement window onto the
demo's calendar (``demo.campaign_progress``); then weeks of remedy work (``demo.activity``),
owner reimbursement requests (``demo.reimbursements``), the parts story behind the remedy
work (``demo.parts_story``: stock ledgers, allocations, wait-lists, transfers), the demo
service desk's messages to owners (``demo.notifications_story``) and an owner notification
with returned mail (``demo.mailings_story``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from campaign.vin_import_merge import affected_vins_import
from demo.fleet import DEFAULT_SEED, demo_fleet_write_csv

DEMO_CAMPAIGN = "ALE"


class Command(BaseCommand):
    help = (
        "Fill the database with demo data: ALE's affected-VIN list (138,869 vehicles in the seed's UIO "
        "proportions, with US owners), then dealers, users and inventory. Deterministic for a --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--vehicles",
            type=int,
            default=None,
            help="Affected vehicles to generate (default: ALE's UIO total, 138,869).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--repair-orders",
            type=int,
            default=None,
            help="At least this many completed repair orders (default: about a quarter of the list; "
            "the benchmarks' full scale is 100000).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if ALE already has affected vehicles (what `make demo` runs on every start).",
        )

    def handle(
        self,
        *args,
        vehicles: int | None,
        seed: int,
        if_empty: bool,
        repair_orders: int | None = None,
        **options,
    ) -> None:
        campaign = Campaign.objects.filter(code=DEMO_CAMPAIGN).first()
        if campaign is None:
            raise CommandError(
                f"Campaign {DEMO_CAMPAIGN} is not in the database; run `python manage.py migrate` first."
            )
        if if_empty:
            existing = AffectedVehicle.objects.filter(campaign=campaign).count()
            if existing:
                self.stdout.write(
                    f"{DEMO_CAMPAIGN} already has {existing:,} affected vehicles; demo data left as it is."
                )
                return
        if vehicles is None:
            vehicles = sum(campaign.covered_models.values_list("uio", flat=True))
        if vehicles < 1:
            raise CommandError("--vehicles must be at least 1.")

        started = time.perf_counter()
        self.stdout.write(f"Generating {vehicles:,} affected vehicles of {DEMO_CAMPAIGN} (seed {seed})…")
        with tempfile.TemporaryDirectory(prefix="seed-demo-") as folder:
            path = Path(folder) / f"{DEMO_CAMPAIGN}-demo-affected.csv"
            try:
                demo_fleet_write_csv(campaign=campaign, vehicles=vehicles, path=path, seed=seed)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            generated = time.perf_counter()
            with path.open("rb") as source:
                result = affected_vins_import(
                    campaign_id=campaign.pk, source=source, rejects_path=path.with_suffix(".rejects.csv")
                )
        if result.rejected:
            first = result.sample_rejects[0]
            raise CommandError(
                f"The demo list had {result.rejected} rejected rows (a bug in demo.fleet); "
                f"first: line {first.line}: {first.reason}"
            )
        self.stdout.write(
            f"{DEMO_CAMPAIGN} affected-VIN list: {result.summary_line()} "
            f"(generated in {generated - started:.1f} s, imported in {time.perf_counter() - generated:.1f} s)."
        )

        from demo.campaign_progress import campaign_progress_seed, reimbursement_window_seed
        from demo.network import network_seed

        campaign_progress_seed(campaign=campaign, stdout=self.stdout)
        reimbursement_window_seed(campaign=campaign, stdout=self.stdout)
        campaign.refresh_from_db()
        network_seed(stdout=self.stdout, seed=seed)
        from demo.activity import activity_seed
        from demo.reimbursements import reimbursements_seed

        activity_started = time.perf_counter()
        activity_seed(campaign=campaign, seed=seed, stdout=self.stdout, repair_orders=repair_orders)
        reimbursements_seed(campaign=campaign, seed=seed, stdout=self.stdout)
        self.stdout.write(f"  (activity took {time.perf_counter() - activity_started:.1f} s)\n")
        from demo.parts_story import parts_story_seed

        parts_started = time.perf_counter()
        parts_story_seed(campaign=campaign, seed=seed, stdout=self.stdout)
        self.stdout.write(f"  (parts took {time.perf_counter() - parts_started:.1f} s)\n")
        from demo.reports_story import reports_story_seed

        reports_story_seed(campaign=campaign, seed=seed, stdout=self.stdout)
        from demo.notifications_story import notifications_seed

        notifications_started = time.perf_counter()
        notifications_seed(stdout=self.stdout)
        self.stdout.write(f"  (messages took {time.perf_counter() - notifications_started:.1f} s)\n")
        from demo.mailings_story import mailings_seed

        mailings_started = time.perf_counter()
        mailings_seed(campaign=campaign, seed=seed, stdout=self.stdout)
        self.stdout.write(f"  (mailings took {time.perf_counter() - mailings_started:.1f} s)\n")
        from reports.tallies import tallies_refresh

        tallied = time.perf_counter()
        entry_rows, day_rows = tallies_refresh(campaign_id=campaign.pk)
        self.stdout.write(
            f"Dashboard tallies: {entry_rows:,} + {day_rows:,} rows in {time.perf_counter() - tallied:.1f} s.\n"
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.perf_counter() - started:.1f} s."))
