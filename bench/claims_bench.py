#!/usr/bin/env python
"""Server time of the claim lists at full fleet with 100,000 repair orders, on both setups.

    .venv/bin/python bench/claims_bench.py [--backend sqlite|postgresql|both] [--requests 30] [--fresh]

The bar (issue #7): the claim lists answer in under 150 ms server time at full fleet
(138,869 vehicles) with 100,000 repair orders, their query count unchanged with size
(pinned in ``tests/repairs/test_claim_pages.py``). Per backend (both by default), in a
child process with its own ``DATABASE_URL``:

1. Migrates the benchmark database (PostgreSQL ``recall_claims_bench``, ``BENCH_CLAIMS_DATABASE_URL``;
   SQLite ``bench/.work/claims_bench.sqlite3``) and, unless the table ``claims_bench_fleet``
   says it is done, fills it with ``bulk_create``: 300 dealers in 10 regions, 138,869 ALE
   vehicles on the posted list, 100,000 completed ROs and their claims (paid in weekly
   credits 80 %, approved 10 %, review 4 %, returned 3 %, rejected 3 %).
2. Signs in (``Client.force_login``) the principal of the busiest dealer and a warranty
   administrator; warms each page, then times ``--requests`` GETs of each page in process
   (``django.test.Client``: the whole Django stack, middleware and templates included, no
   network), with DEBUG off, counting queries of one request.
3. Prints median and p95 per page and whether the median is under 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / ".work"
DATABASE_URLS = {
    "postgresql": os.environ.get(
        "BENCH_CLAIMS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recall_claims_bench"
    ),
    "sqlite": "sqlite:///" + str(WORK / "claims_bench.sqlite3"),
}
FLEET = 138_869
ROS = 100_000
DEALERS = 300
TARGET_MS = 150.0
BATCH = 5_000


def seed() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from campaign import vin as vinlib
    from campaign.models import AffectedVehicle, Campaign, Vehicle
    from dealers.models import Dealer, Membership, Region
    from repairs.models import ClaimPayment, RepairOrder, WarrantyClaim

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS claims_bench_fleet (done integer)")
        cur.execute("SELECT count(*) FROM claims_bench_fleet")
        if cur.fetchone()[0]:
            return
    started = time.perf_counter()
    now = timezone.now()
    ale = Campaign.objects.get(code="ALE")
    with transaction.atomic():
        regions = Region.objects.bulk_create(
            Region(code=f"B{r}", name=f"Bench region {r}") for r in range(10)
        )
        dealers = Dealer.objects.bulk_create(
            Dealer(
                code=f"{70000 + d}",
                name=f"Bench Lexus {d:03d}",
                address1="1 Main St",
                city="Town",
                state="CA",
                postal_code="90001",
                region=regions[d % 10],
                warranty_labor_rate=Decimal("120.00"),
                parts_allowance_percent=Decimal("10.00"),
            )
            for d in range(DEALERS)
        )
    from django.contrib.auth import get_user_model

    User = get_user_model()
    principal = User.objects.create_user("bench_principal", password=None)
    Membership.objects.create(user=principal, role="dealer_principal", dealer=dealers[0])
    warranty = User.objects.create_user("bench_warranty", password=None)
    Membership.objects.create(user=warranty, role="warranty_admin")
    from dealers.services import user_groups_sync

    for user in (principal, warranty):
        user_groups_sync(user=user)  # the role's permissions, as membership_grant leaves them
    vins = [
        vinlib.build(wmi="JTH", vds="BE96S", year=2007, serial=f"{1_000_000 + i:07d}") for i in range(FLEET)
    ]
    for start in range(0, FLEET, BATCH):
        chunk = vins[start : start + BATCH]
        with transaction.atomic():
            Vehicle.objects.bulk_create(
                Vehicle(vin=v, model_label="GS 350", model_year=2007, created_at=now) for v in chunk
            )
            AffectedVehicle.objects.bulk_create(
                AffectedVehicle(campaign=ale, vehicle_id=v, status="remedied", added_at=now) for v in chunk
            )

    # The busiest dealer gets a tenth of the ROs (the others share the rest): its list is the worst case.
    def dealer_of(i: int) -> Dealer:
        return dealers[0] if i % 10 == 0 else dealers[1 + i % (DEALERS - 1)]

    today = timezone.localdate()
    payments: dict[tuple[int, dt.date], ClaimPayment] = {}
    for start in range(0, ROS, BATCH):
        with transaction.atomic():
            ros = RepairOrder.objects.bulk_create(
                RepairOrder(
                    dealer=dealer_of(i),
                    ro_number=f"B{i:07d}",
                    vehicle_id=vins[i],
                    campaign=ale,
                    labor_operation="ALE010",
                    flat_rate_hours=Decimal("6.0"),
                    mileage_in=60_000,
                    mileage_out=60_010,
                    labor_hours=Decimal("6.2"),
                    status="completed",
                    completed_on=today - dt.timedelta(days=i % 700),
                )
                for i in range(start, min(start + BATCH, ROS))
            )
            claims = []
            for i, ro in zip(range(start, start + len(ros)), ros, strict=True):
                bucket = (i // 10) % 100  # every status at every dealer, the busiest included
                status = (
                    "paid"
                    if bucket < 80
                    else "approved"
                    if bucket < 90
                    else "review"
                    if bucket < 94
                    else "returned"
                    if bucket < 97
                    else "rejected"
                )
                payment = None
                if status == "paid":
                    run_on = ro.completed_on + dt.timedelta(days=7 - ro.completed_on.weekday())
                    key = (ro.dealer_id, run_on)
                    if key not in payments:
                        payments[key] = ClaimPayment.objects.create(
                            dealer_id=ro.dealer_id, run_on=run_on, total=0
                        )
                    payment = payments[key]
                claims.append(
                    WarrantyClaim(
                        dealer_id=ro.dealer_id,
                        repair_order=ro,
                        vehicle_id=ro.vehicle_id,
                        model_label="GS 350",  # every bench vehicle's
                        model_year=2007,
                        campaign=ale,
                        labor_operation="ALE010",
                        labor_hours=Decimal("6.0"),
                        labor_rate=Decimal("120.00"),
                        labor_amount=Decimal("720.00"),
                        parts_amount=Decimal("264.00"),
                        total=Decimal("984.00"),
                        condition="c",
                        cause="c",
                        correction="c",
                        status=status,
                        rejection_code="documentation"
                        if status in ("rejected", "returned", "review")
                        else "",
                        note="Bench note" if status != "paid" else "",
                        submitted_at=now - dt.timedelta(days=i % 700, minutes=i),
                        payment=payment,
                    )
                )
            WarrantyClaim.objects.bulk_create(claims)
    with connection.cursor() as cur:
        cur.execute("INSERT INTO claims_bench_fleet VALUES (1)")
        cur.execute("ANALYZE")
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


def measure(requests: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    User = get_user_model()
    pages = [
        ("dealer claim list (busiest dealer)", "bench_principal", "/claims/"),
        ("dealer claim list, rejected tab", "bench_principal", "/claims/?status=rejected"),
        ("dealer claim list sorted by total", "bench_principal", "/claims/?sort=-total&page=40"),
        ("national claim list (warranty admin)", "bench_warranty", "/claims/"),
        ("review queue (warranty admin)", "bench_warranty", "/claims/review/"),
        ("review queue, page 20", "bench_warranty", "/claims/review/?page=20"),
    ]
    results = []
    for label, username, url in pages:
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(username=username))
        for _ in range(3):
            assert client.get(url, secure=True).status_code == 200
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, secure=True)
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        times.sort()
        results.append((label, statistics.median(times), times[int(len(times) * 0.95) - 1], len(seen)))
    return results


def child(backend: str, requests: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed()
    from repairs.models import RepairOrder, WarrantyClaim

    print(
        f"{backend}: {RepairOrder.objects.count():,} ROs, {WarrantyClaim.objects.count():,} claims",
        flush=True,
    )
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files are not collected here: plain storage, as the hashed names cost nothing per page.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    ok = True
    with override_settings(STORAGES=storages):
        results = measure(requests)
    for label, median, p95, queries in results:
        good = median < TARGET_MS
        ok &= good
        print(
            f"  {label:40s} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries  {'OK' if good else 'SLOW'}"
        )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark databases first")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.requests)
    WORK.mkdir(parents=True, exist_ok=True)
    status = 0
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        url = DATABASE_URLS[backend]
        if args.fresh and backend == "sqlite":
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        if backend == "postgresql":
            name = url.rsplit("/", 1)[1]
            admin = url.rsplit("/", 1)[0] + "/postgres"
            if args.fresh:
                subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            exists = subprocess.run(
                ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            if not exists:
                subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "claims-bench-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
        env.pop("REDIS_URL", None)
        status |= subprocess.run(
            [sys.executable, __file__, "--child", backend, "--requests", str(args.requests)],
            env=env,
            cwd=ROOT,
        ).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
