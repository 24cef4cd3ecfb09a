#!/usr/bin/env python
"""Server time of the parts dashboard at full fleet: national, region and dealer pages.

    .venv/bin/python bench/parts_dashboard_bench.py [--backends sqlite,postgresql] [--requests 50]
        [--vehicles 138869]

For each backend, in a child process with a fresh database (a SQLite file under
``bench/.work/parts_dashboard/``; a PostgreSQL database created and dropped here):

1. ``migrate`` and ``seed_demo``: the full fleet, ~230 dealers, the demo users, the remedy
   activity (~36,000 completed repair orders) and the parts story after it (every completed
   RO's consumption and the receipts before it: ~48,000 ledger movements at ~690 dealer
   balances; reservations for the ~5,400 booked appointments, ~2,500 on wait-lists); then
   ``ANALYZE``, as autovacuum would have run by then in production;
2. through Django's test client (in process: middleware, views, templates, SQL; no network),
   ``--requests`` timed GETs of each page after 3 warm-ups: the national page as ``admin``
   (plain, filtered to one kit, sorted by surplus, and its dealer table as CSV), the Western
   region as ``regional``, and the demo parts manager's own dealer as ``parts``.
   p50 / p95 / max and the query count.

The JSON under ``bench/results/parts-dashboard-<backend>.json`` and the table printed at the
end say whether every page's p95 is under 150 ms.
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
WORK = ROOT / "bench" / ".work" / "parts_dashboard"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "recall_parts_dashboard_bench"
TARGET_MS = 150.0


def log(message: str) -> None:
    print(f"[parts_dashboard_bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the child: build and measure ------------------------------------------------------------


def _build(*, vehicles: int) -> dict:
    import io

    from django.core.management import call_command
    from django.db import connection

    from parts.models import KitReservation, StockBalance, StockMovement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    out = io.StringIO()
    call_command("seed_demo", vehicles=vehicles, stdout=out)
    log(f"seed_demo {vehicles:,} vehicles: {time.perf_counter() - started:.1f} s")
    log(next((line for line in out.getvalue().splitlines() if line.startswith("Parts:")), "no parts story"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "dealers_with_stock": StockBalance.objects.filter(on_hand__gt=0)
        .values("dealer_id")
        .distinct()
        .count(),
        "balances": StockBalance.objects.count(),
        "movements": StockMovement.objects.count(),
        "consumptions": StockMovement.objects.filter(kind="consumption").count(),
        "waiting": KitReservation.objects.filter(status="waiting").count(),
    }


def _measure(*, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from campaign.models import Kit
    from dealers.models import Membership, Region

    users = {name: get_user_model().objects.get(username=name) for name in ("admin", "regional", "parts")}
    west = Region.objects.get(pk=Membership.objects.get(user=users["regional"]).region_id)
    home = Membership.objects.get(user=users["parts"]).dealer_id
    kit = Kit.objects.order_by("part_number").first()
    pages = {
        "national": ("admin", "/parts/dashboard/"),
        "national, one kit": ("admin", f"/parts/dashboard/?kit={kit.pk}"),
        "national, by surplus": ("admin", "/parts/dashboard/?d-sort=surplus"),
        "national, dealers CSV": ("admin", "/parts/dashboard/?table=dealers&_export=csv"),
        "region": ("regional", f"/parts/dashboard/region/{west.pk}/"),
        "dealer (parts manager)": ("parts", f"/parts/dashboard/dealer/{home}/"),
    }
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    results = {}
    for label, (persona, url) in pages.items():
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
    fleet = _build(vehicles=args.vehicles)
    print("RESULT " + json.dumps({"fleet": fleet, "pages": _measure(requests=args.requests)}), flush=True)


# --- the parent: one child per backend -------------------------------------------------------


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, capture_output=True)


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
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
    ]
    log(f"{backend}: building and measuring")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    sys.stderr.write(output.stderr)
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
    for other in output.stdout.splitlines():
        if not other.startswith("RESULT "):
            print(other)
    if backend != "sqlite":
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    return json.loads(line.removeprefix("RESULT "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--vehicles", type=int, default=138_869)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    ok = True
    table = []
    for backend in args.backends.split(","):
        result = run_backend(backend, args)
        (RESULTS / f"parts-dashboard-{backend}.json").write_text(
            json.dumps(
                {
                    "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "vehicles": args.vehicles,
                    "requests": args.requests,
                    "load_average": os.getloadavg(),
                    **result,
                },
                indent=2,
            )
        )
        log(f"{backend} fleet: {result['fleet']}")
        for label, r in result["pages"].items():
            ok &= r["p95_ms"] < TARGET_MS
            table.append(
                f"{backend:<10} {label:<24} {r['queries']:>3} q  p50 {r['p50_ms']:>6} ms  p95 {r['p95_ms']:>6} ms"
            )
    print("\n".join(table))
    print(
        f"every page p95 < {TARGET_MS:.0f} ms: {'yes' if ok else 'NO'} (load average {os.getloadavg()[0]:.1f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
