#!/usr/bin/env python
"""Server time of the completion dashboards and the remedy report at full scale.

    .venv/bin/python bench/reports_dashboard_bench.py [--backends sqlite,postgresql] [--requests 50]
        [--vehicles 138869] [--repair-orders 100000] [--reuse DATABASE_URL]

``--reuse`` measures a database built before (by an earlier ``seed_demo --repair-orders 100000``
and migrated to this checkout) instead of building one: for profiling between changes.

For each backend, in a child process with a fresh database (a SQLite file under
``bench/.work/reports_dashboard/``; a PostgreSQL database created and dropped here):

1. ``migrate`` and ``seed_demo --repair-orders 100000`` (timed: the demo's full scale): the
   full fleet, ~230 dealers, the demo users, 100,000 completed repair orders with their
   outcome history and claims, the parts story, the remedy reports' history (unreachable
   owners, removals, report 1 submitted), and the owner notification's letters to every open
   vehicle (as mailed rows, ~38,600); then ``ANALYZE`` (``VACUUM ANALYZE`` on PostgreSQL), as autovacuum would have run;
2. through Django's test client (in process: middleware, views, templates, SQL; no network),
   ``--requests`` timed GETs of each page after 3 warm-ups: the national dashboard as ``admin``
   (plain, one region, one model, its dealer table as CSV), the Western region's as
   ``regional``, the demo service manager's own as ``service``, and the remedy report of the
   current quarter (computed from the history, not a snapshot) as ``admin``.
   p50 / p95 / max, CPU of this process, and the query count.

The JSON under ``bench/results/reports-dashboard-<backend>.json`` and the table printed at the
end say whether every dashboard's p95 is under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "reports_dashboard"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "recall_reports_dashboard_bench"
TARGET_MS = 200.0


def log(message: str) -> None:
    print(f"[reports_dashboard_bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the child: build and measure ------------------------------------------------------------


def _build(*, vehicles: int, repair_orders: int) -> dict:
    import io

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    out = io.StringIO()
    call_command("seed_demo", vehicles=vehicles, repair_orders=repair_orders, stdout=out)
    seeded = time.perf_counter() - started
    log(f"seed_demo {vehicles:,} vehicles, {repair_orders:,} repair orders: {seeded:.1f} s")
    _owner_notification()
    with connection.cursor() as cursor:
        # As autovacuum would have: statistics, and on PostgreSQL the visibility map too (without
        # it no index-only scan: the claims' sum read 92,000 rows, 48 ms against 13 ms).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"seed_demo_s": round(seeded, 1), **_fleet()}


def _owner_notification() -> None:
    """The owner notification to every open vehicle, its letters mailed (as rows: the render is
    bench/mailing_bench.py's): the dashboards' letter figures over tens of thousands of letters,
    not the demo's 40."""
    from django.utils import timezone

    from campaign.models import Campaign
    from mailings import tasks
    from mailings.models import Letter, Mailing
    from mailings.services import mailing_create

    tasks.mailing_run.delay_on_commit = lambda *args, **kwargs: None  # no rendering here
    ale = Campaign.objects.get(code="ALE")
    mailing = mailing_create(campaign_id=ale.pk, kind=Mailing.Kind.NOTIFICATION)
    Letter.objects.filter(mailing=mailing).update(mailed_on=timezone.localdate())
    log(f"owner notification: {mailing.letters_total:,} letters mailed")


def _fleet() -> dict:
    from campaign.models import AffectedVehicle
    from mailings.models import Letter
    from repairs.models import OutcomeChange, RepairOrder, WarrantyClaim

    return {
        "entries": AffectedVehicle.objects.count(),
        "repair_orders": RepairOrder.objects.count(),
        "outcome_changes": OutcomeChange.objects.count(),
        "claims": WarrantyClaim.objects.count(),
        "letters": Letter.objects.filter(mailed_on__isnull=False).count(),
    }


def _measure(*, requests: int, only: str = "") -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from dealers.models import Membership
    from reports.remedy_periods import Quarter

    users = {name: get_user_model().objects.get(username=name) for name in ("admin", "regional", "service")}
    west = Membership.objects.get(user=users["regional"]).region_id
    quarter = Quarter.of(timezone.localdate())
    pages = {
        "national": ("admin", "/reports/"),
        "national, one region": ("admin", f"/reports/?region={west}"),
        "national, LS 460": ("admin", "/reports/?model=LS+460"),
        "national, dealers CSV": ("admin", "/reports/?table=dealers&_export=csv"),
        "region (regional staff)": ("regional", "/reports/"),
        "dealer (service manager)": ("service", "/reports/"),
        "remedy report, this quarter": ("admin", f"/reports/campaigns/ALE/remedy/{quarter}/"),
    }
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    results = {}
    for label, (persona, url) in pages.items():
        if only not in label:
            continue
        client = clients[persona]
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        times, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        times.sort()
        cpu.sort()
        results[label] = {
            "url": url,
            "as": persona,
            "queries": len(executed),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1),
            # This process's CPU per request: less sensitive to other work on the machine than
            # the wall clock (on PostgreSQL it leaves out the database server's own time).
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(cpu[max(0, int(len(cpu) * 0.95) - 1)], 1),
        }
        log(f"{label}: {results[label]}")
    return results


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # No collectstatic here: plain static URLs instead of the manifest's (a dictionary look-up either way).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    fleet = _fleet() if args.reuse else _build(vehicles=args.vehicles, repair_orders=args.repair_orders)
    pages = _measure(requests=args.requests, only=args.only)
    print("RESULT " + json.dumps({"fleet": fleet, "pages": pages}), flush=True)


# --- the parent: one child per backend -------------------------------------------------------


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, capture_output=True)


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        url = args.reuse
    elif backend == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _psql(f"CREATE DATABASE {PG_NAME}")
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"
    # Production mode, as served: DEBUG off (the cached template loader), no HTTPS redirect
    # (the test client speaks plain HTTP), the test client's host name allowed.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--requests={args.requests}",
        f"--vehicles={args.vehicles}",
        f"--repair-orders={args.repair_orders}",
        *([f"--reuse={args.reuse}"] if args.reuse else []),
        *([f"--only={args.only}"] if args.only else []),
    ]
    log(f"{backend}: building and measuring")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    sys.stderr.write(output.stderr)
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
    for other in output.stdout.splitlines():
        if not other.startswith("RESULT "):
            print(other)
    if backend != "sqlite" and not args.reuse:
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    return json.loads(line.removeprefix("RESULT "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--vehicles", type=int, default=138_869)
    parser.add_argument("--repair-orders", type=int, default=100_000)
    parser.add_argument("--only", default="", help="measure the pages whose label contains this")
    parser.add_argument("--reuse", default="", help="measure this database instead of building one")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reuse:
        args.backends = "sqlite" if args.reuse.startswith("sqlite") else "postgresql"
    if args.child:
        child(args)
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    ok = True
    table = []
    for backend in args.backends.split(","):
        result = run_backend(backend, args)
        (RESULTS / f"reports-dashboard-{backend}.json").write_text(
            json.dumps(
                {
                    "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "vehicles": args.vehicles,
                    "repair_orders": args.repair_orders,
                    "requests": args.requests,
                    "load_average": os.getloadavg(),
                    **result,
                },
                indent=2,
            )
        )
        log(f"{backend} fleet: {result['fleet']}")
        for label, r in result["pages"].items():
            if not label.startswith("remedy report"):  # the bar is the dashboards'
                ok &= r["p95_ms"] < TARGET_MS
            table.append(
                f"{backend:<10} {label:<28} {r['queries']:>3} q  p50 {r['p50_ms']:>6} ms  p95 {r['p95_ms']:>6} ms"
            )
    print("\n".join(table))
    print(
        f"every dashboard p95 < {TARGET_MS:.0f} ms: {'yes' if ok else 'NO'} (load average {os.getloadavg()[0]:.1f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
