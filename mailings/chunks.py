"""Rendering a mailing chunk by chunk, on any number of workers, killed or not.

A worker claims a chunk with ONE conditional update (pending, or rendering with its lease
run out) that also bumps ``attempt``; it writes the chunk's manifest and PDF (each all or
nothing, ``mailings.package.atomic_write``), then in ONE transaction marks the chunk done,
only if ``attempt`` is still its own, and stamps the letters' ``mailed_on``. So:

- two workers never both hold a live claim on a chunk (the update is the lock);
- a worker killed mid-chunk leaves it "rendering" until its lease runs out, then any worker
  claims it again (a new attempt); the killed one's files, if any, are whole or absent;
- a worker that was only slow, whose chunk was claimed again meanwhile, finds its attempt
  superseded and marks nothing: each letter is mailed once, in one chunk's files.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from campaign.errors import DomainError
from mailings import package
from mailings.letters import LetterView, letter_text, letters_pdf
from mailings.models import Letter, Mailing, MailingChunk
from mailings.services import mailing_fail, mailing_finish_if_done

logger = logging.getLogger(__name__)
ChunkStatus = MailingChunk.Status
# A chunk that failed this many times for an unexpected reason stops the mailing for a person to look at.
MAX_ATTEMPTS = 5
RETRY_AFTER_ERROR = 30.0


@dataclass(frozen=True)
class WorkResult:
    chunk: int | None  # the chunk number rendered, if any
    finished: bool  # the mailing is done
    # When the next step should run: 0 now (a chunk is there to claim), later when only other
    # workers' claims are left (when the first of them runs out), None when nothing is left.
    next_in: float | None


def _claimable(now: dt.datetime) -> Q:
    return Q(status=ChunkStatus.PENDING) | Q(status=ChunkStatus.RENDERING, lease_expires_at__lt=now)


def chunk_claim(*, mailing_id: int, worker: str) -> MailingChunk | None:
    """The first claimable chunk of the mailing, claimed for ``worker``; ``None`` if none is."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.MAILING_CHUNK_LEASE_SECONDS)
    candidates = list(
        MailingChunk.objects.filter(_claimable(now), mailing_id=mailing_id)
        .order_by("number")
        .values_list("pk", flat=True)[:8]
    )
    for pk in candidates:
        claimed = MailingChunk.objects.filter(_claimable(now), pk=pk).update(
            status=ChunkStatus.RENDERING,
            claimed_by=worker[:120],
            attempt=F("attempt") + 1,
            lease_expires_at=lease,
        )
        if claimed:
            return MailingChunk.objects.get(pk=pk)
    return None


def chunk_letters(*, mailing_id: int, number: int) -> list[LetterView]:
    """The chunk's letters in mailing order, with what the letter prints (one query)."""
    rows = (
        Letter.objects.filter(mailing_id=mailing_id, chunk=number)
        .order_by("sequence")
        .values_list(
            "pk",
            "vehicle_id",
            "vehicle__model_year",
            "vehicle__model_label",
            "owner_name",
            "address1",
            "address2",
            "city",
            "state",
            "postal_code",
            "sequence",
            "interim_mailed_on",
        )
    )
    return [LetterView(*row) for row in rows]


def chunk_render(*, mailing: Mailing, chunk: MailingChunk) -> int:
    """Write the chunk's manifest and PDF; the PDF's page count."""
    letters = chunk_letters(mailing_id=mailing.pk, number=chunk.number)
    text = letter_text(
        campaign=mailing.campaign, kind=mailing.kind, date=timezone.localdate(mailing.created_at)
    )
    package.atomic_write(package.manifest_path(mailing.pk, chunk.number), package.manifest_bytes(letters))
    pdf, pages = letters_pdf(text=text, letters=letters)
    package.atomic_write(package.pdf_path(mailing.pk, chunk.number), pdf)
    return pages


def chunk_complete(*, chunk: MailingChunk, pages: int) -> bool:
    """Done and mailed, in one transaction, if this claim is still the chunk's latest."""
    with transaction.atomic():
        done = MailingChunk.objects.filter(
            pk=chunk.pk, status=ChunkStatus.RENDERING, attempt=chunk.attempt
        ).update(status=ChunkStatus.DONE, finished_at=timezone.now(), pages=pages, error="")
        if not done:
            return False
        Letter.objects.filter(mailing_id=chunk.mailing_id, chunk=chunk.number, mailed_on__isnull=True).update(
            mailed_on=timezone.localdate()
        )
    return True


def _chunk_failed(*, chunk: MailingChunk, error: str, final: bool) -> None:
    MailingChunk.objects.filter(pk=chunk.pk, attempt=chunk.attempt, status=ChunkStatus.RENDERING).update(
        status=ChunkStatus.PENDING, lease_expires_at=None, error=error[:2000]
    )
    if final:
        mailing_fail(mailing_id=chunk.mailing_id, error=f"Chunk {chunk.number}: {error}")


def mailing_work(*, mailing_id: int, worker: str, retry_possible: bool = True) -> WorkResult:
    """One step of a mailing on one worker: claim a chunk, render it, say when the next step is.

    The task that runs a step queues the next one (``next_in``), so a mailing keeps a fixed
    number of steps in flight whichever worker dies: a killed worker's step is lost with it,
    its chunk is claimed again when the lease runs out by a step that is still going.
    ``retry_possible``: False in-process (no Redis), where nobody would come back for a chunk
    that failed, so the first unexpected error stops the mailing (to be run again from its page).
    """
    mailing = Mailing.objects.select_related("campaign").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.RENDERING:
        return WorkResult(
            chunk=None, finished=bool(mailing and mailing.status == Mailing.Status.DONE), next_in=None
        )
    chunk = chunk_claim(mailing_id=mailing_id, worker=worker)
    rendered = None
    if chunk is not None:
        try:
            pages = chunk_render(mailing=mailing, chunk=chunk)
        except DomainError as exc:  # the letter's layout: the same again on any worker
            _chunk_failed(chunk=chunk, error=exc.message, final=True)
            return WorkResult(chunk=None, finished=False, next_in=None)
        except Exception as exc:
            logger.exception("Mailing %s chunk %s failed on %s", mailing_id, chunk.number, worker)
            final = not retry_possible or chunk.attempt >= MAX_ATTEMPTS
            _chunk_failed(chunk=chunk, error=f"{type(exc).__name__}: {exc}", final=final)
            return WorkResult(chunk=None, finished=False, next_in=None if final else RETRY_AFTER_ERROR)
        if chunk_complete(chunk=chunk, pages=pages):
            rendered = chunk.number
        else:
            logger.warning(
                "Mailing %s chunk %s: claimed again while %s rendered it", mailing_id, chunk.number, worker
            )
    if mailing_finish_if_done(mailing_id=mailing_id):
        return WorkResult(chunk=rendered, finished=True, next_in=None)
    now = timezone.now()
    if MailingChunk.objects.filter(_claimable(now), mailing_id=mailing_id).exists():
        return WorkResult(chunk=rendered, finished=False, next_in=0)
    # Only chunks other workers hold are left: look again when the first claim runs out, in
    # case its worker died (if it did not, that look finds the mailing done).
    expires = MailingChunk.objects.filter(mailing_id=mailing_id, status=ChunkStatus.RENDERING).aggregate(
        first=Min("lease_expires_at")
    )["first"]
    wait = max((expires - now).total_seconds(), 0) + 1 if expires else 1
    return WorkResult(chunk=rendered, finished=False, next_in=wait)


def mailings_sweep() -> int:
    """For the beat: mailings whose steps were all lost with their workers get new ones; how many.

    A mailing whose steps are only waiting in the queue gets more too: harmless, a step that
    finds nothing to claim queues no successor."""
    from mailings.tasks import mailing_chunk_work, mailing_run

    now = timezone.now()
    touched = 0
    stale_queued = Mailing.objects.filter(
        status=Mailing.Status.QUEUED,
        created_at__lt=now - dt.timedelta(seconds=settings.MAILING_CHUNK_LEASE_SECONDS),
    )
    for mailing_id in stale_queued.values_list("pk", flat=True):
        mailing_run.delay(mailing_id)
        touched += 1
    for mailing_id in Mailing.objects.filter(status=Mailing.Status.RENDERING).values_list("pk", flat=True):
        if mailing_finish_if_done(mailing_id=mailing_id):
            continue
        claimable = MailingChunk.objects.filter(_claimable(now), mailing_id=mailing_id).count()
        for _ in range(min(claimable, settings.MAILING_TASKS_IN_FLIGHT)):
            mailing_chunk_work.delay(mailing_id)
        touched += bool(claimable)
    return touched
