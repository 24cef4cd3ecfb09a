#!/usr/bin/env python
"""Kit reservations per second on PostgreSQL with 8 concurrent clients.

    .venv/bin/python bench/parts_reservation_bench.py [--clients 8] [--per-client 40]

In a child process with a fresh PostgreSQL database (created and dropped here):

1. ``migrate`` (it loads ALE with its kits); ALE past the preliminary phase, every covered
   model's repair using the V6 valve-spring kit; 8 dealers, each receiving 100,000 kits;
2. ``--clients`` threads, each on its own connection, each reserving ``--per-client`` kits
   for fresh affected VINs through ``parts.reservations.waitlist_join`` (the balance locked
   FOR UPDATE, the reservation, its event, the RESERVATION movement: the path every booking
   takes), timed from a common start:
   - "one dealer": every client at the same dealer, all contending for one balance row
     (the worst case: a parts counter and a dealer system at once);
   - "8 dealers": each client at its own dealer (no shared row).

Prints reservations per second for each and writes ``bench/results/parts-reservation.json``.
The default run takes well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "recall_parts_reservation_bench"
FIRST_SERIAL = 7930  # ALE's 2007 GS 350 BE96S range runs 0007930-0028367


def log(message: str) -> None:
    print(f"[parts_reservation_bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _build(*, dealers: int, vins: int) -> tuple[int, list[int], list[str]]:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from campaign import vin as vinlib
    from campaign.models import AffectedVehicle, Campaign, Kit, RemedyOperation, Vehicle
    from dealers.models import Dealer, Region
    from parts.ledger import Kind, balance_locked, stock_move

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrate: {time.perf_counter() - started:.1f} s")
    ale = Campaign.objects.get(code="ALE")
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.PARTS_AVAILABLE)
    kit = Kit.objects.get(campaign=ale, part_number="04906-31021")
    RemedyOperation.objects.filter(covered_model__campaign=ale).update(kit=kit)
    region = Region.objects.create(code="BENCH", name="Bench")
    ids = [
        Dealer.objects.create(code=f"{90000 + n}", name=f"Bench dealer {n}", region=region).pk
        for n in range(dealers)
    ]
    for dealer_id in ids:
        with transaction.atomic():
            balance = balance_locked(dealer_id=dealer_id, kit_id=kit.pk)
            stock_move(balance=balance, kind=Kind.RECEIPT, on_hand=100_000, reference="BENCH")
    numbers = [
        vinlib.build(wmi="JTH", vds="BE96S", year=2007, serial=f"{FIRST_SERIAL + n:07d}") for n in range(vins)
    ]
    now = timezone.now()
    Vehicle.objects.bulk_create(
        [Vehicle(vin=v, model_label="GS 350", model_year=2007, created_at=now) for v in numbers],
        batch_size=2000,
    )
    AffectedVehicle.objects.bulk_create(
        [AffectedVehicle(campaign=ale, vehicle_id=v, added_at=now) for v in numbers], batch_size=2000
    )
    return ale.pk, ids, numbers


def _run(*, campaign_id: int, dealer_for, vins: list[str], clients: int, per_client: int) -> dict:
    from django.db import connection

    from parts.reservations import waitlist_join

    barrier = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def client(n: int) -> None:
        mine = vins[n * per_client : (n + 1) * per_client]
        try:
            barrier.wait(30)
            for vin in mine:
                reservation = waitlist_join(
                    dealer_id=dealer_for(n), vin=vin, campaign_id=campaign_id, user=None
                )
                assert reservation.status == "reserved"
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait(30)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    total = clients * per_client
    return {"reservations": total, "seconds": round(elapsed, 2), "per_second": round(total / elapsed, 1)}


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    per_run = args.clients * args.per_client
    campaign_id, dealers, vins = _build(dealers=args.clients, vins=2 * per_run)
    results = {
        "one dealer": _run(
            campaign_id=campaign_id,
            dealer_for=lambda n: dealers[0],
            vins=vins[:per_run],
            clients=args.clients,
            per_client=args.per_client,
        ),
        f"{args.clients} dealers": _run(
            campaign_id=campaign_id,
            dealer_for=lambda n: dealers[n],
            vins=vins[per_run:],
            clients=args.clients,
            per_client=args.per_client,
        ),
    }
    from django.db.models import Sum

    from parts.models import StockBalance, StockMovement

    # The figures must still hold after the run: the ledger's sum is the balance, everywhere.
    for balance in StockBalance.objects.all():
        sums = StockMovement.objects.filter(dealer_id=balance.dealer_id, kit_id=balance.kit_id).aggregate(
            r=Sum("reserved_delta")
        )
        assert balance.reserved == (sums["r"] or 0) and balance.available >= 0
    print("RESULT " + json.dumps(results), flush=True)


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    _psql(f"CREATE DATABASE {PG_NAME}")
    env = {
        **os.environ,
        "DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--clients={args.clients}",
        f"--per-client={args.per_client}",
    ]
    try:
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    finally:
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    sys.stderr.write(output.stderr)
    lines = output.stdout.splitlines()
    for other in lines:
        if not other.startswith("RESULT "):
            print(other)
    results = json.loads(next(line for line in lines if line.startswith("RESULT ")).removeprefix("RESULT "))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "parts-reservation.json").write_text(
        json.dumps(
            {
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "clients": args.clients,
                "per_client": args.per_client,
                "load_average": round(os.getloadavg()[0], 1),
                "runs": results,
            },
            indent=2,
        )
    )
    for label, r in results.items():
        print(
            f"{label:<12} {r['reservations']:>5} reservations in {r['seconds']:>6} s: {r['per_second']:>7} /s"
        )
    print(f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
