"""Celery tasks of the mailings app: thin, taking ids, safe to run twice (acks_late redelivers)."""

from __future__ import annotations

import logging
import os
import socket

from celery import shared_task
from django.conf import settings

from mailings.chunks import mailing_work, mailings_sweep
from mailings.models import MailingChunk
from mailings.services import mailing_start

logger = logging.getLogger(__name__)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _eager() -> bool:
    return bool(mailing_chunk_work.app.conf.task_always_eager)


@shared_task(name="mailings.run", ignore_result=True)
def mailing_run(mailing_id: int) -> None:
    """Start a mailing and put MAILING_TASKS_IN_FLIGHT steps in flight (each queues its successor).

    A redelivered message puts more in flight: harmless, a step with nothing to claim ends."""
    mailing = mailing_start(mailing_id=mailing_id, worker=_worker_name())
    if mailing is None or mailing.status != mailing.Status.RENDERING:
        return
    if _eager():
        # In-process (no Redis): one step after another here, not a chain of nested calls.
        mailing_chunk_work.delay(mailing_id)
        return
    left = MailingChunk.objects.filter(mailing_id=mailing_id).exclude(status=MailingChunk.Status.DONE).count()
    for _ in range(max(min(left, settings.MAILING_TASKS_IN_FLIGHT), 1)):
        mailing_chunk_work.delay(mailing_id)


@shared_task(name="mailings.chunk_work", ignore_result=True)
def mailing_chunk_work(mailing_id: int) -> None:
    if _eager():
        while (
            result := mailing_work(mailing_id=mailing_id, worker=_worker_name(), retry_possible=False)
        ).next_in == 0:
            pass
        return
    result = mailing_work(mailing_id=mailing_id, worker=_worker_name())
    if result.next_in == 0:
        mailing_chunk_work.delay(mailing_id)
    elif result.next_in is not None:
        logger.info(
            "Mailing %s: other workers hold its last chunks; looking again in %.0f s",
            mailing_id,
            result.next_in,
        )
        mailing_chunk_work.apply_async((mailing_id,), countdown=result.next_in)


# Every few minutes from CELERY_BEAT_SCHEDULE: a mailing whose workers all died is picked up again.
@shared_task(name="mailings.sweep", ignore_result=True)
def mailings_sweep_run() -> int:
    return mailings_sweep()
