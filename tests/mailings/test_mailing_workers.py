"""A mailing on TWO real Celery worker processes, one of them SIGKILLed mid-chunk.

Two ``celery -A config worker`` subprocesses (solo pool, one task at a time each) run against
the test database and Redis, on a queue of their own (so no other worker of the suite takes
part). Once the first worker is seen rendering a chunk it is killed with SIGKILL (no clean-up,
its message left unacknowledged), and a replacement is started. The mailing must finish with
every eligible vehicle mailed exactly once: one Letter each, every chunk's PDF with two pages
a letter, and every letter in exactly one manifest row.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from pypdf import PdfReader

from mailings import package
from mailings.letters import LETTER_PAGES
from mailings.models import Letter, Mailing, MailingChunk
from mailings.services import mailing_create
from tests.mailings.conftest import fleet

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

LETTERS, CHUNK = 320, 40  # eight chunks of about 1.5 s each on this machine
LEASE_SECONDS = 15  # longer than a chunk takes, even the first of a fresh worker (about 7 s here)


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    def __init__(self, queue: str, media: Path, logs: Path):
        self.queue, self.logs = queue, logs
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": _database_url(),  # pytest-django's test database, not the dev one
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_MEDIA_DIR": str(media),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "MAILING_CHUNK_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115  (closed with the process)
        proc = subprocess.Popen(
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
                self.queue,
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        return proc

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        path = self.logs / f"{name}.log"
        while time.monotonic() < deadline:
            if b"ready." in path.read_bytes():
                return
            assert self.procs[name].poll() is None, path.read_text(errors="replace")
            time.sleep(0.2)
        pytest.fail(f"worker {name} did not start: {path.read_text(errors='replace')}")

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(settings, tmp_path, monkeypatch):
    from config.celery import app
    from mailings.tasks import mailing_run

    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL (the README's test command sets it).")
    queue = f"mailings-kill-{uuid.uuid4().hex[:8]}"
    # This process queues the mailing's first task on the workers' queue (they queue the rest there).
    monkeypatch.setattr(
        mailing_run,
        "delay_on_commit",
        lambda mailing_id: transaction.on_commit(lambda: mailing_run.apply_async((mailing_id,), queue=queue)),
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Workers(queue, Path(settings.MEDIA_ROOT), logs)
    yield running
    running.stop_all()
    app.conf.task_always_eager = eager
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def _wait_for(condition, *, timeout: float, what: str, logs: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    chunks = list(
        MailingChunk.objects.values_list(
            "number", "status", "attempt", "claimed_by", "lease_expires_at", "error"
        )
    )
    dump = f"chunks: {chunks}\n" + "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.glob("*.log"))
    )
    pytest.fail(f"Timed out waiting for {what}.\n{dump}")


def test_a_worker_killed_mid_mailing_leaves_no_letter_twice_and_no_owner_skipped(ale_notifying, workers):
    vehicles = fleet(ale_notifying, LETTERS)
    workers.start("first")
    workers.start("second")
    workers.wait_ready("first")
    workers.wait_ready("second")
    first_pid = workers.procs["first"].pid

    mailing = mailing_create(campaign_id=ale_notifying.pk, kind=Mailing.Kind.NOTIFICATION, chunk_size=CHUNK)
    assert mailing.chunks_total == LETTERS // CHUNK

    # Kill the first worker while it is rendering a chunk: files half-written, nothing marked.
    held = _wait_for(
        lambda: MailingChunk.objects.filter(
            mailing=mailing, status=MailingChunk.Status.RENDERING, claimed_by__endswith=f":{first_pid}"
        ).first(),
        timeout=90,
        what="the first worker to claim a chunk",
        logs=workers.logs,
    )
    os.kill(first_pid, signal.SIGKILL)
    workers.procs["first"].wait(timeout=10)
    workers.start("replacement")

    _wait_for(
        lambda: Mailing.objects.filter(pk=mailing.pk, status__in=["done", "failed"]).exists(),
        timeout=180,
        what="the mailing to finish",
        logs=workers.logs,
    )
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE, mailing.error

    # Every eligible vehicle has exactly one letter, mailed.
    letters = list(
        Letter.objects.filter(mailing=mailing).values_list("pk", "vehicle_id", "mailed_on", "chunk")
    )
    assert sorted(vin for _, vin, _, _ in letters) == sorted(v.vin for v in vehicles)
    assert all(mailed_on is not None for _, _, mailed_on, _ in letters)

    # The killed worker's chunk was claimed again and finished by another worker.
    held.refresh_from_db()
    assert held.status == MailingChunk.Status.DONE
    assert held.attempt >= 2 and not held.claimed_by.endswith(f":{first_pid}")
    chunks = list(MailingChunk.objects.filter(mailing=mailing))
    assert all(c.status == MailingChunk.Status.DONE for c in chunks)
    # The chunks were split across the worker processes.
    assert len({c.claimed_by for c in chunks}) >= 2

    # Each chunk's PDF has two pages per letter, and each letter is in exactly one manifest row.
    in_manifests: list[int] = []
    for c in chunks:
        assert len(PdfReader(package.pdf_path(mailing.pk, c.number)).pages) == c.letters * LETTER_PAGES
        with open(package.manifest_path(mailing.pk, c.number), newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == c.letters
        in_manifests += [int(row["letter_id"]) for row in rows]
    assert sorted(in_manifests) == sorted(pk for pk, _, _, _ in letters)
    # No half-written file was left under a final name or beside one.
    assert not [p for p in package.package_dir(mailing.pk).iterdir() if p.name.startswith(".")]
