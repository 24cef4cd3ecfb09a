#!/usr/bin/env python
"""Speed and memory of the affected-VIN import against a raw bulk insert, same machine, same run.

    .venv/bin/python bench/import_bench.py [--rows 138869] [--scale 10] [--backends sqlite,postgres]

For each backend (a fresh SQLite file; a fresh PostgreSQL database, created and dropped here):

1. ``raw``: the same CSV rows read with ``csv.reader`` and inserted into one bare table of
   text columns, no index, one transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
   This is the yardstick ("within 20x of raw"). ``raw insert only`` times the insert of rows
   already in memory, for reference.
2. ``import``: ``campaign.vin_import_merge.affected_vins_import`` of ALE's full list with owners
   (written by ``demo.fleet``, as ``seed_demo`` does) into a freshly migrated database.
3. ``re-import``: the same file again (every row unchanged).
4. ``import 10x``: ten times the rows, for memory: ALE's ranges hold too few serials, so the
   bench loads a synthetic wide-range campaign (ALE's table, UIO x10, each model's range widened
   to all 10,000,000 serials) with ``manage.py load_campaign`` and imports its list.

Every step runs in its own process, so "peak RSS" is that process's high-water mark
(``ru_maxrss``), Django and all; "before" is its RSS just before the timed work. The table
printed at the end, and the JSON under ``bench/results/``, say whether the targets hold:
first import <= 15 s and <= 20x raw on each backend, and peak RSS at 10x within 10% of 1x.
Exit status 0 only when they do.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "import"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recall_import_bench")
ALE_ROWS = 138_869
SEED = 2010
TARGET_SECONDS = 15.0
TARGET_RATIO = 20.0
TARGET_MEMORY_GROWTH = 0.10


def log(message: str) -> None:
    print(f"[import_bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def rss_mb() -> float:
    """Current resident set size of this process, MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Work done in child processes ------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def worker_generate(args: argparse.Namespace) -> dict:
    _django()
    from campaign.models import Campaign
    from demo.fleet import demo_fleet_write_csv

    campaign = Campaign.objects.get(code=args.campaign)
    started = time.perf_counter()
    rows = demo_fleet_write_csv(campaign=campaign, vehicles=args.rows, path=Path(args.file), seed=SEED)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def worker_import(args: argparse.Namespace) -> dict:
    _django()
    from campaign.models import Campaign
    from campaign.vin_import_merge import affected_vins_import

    campaign = Campaign.objects.get(code=args.campaign)
    before = rss_mb()
    started = time.perf_counter()
    with open(args.file, "rb") as source:
        result = affected_vins_import(
            campaign_id=campaign.pk, source=source, rejects_path=Path(args.file).with_suffix(".rejects.csv")
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        "read": result.read,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }


def worker_raw(args: argparse.Namespace) -> dict:
    """Read the CSV and bulk-insert its rows into one bare table: the yardstick."""
    with open(args.file, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    columns = ", ".join(f'"{name}"' for name in header)
    create = f"CREATE TABLE raw_rows ({', '.join(f'{chr(34)}{n}{chr(34)} text' for n in header)})"
    before = rss_mb()
    if args.backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(args.database, isolation_level=None)
        # The same pragmas the project sets (config/settings.py), so both sides write alike.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("DROP TABLE IF EXISTS raw_rows")
        connection.execute(create)
        placeholders = ", ".join("?" * len(header))

        def insert(rows) -> None:
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO raw_rows ({columns}) VALUES ({placeholders})", rows)
            connection.execute("COMMIT")

        def reset() -> None:
            connection.execute("DELETE FROM raw_rows")

        def drop() -> None:
            connection.execute("DROP TABLE raw_rows")
            connection.close()
    else:
        import psycopg

        connection = psycopg.connect(args.database)
        connection.execute("DROP TABLE IF EXISTS raw_rows")
        connection.execute(create)
        connection.commit()

        def insert(rows) -> None:
            with connection.cursor() as cursor, cursor.copy(f"COPY raw_rows ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            connection.commit()

        def reset() -> None:
            connection.execute("TRUNCATE raw_rows")
            connection.commit()

        def drop() -> None:
            connection.execute("DROP TABLE raw_rows")
            connection.commit()
            connection.close()

    started = time.perf_counter()
    with open(args.file, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        insert(reader)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    reset()
    with open(args.file, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = list(reader)
    started = time.perf_counter()
    insert(rows)
    insert_only = time.perf_counter() - started
    drop()
    return {
        "seconds": seconds,
        "insert_only_seconds": insert_only,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
    }


WORKERS = {"generate": worker_generate, "import": worker_import, "raw": worker_raw}


# --- The orchestration ----------------------------------------------------------------------


def child(step: str, *, env: dict[str, str], **options: object) -> dict:
    command = [PYTHON, __file__, "--worker", step]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"bench step {step} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def manage(*args: str, env: dict[str, str]) -> None:
    completed = subprocess.run(
        [PYTHON, "manage.py", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")


def django_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    # The zero-setup configuration (SQLite file or the given PostgreSQL, tasks in-process), as
    # `make demo` runs it; DEBUG stays on, which must not make memory grow with the file.
    env["DATABASE_URL"] = database_url
    env["DJANGO_DEBUG"] = "1"
    return env


def wide_campaign_yaml(path: Path, scale: int) -> None:
    """ALE's table with UIO x scale and each covered model's range widened to every serial."""
    import yaml

    data = yaml.safe_load((ROOT / "campaign" / "data" / "ALE.yaml").read_text(encoding="utf-8"))
    data["code"] = "WIDE"
    data["title"] = f"Benchmark campaign: ALE's models, {scale}x the vehicles"
    for row in data["vin_table"]:
        first = row["ranges"][0]
        row["ranges"] = [{"wmi": first["wmi"], "vds": first["vds"], "serial": "0000000-9999999"}]
        row["uio"] = row["uio"] * scale
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def pg_admin(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True), parts.path.lstrip(
        "/"
    )


def fresh_database(backend: str, *, scale: int) -> tuple[str, str]:
    """(DATABASE_URL for Django, what the raw worker connects to), migrated, with WIDE if needed."""
    if backend == "sqlite":
        path = WORK / "bench.sqlite3"
        for leftover in WORK.glob("bench.sqlite3*"):
            leftover.unlink()
        url, raw = f"sqlite:///{path}", str(path)
    else:
        admin, name = pg_admin(PG_URL)
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = raw = PG_URL
    env = django_env(url)
    manage("migrate", "--noinput", "-v0", env=env)
    if scale:
        manage("load_campaign", str(WORK / "wide.yaml"), env=env)
    return url, raw


def drop_database(backend: str) -> None:
    if backend == "postgresql":
        admin, name = pg_admin(PG_URL)
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def files(rows: int, scale: int) -> dict[str, Path]:
    """The import files, generated once per size into bench/.work/import/ (a scratch SQLite)."""
    WORK.mkdir(parents=True, exist_ok=True)
    wanted = {"ale": (WORK / f"ale-{rows}-seed{SEED}.csv", "ALE", rows)}
    if scale:
        wanted["wide"] = (WORK / f"wide-{rows * scale}-seed{SEED}.csv", "WIDE", rows * scale)
        wide_campaign_yaml(WORK / "wide.yaml", scale)
    missing = {k: v for k, v in wanted.items() if not v[0].exists()}
    if missing:
        scratch = WORK / "generate.sqlite3"
        for leftover in WORK.glob("generate.sqlite3*"):
            leftover.unlink()
        env = django_env(f"sqlite:///{scratch}")
        manage("migrate", "--noinput", "-v0", env=env)
        if scale:
            manage("load_campaign", str(WORK / "wide.yaml"), env=env)
        for path, code, count in missing.values():
            log(f"generating {path.name} ({count:,} rows)…")
            partial = path.with_suffix(".partial")
            done = child("generate", env=env, campaign=code, rows=count, file=partial)
            partial.replace(path)
            log(f"  {done['rows']:,} rows in {done['seconds']:.1f} s")
    return {k: v[0] for k, v in wanted.items()}


def run_backend(backend: str, paths: dict[str, Path], *, scale: int) -> list[dict]:
    log(f"{backend}: fresh database")
    url, raw_target = fresh_database(backend, scale=scale)
    env = django_env(url)
    out = []
    ale_rows = sum(1 for _ in paths["ale"].open()) - 1
    raw = child("raw", env=env, backend=backend, database=raw_target, file=paths["ale"])
    out.append({"backend": backend, "case": "raw insert", "rows": ale_rows, **raw})
    log(f"  raw: {raw['seconds']:.2f} s (insert only {raw['insert_only_seconds']:.2f} s)")
    for case in ("import", "re-import"):
        result = child("import", env=env, campaign="ALE", file=paths["ale"])
        out.append({"backend": backend, "case": case, "rows": ale_rows, **result})
        log(f"  {case}: {result['seconds']:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    if scale:
        wide_rows = ale_rows * scale
        result = child("import", env=env, campaign="WIDE", file=paths["wide"])
        out.append({"backend": backend, "case": f"import {scale}x", "rows": wide_rows, **result})
        log(f"  import {scale}x: {result['seconds']:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    drop_database(backend)
    return out


def verdicts(results: list[dict], scale: int) -> list[tuple[str, bool]]:
    checks = []
    for backend in sorted({r["backend"] for r in results}):
        rows = {r["case"]: r for r in results if r["backend"] == backend}
        first, raw = rows["import"], rows["raw insert"]
        checks.append(
            (
                f"{backend}: first import {first['seconds']:.1f} s <= {TARGET_SECONDS:.0f} s",
                first["seconds"] <= TARGET_SECONDS,
            )
        )
        ratio = first["seconds"] / raw["seconds"]
        checks.append(
            (f"{backend}: first import {ratio:.1f}x raw <= {TARGET_RATIO:.0f}x", ratio <= TARGET_RATIO)
        )
        if scale:
            big = rows[f"import {scale}x"]
            growth = big["peak_rss_mb"] / first["peak_rss_mb"] - 1
            checks.append(
                (
                    f"{backend}: peak RSS {big['peak_rss_mb']:.0f} MB at {scale}x vs {first['peak_rss_mb']:.0f} MB at 1x "
                    f"({growth:+.0%}, at most {TARGET_MEMORY_GROWTH:+.0%})",
                    growth <= TARGET_MEMORY_GROWTH,
                )
            )
    return checks


def print_table(results: list[dict]) -> None:
    raw = {r["backend"]: r["seconds"] for r in results if r["case"] == "raw insert"}
    print()
    print(
        f"{'backend':<11}{'case':<16}{'rows':>11}{'seconds':>10}{'x raw':>8}{'peak RSS MB':>13}{'RSS before':>12}"
    )
    for r in results:
        ratio = r["seconds"] / raw[r["backend"]]
        print(
            f"{r['backend']:<11}{r['case']:<16}{r['rows']:>11,}{r['seconds']:>10.2f}{ratio:>8.1f}"
            f"{r['peak_rss_mb']:>13.0f}{r['rss_before_mb']:>12.0f}"
        )
    for r in results:
        if r["case"] == "raw insert":
            print(f"({r['backend']} raw insert of rows already in memory: {r['insert_only_seconds']:.2f} s)")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ALE_ROWS, help="rows of ALE's list (default 138,869)")
    parser.add_argument("--scale", type=int, default=10, help="the memory run imports rows x scale (0: skip)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    for hidden in ("campaign", "file", "backend", "database"):
        parser.add_argument(f"--{hidden}", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return 0

    aliases = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql", "pg": "postgresql"}
    backends = [aliases[b.strip().lower()] for b in args.backends.split(",") if b.strip()]
    started = time.perf_counter()
    paths = files(args.rows, args.scale)
    results = []
    for backend in backends:
        results += run_backend(backend, paths, scale=args.scale)
    print_table(results)
    checks = verdicts(results, args.scale) if args.rows == ALE_ROWS else []
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "bench": "import",
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "rows": args.rows,
        "scale": args.scale,
        "results": results,
        "checks": [{"check": text, "ok": ok} for text, ok in checks],
        "total_seconds": time.perf_counter() - started,
    }
    for name in (f"import_bench-{stamp}.json", "import_bench-latest.json"):
        (RESULTS / name).write_text(json.dumps(report, indent=2))
    log(f"results in bench/results/import_bench-{stamp}.json ({report['total_seconds']:.0f} s in all)")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
