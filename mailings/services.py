"""Creating a mailing and moving it through its statuses (each move a ``MailingStatusChange``).

``mailing_create`` checks the kind against the campaign's phase (577.7: an interim notice
only while the remedy is not available, the owner notification once it is; a 577.10
follow-up after the notification), writes the letters and chunks in the same transaction as
the mailing (``mailings.selection``), with the campaign's row locked so two administrators
creating the same kind at once queue up instead of racing, and queues ``mailings.run`` once
it is committed. Statuses change only by conditional updates here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Campaign
from mailings import package
from mailings.models import Mailing, MailingChunk, MailingStatusChange
from mailings.selection import SelectionCounts, letters_write, selection_counts

Kind = Mailing.Kind
Status = Mailing.Status
CREATE_PERM = "mailings.add_mailing"


def mailing_kind_check(*, campaign: Campaign, kind: str) -> None:
    """``DomainError`` when the campaign's phase does not allow this kind of mailing."""
    if kind not in Kind.values:
        raise DomainError(f"A mailing is one of: {', '.join(Kind.values)}; not {kind!r}.", field="kind")
    if campaign.phase == Campaign.Phase.CLOSED:
        raise DomainError(f"{campaign.code} is closed: no more letters go out.", field="kind")
    if kind == Kind.INTERIM and campaign.remedy_available:
        raise DomainError(
            f"The remedy for {campaign.code} is available ({campaign.get_phase_display()}): send the owner "
            "notification, which is the second notice for owners who had an interim one.",
            field="kind",
        )
    if kind != Kind.INTERIM and not campaign.remedy_available:
        raise DomainError(
            f"The remedy for {campaign.code} is not available yet (preliminary notice): send an interim "
            "notice now, and the owner notification once parts are available.",
            field="kind",
        )


def mailing_preview_counts(*, campaign: Campaign, kind: str) -> SelectionCounts:
    mailing_kind_check(campaign=campaign, kind=kind)
    return selection_counts(campaign_id=campaign.pk, kind=kind)


def _status_change(
    *, mailing: Mailing, from_status: str, to_status: str, by=None, note: str = "", **fields
) -> bool:
    """Move ``mailing`` from one status to another if it is still there; the history row with it."""
    moved = Mailing.objects.filter(pk=mailing.pk, status=from_status).update(status=to_status, **fields)
    if moved:
        MailingStatusChange.objects.create(
            mailing_id=mailing.pk, from_status=from_status, to_status=to_status, changed_by=by, note=note
        )
    return bool(moved)


def mailing_create(
    *,
    campaign_id: int,
    kind: str,
    user=None,
    chunk_size: int | None = None,
    allow_empty: bool = False,
    only_vins: Sequence[str] | None = None,
) -> Mailing:
    """Create a mailing with its letters and chunks, and queue it; ``DomainError`` if it may not go.

    ``allow_empty``: a mailing that finds nobody left to write to is still recorded (the
    ``mailing_send`` command's rerun says so and points at its package) instead of refused.
    ``only_vins``: a pilot mailing to these vehicles of the selection only (the demo's slice).
    """
    size = chunk_size or settings.MAILING_CHUNK_LETTERS
    if size < 1:
        raise DomainError("A chunk holds at least one letter.", field="chunk_size")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None:
            raise DomainError("That campaign does not exist.", field="campaign", code="not_found")
        mailing_kind_check(campaign=campaign, kind=kind)
        counts = selection_counts(campaign_id=campaign.pk, kind=kind)
        if counts.to_send == 0 and not allow_empty:
            raise DomainError(
                f"Nobody to write to: of {counts.open_vehicles:,} open vehicles, {counts.already_mailed:,} "
                f"already have this letter, {counts.no_address:,} have no address and "
                f"{counts.undeliverable:,} an undeliverable one.",
                field="kind",
                code="conflict",
            )
        mailing = Mailing.objects.create(
            campaign=campaign,
            kind=kind,
            created_by=user,
            chunk_size=size,
            skipped_already_mailed=counts.already_mailed,
            skipped_no_address=counts.no_address,
            skipped_undeliverable=counts.undeliverable,
        )
        MailingStatusChange.objects.create(mailing=mailing, to_status=Status.QUEUED, changed_by=user)
        written = letters_write(mailing=mailing, only_vins=only_vins)
        chunks = MailingChunk.objects.filter(mailing=mailing).count()
        Mailing.objects.filter(pk=mailing.pk).update(letters_total=written, chunks_total=chunks)
        mailing.letters_total, mailing.chunks_total = written, chunks
        package.package_start(mailing=mailing, campaign=campaign)
        if written == 0:
            _status_change(
                mailing=mailing,
                from_status=Status.QUEUED,
                to_status=Status.DONE,
                by=user,
                note="Nobody left to write to: every vehicle in the selection already has this letter.",
                started_at=timezone.now(),
                finished_at=timezone.now(),
            )
        else:
            from mailings.tasks import mailing_run  # the task module imports this one

            mailing_run.delay_on_commit(mailing.pk)
    mailing.refresh_from_db()
    return mailing


def mailing_start(*, mailing_id: int, worker: str = "") -> Mailing | None:
    """Queued → rendering, once; ``None`` when the mailing is gone or not queued."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return None
    if mailing.status == Status.QUEUED:
        _status_change(
            mailing=mailing,
            from_status=Status.QUEUED,
            to_status=Status.RENDERING,
            note=f"Started by {worker}" if worker else "",
            started_at=timezone.now(),
        )
    mailing.refresh_from_db()
    return mailing


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    """Rendering → done when every chunk is done (whoever sees it first; the others see it done)."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Status.RENDERING:
        return bool(mailing and mailing.status == Status.DONE)
    if MailingChunk.objects.filter(mailing_id=mailing_id).exclude(status=MailingChunk.Status.DONE).exists():
        return False
    _status_change(
        mailing=mailing,
        from_status=Status.RENDERING,
        to_status=Status.DONE,
        note=f"{mailing.letters_total:,} letters in {mailing.chunks_total:,} chunk{'s' if mailing.chunks_total != 1 else ''}.",
        finished_at=timezone.now(),
    )
    return True


def mailing_fail(*, mailing_id: int, error: str) -> None:
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return
    for from_status in (Status.QUEUED, Status.RENDERING):
        if _status_change(
            mailing=mailing,
            from_status=from_status,
            to_status=Status.FAILED,
            note=error,
            error=error,
            finished_at=timezone.now(),
        ):
            return


def mailing_resume(*, mailing_id: int, user=None) -> Mailing:
    """Failed → queued again: its letters are reserved for it (no other mailing of the kind
    will send them), so the way on is to finish it; chunks not done are claimed afresh."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None:
            raise DomainError("No such mailing.", code="not_found")
        if mailing.status != Status.FAILED:
            raise DomainError(
                f"Mailing {mailing.pk} is {mailing.get_status_display().lower()}: only a failed one is run again.",
                code="conflict",
            )
        MailingChunk.objects.filter(mailing=mailing).exclude(status=MailingChunk.Status.DONE).update(
            status=MailingChunk.Status.PENDING, lease_expires_at=None, claimed_by="", error=""
        )
        _status_change(
            mailing=mailing,
            from_status=Status.FAILED,
            to_status=Status.QUEUED,
            by=user,
            note="Run again.",
            error="",
            finished_at=None,
        )
        from mailings.tasks import mailing_run

        mailing_run.delay_on_commit(mailing.pk)
    mailing.refresh_from_db()
    return mailing
