"""Celery tasks of the mailings app: thin, taking ids, safe to run twice (acks_late redelivers)."""

from __future__ import annotations

import os
import socket

from celery import shared_task

from mailings.chunks import mailing_work, mailings_sweep
from mailings.models import MailingChunk
from mailings.services import mailing_start


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@shared_task(name="mailings.run", ignore_result=True)
def mailing_run(mailing_id: int) -> None:
    """Start a mailing and queue one chunk task per chunk not yet done (a redelivery queues the
    rest again: a task that finds nothing to claim only checks whether the mailing is done)."""
    mailing = mailing_start(mailing_id=mailing_id, worker=_worker_name())
    if mailing is None or mailing.status != mailing.Status.RENDERING:
        return
    left = MailingChunk.objects.filter(mailing_id=mailing_id).exclude(status=MailingChunk.Status.DONE).count()
    for _ in range(max(left, 1)):
        mailing_chunk_work.delay(mailing_id)


@shared_task(name="mailings.chunk_work", ignore_result=True)
def mailing_chunk_work(mailing_id: int) -> None:
    # In-process (no Redis) nobody else holds a chunk, and a countdown would run at once.
    eager = bool(mailing_chunk_work.app.conf.task_always_eager)
    result = mailing_work(mailing_id=mailing_id, worker=_worker_name(), retry_possible=not eager)
    if result.retry_in is not None and not eager:
        mailing_chunk_work.apply_async((mailing_id,), countdown=result.retry_in)


# Every few minutes from CELERY_BEAT_SCHEDULE: a mailing whose workers all died is picked up again.
@shared_task(name="mailings.sweep", ignore_result=True)
def mailings_sweep_run() -> int:
    return mailings_sweep()
