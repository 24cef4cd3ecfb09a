#!/usr/bin/env python
"""Owner messages at national scale: tomorrow's reminders written and sent, the dealer digests.

    .venv/bin/python bench/notifications_bench.py [--appointments 2000] [--dealers 230] [--backends sqlite,postgresql]

In a child process per backend, on a fresh database (PostgreSQL ``recall_notifications_bench``,
created and dropped here; SQLite ``bench/.work/notifications_bench.sqlite3``), tasks in-process
and the e-mail and SMS backends in memory, so the figures are the product's own work:

1. ``migrate``; ``--dealers`` dealers spread over the six US zones, four staff each (principal,
   service, parts, pre-owned); one owner with an e-mail and a mobile number per appointment, and
   ``--appointments`` appointments on each dealer's local tomorrow (bulk inserts: the booking
   path is not what is measured); one held pre-owned unit and one returned claim per dealer for
   the digests to report;
2. the hourly reminder job at an hour when every zone has passed the send hour, in two parts:
   writing (``reminders_queue_due`` with the enqueue held back) and sending every queued
   message through ``message_send`` (the claim, the backend, the record); then the next hourly
   run, which finds everything reminded (its cost is one query per zone);
3. the daily digests: ``dealers_due_for_digest`` and ``dealer_digest_queue`` for every dealer,
   the digests sent.

Prints messages per second for each part and writes ``bench/results/notifications.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / ".work"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "recall_notifications_bench"
ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
)


def log(message: str) -> None:
    print(f"[notifications_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _build(*, dealers: int, appointments: int, moment):
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from campaign import vin as vinlib
    from campaign.models import AffectedVehicle, Campaign, Vehicle
    from dealers.models import Dealer, InventoryUnit, Membership, Region, ServicingDealer
    from repairs.models import Appointment, ClaimEvent, RepairOrder, WarrantyClaim

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrate: {time.perf_counter() - started:.1f} s")
    ale = Campaign.objects.get(code="ALE")
    region = Region.objects.create(code="BENCH", name="Bench")
    Dealer.objects.bulk_create(
        [
            Dealer(
                code=f"{90000 + n}",
                name=f"Bench dealer {n}",
                address1=f"{n} Main St",
                city="Springfield",
                state="IL",
                postal_code="62701",
                phone="217-555-0100",
                region=region,
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(dealers)
        ]
    )
    dealer_rows = list(Dealer.objects.filter(region=region).order_by("pk"))
    User = get_user_model()
    roles = ("dealer_principal", "service_manager", "parts_manager", "preowned_manager")
    User.objects.bulk_create(
        [User(username=f"u{d.pk}-{r}", email=f"u{d.pk}-{r}@example.com") for d in dealer_rows for r in roles]
    )
    users = {u.username: u.pk for u in User.objects.filter(username__startswith="u")}
    Membership.objects.bulk_create(
        [Membership(user_id=users[f"u{d.pk}-{r}"], role=r, dealer=d) for d in dealer_rows for r in roles]
    )
    now = timezone.now()
    vins = [
        vinlib.build(wmi="JTH", vds="BE96S", year=2007, serial=f"{7930 + n:07d}") for n in range(appointments)
    ]
    Vehicle.objects.bulk_create(
        [
            Vehicle(
                vin=v,
                model_label="GS 350",
                model_year=2007,
                email=f"owner{n}@example.com",
                phone=f"916-555-{n % 10000:04d}",
                created_at=now,
            )
            for n, v in enumerate(vins)
        ],
        batch_size=2000,
    )
    AffectedVehicle.objects.bulk_create(
        [AffectedVehicle(campaign=ale, vehicle_id=v, added_at=now) for v in vins], batch_size=2000
    )
    ServicingDealer.objects.bulk_create(
        [ServicingDealer(vehicle_id=v, dealer=dealer_rows[n % dealers]) for n, v in enumerate(vins)],
        batch_size=2000,
    )

    def tomorrow_at(dealer, hour):
        zone = ZoneInfo(dealer.time_zone)
        return dt.datetime.combine(
            moment.astimezone(zone).date() + dt.timedelta(days=1), dt.time(hour), tzinfo=zone
        )

    Appointment.objects.bulk_create(
        [
            Appointment(
                dealer=dealer_rows[n % dealers],
                vehicle_id=v,
                campaign=ale,
                start_at=tomorrow_at(dealer_rows[n % dealers], 7 + n % 9),
                hours=Decimal("6.5"),
                transport="drop_off",
            )
            for n, v in enumerate(vins)
        ],
        batch_size=2000,
    )
    # Something for each dealer's digest: a unit held an hour ago, a claim returned an hour ago.
    InventoryUnit.objects.bulk_create(
        [
            InventoryUnit(
                dealer=d,
                vin=vins[n % len(vins)],
                stock_number=f"P{n}",
                received_on=dt.date(2010, 7, 1),
                stop_sale=True,
                stop_sale_since=now - dt.timedelta(hours=1),
                stop_sale_campaigns="ALE",
            )
            for n, d in enumerate(dealer_rows)
        ]
    )
    for n, d in enumerate(dealer_rows):
        ro = RepairOrder.objects.create(
            dealer=d,
            ro_number=f"RO{n}",
            vehicle_id=vins[n % len(vins)],
            campaign=ale,
            labor_operation="BENCH",
            flat_rate_hours=Decimal("6.5"),
            mileage_in=60000,
            mileage_out=60010,
            labor_hours=Decimal("6.5"),
            status="completed",
            completed_on=now.date(),
        )
        claim = WarrantyClaim.objects.create(
            dealer=d,
            repair_order=ro,
            vehicle_id=ro.vehicle_id,
            model_label="GS 350",  # every bench vehicle's
            model_year=2007,
            campaign=ale,
            labor_operation="BENCH",
            labor_hours=Decimal("6.5"),
            labor_rate=Decimal("100"),
            labor_amount=Decimal("650"),
            parts_amount=Decimal("0"),
            total=Decimal("650"),
            condition="c",
            cause="c",
            correction="c",
            status="returned",
            submitted_at=now,
        )
        ClaimEvent.objects.create(
            claim=claim, from_status="review", to_status="returned", note="Attach the RO."
        )
    log(f"built {dealers} dealers, {appointments} appointments: {time.perf_counter() - started:.1f} s")


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications import queueing
    from notifications.digests import dealer_digest_queue, dealers_due_for_digest
    from notifications.models import Message
    from notifications.reminders import reminders_queue_due
    from notifications.sending import message_send

    now = _moment(timezone.now())
    _build(dealers=args.dealers, appointments=args.appointments, moment=now)
    results: dict[str, dict] = {}

    held = queueing._enqueue
    queueing._enqueue = lambda message_id: None  # write only; the sending is timed next
    started = time.perf_counter()
    written = reminders_queue_due(now=now)
    elapsed = time.perf_counter() - started
    results["reminders written"] = {"messages": len(written), "seconds": round(elapsed, 2)}
    queueing._enqueue = held

    ids = list(Message.objects.filter(status="queued").order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    for message_id in ids:
        message_send(message_id=message_id)
    elapsed = time.perf_counter() - started
    results["reminders sent"] = {"messages": len(ids), "seconds": round(elapsed, 2)}

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = reminders_queue_due(now=now + dt.timedelta(hours=1))
        elapsed = time.perf_counter() - started
    results["next hourly run"] = {
        "messages": len(again),
        "seconds": round(elapsed, 3),
        "queries": len(queries),
    }

    started = time.perf_counter()
    due = dealers_due_for_digest(now=now)
    digests = []
    for dealer_id, day in due:
        # Covering the day to the real clock: the held units and returned claims are an hour old.
        digests += dealer_digest_queue(dealer_id=dealer_id, day=day, now=timezone.now())
    elapsed = time.perf_counter() - started
    results["digests written and sent"] = {
        "messages": len(digests),
        "dealers": len(due),
        "seconds": round(elapsed, 2),
    }
    assert Message.objects.filter(status="sent").count() == len(ids) + len(digests)
    for r in results.values():
        if r["seconds"] and r["messages"]:
            r["per_second"] = round(r["messages"] / r["seconds"], 1)
    results["peak RSS MB"] = {"value": _rss_mb()}
    print("RESULT " + json.dumps(results), flush=True)


def _moment(now):
    """10:30 in Honolulu (15:30 in New York): one date in every US zone, each past the reminder
    and digest hours, so every dealer's reminders and digest are due at once."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    honolulu = ZoneInfo("Pacific/Honolulu")
    return dt.datetime.combine(now.astimezone(honolulu).date(), dt.time(10, 30), tzinfo=honolulu)


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, capture_output=True)


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "notifications.sms.LocmemSmsBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if backend == "postgresql":
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _psql(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / "notifications_bench.sqlite3"
        for leftover in WORK.glob("notifications_bench.sqlite3*"):
            leftover.unlink()
        env["DATABASE_URL"] = f"sqlite:///{path}"
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--dealers={args.dealers}",
        f"--appointments={args.appointments}",
    ]
    try:
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    finally:
        if backend == "postgresql":
            _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    sys.stderr.write(output.stderr)
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=2000)
    parser.add_argument("--dealers", type=int, default=230)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    runs = {backend: run_backend(backend, args) for backend in args.backends.split(",")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "notifications.json").write_text(
        json.dumps(
            {
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "dealers": args.dealers,
                "appointments": args.appointments,
                "load_average": round(os.getloadavg()[0], 1),
                "runs": runs,
            },
            indent=2,
        )
    )
    for backend, results in runs.items():
        print(f"{backend}:")
        for label, r in results.items():
            print(f"  {label:<26} {json.dumps(r)}")
    print(f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
