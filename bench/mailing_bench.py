#!/usr/bin/env python
"""An owner mailing to ALE's full fleet: the manifest time, the render rate against WeasyPrint
alone, the rate on 1 and 2 worker processes, and memory.

    .venv/bin/python bench/mailing_bench.py [--backends sqlite,postgresql] [--vehicles 138869]
        [--render-chunks 2] [--worker-letters 1000] [--no-workers]

For each backend, in a child process with a fresh database (a SQLite file under
``bench/.work/mailing/``; a PostgreSQL database created and dropped here):

1. ``migrate`` and the demo fleet's affected-VIN list with owners (``--vehicles``, through the
   import service), ALE moved to owner notification;
2. **manifest**: ``mailing_create`` for the owner notification (every letter a row, in ZIP
   order, chunks of MAILING_CHUNK_LETTERS = 250) and then every chunk's manifest CSV written
   as the chunk task writes it (``chunk_letters`` + ``manifest_bytes`` + ``atomic_write``):
   the time for all of it, against the issue's 30 s; the process's peak RSS;
3. **render rate, side by side**: ``--render-chunks`` chunks, each rendered twice in turn (the
   order alternating): by the product's chunk step (claim, letters query, manifest, HTML, PDF,
   files, completion in one transaction) and by WeasyPrint alone on the same template and
   letters (``render_to_string`` + ``HTML(string=…).write_pdf()``, nothing else). Letters per
   second each way, and the product's share of WeasyPrint's rate (the bar: 80%);
4. **workers** (PostgreSQL, with Redis: ``BENCH_REDIS_URL``): two more mailings of
   ``--worker-letters`` letters each (chunks of 100) run by 1 and then 2 real
   ``celery -A config worker`` processes (solo pool); letters per second in all and per worker,
   and each worker's resident memory after each chunk (from /proc: flat or growing).

Results go to ``bench/results/mailing-<backend>.json``; the table is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "mailing"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "recall_mailing_bench"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
MANIFEST_TARGET_S = 30.0
RATE_TARGET = 0.80


def log(message: str) -> None:
    print(f"[mailing_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the child: build and measure ------------------------------------------------------------


def _fleet(vehicles: int):
    from campaign.models import Campaign
    from campaign.vin_import_merge import affected_vins_import
    from demo.fleet import demo_fleet_write_csv

    campaign = Campaign.objects.get(code="ALE")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fleet.csv"
        demo_fleet_write_csv(campaign=campaign, vehicles=vehicles, path=path)
        with open(path, "rb") as source:
            affected_vins_import(campaign_id=campaign.pk, source=source, rejects_path=Path(folder) / "r.csv")
    Campaign.objects.filter(pk=campaign.pk).update(phase=Campaign.Phase.OWNER_NOTIFICATION)
    campaign.refresh_from_db()
    return campaign


def _manifest(campaign) -> tuple[dict, object]:
    from mailings import package
    from mailings.chunks import chunk_letters
    from mailings.models import Mailing, MailingChunk
    from mailings.services import mailing_create

    started = time.perf_counter()
    mailing = mailing_create(campaign_id=campaign.pk, kind=Mailing.Kind.NOTIFICATION)
    created = time.perf_counter()
    for number in (
        MailingChunk.objects.filter(mailing=mailing).order_by("number").values_list("number", flat=True)
    ):
        letters = chunk_letters(mailing_id=mailing.pk, number=number)
        package.atomic_write(package.manifest_path(mailing.pk, number), package.manifest_bytes(letters))
    finished = time.perf_counter()
    files = list(package.package_dir(mailing.pk).glob("manifest-*.csv"))
    rows = sum(p.read_bytes().count(b"\n") - 1 for p in files)
    assert rows == mailing.letters_total, (rows, mailing.letters_total)
    return {
        "letters": mailing.letters_total,
        "chunks": mailing.chunks_total,
        "create_s": round(created - started, 2),
        "manifests_s": round(finished - created, 2),
        "total_s": round(finished - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, mailing


def _render(mailing, chunks: int) -> dict:
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import timezone

    from mailings.chunks import chunk_claim, chunk_complete, chunk_letters, chunk_render
    from mailings.letters import letter_stylesheet, letter_text
    from mailings.services import mailing_start

    mailing_start(mailing_id=mailing.pk, worker="bench")
    mailing.refresh_from_db()
    text = letter_text(
        campaign=mailing.campaign, kind=mailing.kind, date=timezone.localdate(mailing.created_at)
    )

    # Wall-clock and this process's CPU time: on a shared machine the wall clock of two runs a
    # minute apart differs with the neighbours' load; the CPU time does not (the product's
    # share of the database's own CPU is in the wall clock only).
    def direct(number: int) -> tuple[float, float]:
        letters = chunk_letters(mailing_id=mailing.pk, number=number)  # untimed: the same letters
        t0, c0 = time.perf_counter(), time.process_time()
        html = render_to_string("mailings/letter_document.html", {"text": text, "letters": letters})
        weasyprint.HTML(string=html, base_url=str(ROOT)).write_pdf(stylesheets=[letter_stylesheet()])
        return time.perf_counter() - t0, time.process_time() - c0

    def product() -> tuple[float, float, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        chunk = chunk_claim(mailing_id=mailing.pk, worker="bench")
        pages = chunk_render(mailing=mailing, chunk=chunk)
        assert chunk_complete(chunk=chunk, pages=pages)
        return time.perf_counter() - t0, time.process_time() - c0, chunk.number

    direct(1)  # warm-up: fonts, the template cache
    product_s, direct_s, product_cpu, direct_cpu, letters = [], [], [], [], 0
    for i in range(chunks):
        number = i + 1
        runs = ("product", "direct") if i % 2 == 0 else ("direct", "product")
        for run in runs:
            if run == "product":
                wall, cpu, claimed = product()
                assert claimed == number
                product_s.append(wall)
                product_cpu.append(cpu)
            else:
                wall, cpu = direct(number)
                direct_s.append(wall)
                direct_cpu.append(cpu)
        letters += mailing.chunk_size
    return {
        "letters": letters,
        "product_s": [round(s, 2) for s in product_s],
        "weasyprint_s": [round(s, 2) for s in direct_s],
        "product_cpu_s": [round(s, 2) for s in product_cpu],
        "weasyprint_cpu_s": [round(s, 2) for s in direct_cpu],
        "product_letters_per_s": round(letters / sum(product_s), 1),
        "weasyprint_letters_per_s": round(letters / sum(direct_s), 1),
        "share": round(sum(direct_s) / sum(product_s), 3),
        "share_cpu": round(sum(direct_cpu) / sum(product_cpu), 3),
    }


def _workers(campaign, *, letters: int, database_url: str) -> dict:
    from django.db import transaction

    from campaign.models import AffectedVehicle
    from mailings.models import Letter, Mailing, MailingChunk
    from mailings.services import mailing_create
    from mailings.tasks import mailing_run

    mailed = Letter.objects.filter(campaign=campaign, kind=Mailing.Kind.INTERIM).values("vehicle_id")
    queue = f"mailing-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_DEBUG": "0",
    }
    results = {}
    # Interim notices (the notification used every vehicle above): ALE back to preliminary for them.
    from campaign.models import Campaign

    Campaign.objects.filter(pk=campaign.pk).update(phase=Campaign.Phase.PRELIMINARY)
    for count in (1, 2):
        vins = list(
            AffectedVehicle.objects.filter(campaign=campaign)
            .exclude(vehicle_id__in=mailed)
            .order_by("vehicle_id")
            .values_list("vehicle_id", flat=True)[:letters]
        )
        with transaction.atomic():
            mailing_run.delay_on_commit = lambda mailing_id: (
                None
            )  # queued by hand below, on the bench's queue
            mailing = mailing_create(
                campaign_id=campaign.pk, kind=Mailing.Kind.INTERIM, chunk_size=100, only_vins=vins
            )
        procs, logs = [], []
        for n in range(count):
            log_file = open(WORK / f"worker-{count}-{n}.log", "wb")  # noqa: SIM115
            logs.append(log_file)
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "--pool",
                        "solo",
                        "--concurrency",
                        "1",
                        "-Q",
                        queue,
                        "-n",
                        f"bench{count}-{n}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            )
        time.sleep(8)  # the workers start (imports, broker connection) before the clock does
        rss: dict[int, list[float]] = {p.pid: [] for p in procs}
        seen_done = 0
        started = time.perf_counter()
        mailing_run.apply_async((mailing.pk,), queue=queue)
        while not Mailing.objects.filter(pk=mailing.pk, status__in=["done", "failed"]).exists():
            done = MailingChunk.objects.filter(mailing=mailing, status="done").count()
            if done != seen_done:
                seen_done = done
                for p in procs:
                    rss[p.pid].append(round(_rss_mb(p.pid), 1))
            if time.perf_counter() - started > 1800:
                raise RuntimeError("the workers did not finish in 30 minutes")
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        for p in procs:
            rss[p.pid].append(round(_rss_mb(p.pid), 1))
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        for f in logs:
            f.close()
        mailing.refresh_from_db()
        by_worker = {}
        for claimed_by in MailingChunk.objects.filter(mailing=mailing).values_list("claimed_by", flat=True):
            by_worker[claimed_by] = by_worker.get(claimed_by, 0) + 1
        results[f"{count}_workers"] = {
            "status": mailing.status,
            "letters": mailing.letters_total,
            "seconds": round(seconds, 1),
            "letters_per_s": round(mailing.letters_total / seconds, 1),
            "letters_per_s_per_worker": round(mailing.letters_total / seconds / count, 1),
            "chunks_by_worker": sorted(by_worker.values()),
            "rss_mb_after_each_chunk": list(rss.values()),
        }
        log(f"{count} worker(s): {results[f'{count}_workers']}")
    return results


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mailings.tasks import mailing_run

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    campaign = _fleet(args.vehicles)
    log(f"fleet of {args.vehicles:,}: {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The run itself is measured below, chunk by chunk: the mailing is created without queueing it.
    real = mailing_run.delay_on_commit
    mailing_run.delay_on_commit = lambda mailing_id: None
    with transaction.atomic():
        manifest, mailing = _manifest(campaign)
    mailing_run.delay_on_commit = real
    log(f"manifest: {manifest}")
    render = _render(mailing, args.render_chunks) if args.render_chunks else None
    log(f"render: {render}")
    workers = None
    if connection.vendor == "postgresql" and not args.no_workers:
        db = connection.settings_dict
        url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        workers = _workers(campaign, letters=args.worker_letters, database_url=url)
    print("RESULT " + json.dumps({"manifest": manifest, "render": render, "workers": workers}), flush=True)


# --- the parent: one child per backend -------------------------------------------------------


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, capture_output=True)


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    media = WORK / f"media-{backend}"
    subprocess.run(["rm", "-rf", str(media)], check=True)
    if backend == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _psql(f"CREATE DATABASE {PG_NAME}")
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_DIR": str(media),
    }
    # The child's own mailings run in-process; with workers it queues their first task on Redis.
    env.pop("REDIS_URL", None)
    if backend == "postgresql" and not args.no_workers:
        env["REDIS_URL"] = REDIS
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--vehicles={args.vehicles}",
        f"--render-chunks={args.render_chunks}",
        f"--worker-letters={args.worker_letters}",
        *(["--no-workers"] if args.no_workers else []),
    ]
    log(f"{backend}: building and measuring")
    output = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    sys.stderr.write(output.stderr[-20000:])
    if output.returncode:
        raise SystemExit(f"{backend}: the child failed ({output.returncode})")
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
    if backend != "sqlite":
        _psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    subprocess.run(["rm", "-rf", str(media)], check=True)
    return json.loads(line.removeprefix("RESULT "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--vehicles", type=int, default=138_869)
    parser.add_argument("--render-chunks", type=int, default=2)
    parser.add_argument("--worker-letters", type=int, default=1000)
    parser.add_argument("--no-workers", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    ok = True
    table = []
    for backend in args.backends.split(","):
        r = run_backend(backend, args)
        (RESULTS / f"mailing-{backend}.json").write_text(
            json.dumps(
                {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vehicles": args.vehicles, **r},
                indent=2,
            )
        )
        m, rr, w = r["manifest"], r["render"], r["workers"]
        ok &= m["total_s"] < MANIFEST_TARGET_S and (rr is None or rr["share_cpu"] >= RATE_TARGET)
        table.append(
            f"{backend:<10} manifest {m['letters']:,} letters in {m['total_s']} s (create {m['create_s']} s, "
            f"manifests {m['manifests_s']} s, peak RSS {m['peak_rss_mb']} MB)"
        )
        if rr:
            table.append(
                f"{backend:<10} render {rr['product_letters_per_s']} letters/s vs WeasyPrint alone "
                f"{rr['weasyprint_letters_per_s']}: {rr['share']:.0%} of its wall-clock rate, {rr['share_cpu']:.0%} of its CPU rate"
            )
        if w:
            for label, v in w.items():
                table.append(
                    f"{backend:<10} {label}: {v['letters']} letters in {v['seconds']} s, {v['letters_per_s']} letters/s "
                    f"({v['letters_per_s_per_worker']} per worker), chunks {v['chunks_by_worker']}, RSS {v['rss_mb_after_each_chunk']}"
                )
    print("\n".join(table))
    print(
        f"manifest < {MANIFEST_TARGET_S:.0f} s and render >= {RATE_TARGET:.0%}: {'yes' if ok else 'NO'} "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
