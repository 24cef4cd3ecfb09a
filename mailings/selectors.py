"""Reads for the mailing pages: lists, a mailing's progress, returned mail, "owner not located"."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from campaign.models import AffectedVehicle
from dealers.access import scope_to_user
from mailings.models import (
    Letter,
    Mailing,
    MailingChunk,
    MailingStatusChange,
    ReturnedMail,
    ReturnedMailImport,
)

VIEW_PERM = "mailings.view_mailing"
CREATE_PERM = "mailings.add_mailing"
RETURNS_VIEW_PERM = "mailings.view_returnedmail"
RETURNS_ADD_PERM = "mailings.add_returnedmail"


def mailings_list() -> QuerySet[Mailing]:
    """Every mailing, with what the list shows (campaign administrators are national)."""
    done = Sum("chunks__letters", filter=Q(chunks__status=MailingChunk.Status.DONE))
    return Mailing.objects.select_related("campaign", "created_by").annotate(letters_done=done)


def mailing_get(*, pk: int) -> Mailing:
    return get_object_or_404(Mailing.objects.select_related("campaign", "created_by"), pk=pk)


def mailing_progress(*, mailing: Mailing) -> dict:
    """The progress bar's figures: one GROUP BY over the mailing's chunks."""
    by_status = {
        row["status"]: row
        for row in MailingChunk.objects.filter(mailing=mailing)
        .values("status")
        .annotate(chunks=Count("pk"), letters=Sum("letters"))
    }
    done = by_status.get(MailingChunk.Status.DONE, {})
    rendering = by_status.get(MailingChunk.Status.RENDERING, {})
    letters_done = done.get("letters") or 0
    total = mailing.letters_total
    finished = mailing.status in (Mailing.Status.DONE, Mailing.Status.FAILED)
    return {
        "status": mailing.status,
        "status_label": mailing.get_status_display(),
        "letters_total": total,
        "letters_done": letters_done,
        "chunks_total": mailing.chunks_total,
        "chunks_done": done.get("chunks") or 0,
        "chunks_rendering": rendering.get("chunks") or 0,
        "percent": 100 if total == 0 and finished else (letters_done * 100 // total if total else 0),
        "finished": finished,
        "error": mailing.error,
    }


def mailing_chunks(*, mailing: Mailing) -> QuerySet[MailingChunk]:
    return MailingChunk.objects.filter(mailing=mailing).order_by("number")


def mailing_history(*, mailing: Mailing) -> QuerySet[MailingStatusChange]:
    return MailingStatusChange.objects.filter(mailing=mailing).select_related("changed_by")


def mailing_vins(*, mailing: Mailing):
    """The mailing's VINs, streamed (the package's owner-data log)."""
    return (
        Letter.objects.filter(mailing=mailing)
        .order_by("sequence")
        .values_list("vehicle_id", flat=True)
        .iterator(chunk_size=5000)
    )


def returned_mail_imports() -> QuerySet[ReturnedMailImport]:
    return ReturnedMailImport.objects.select_related("campaign", "uploaded_by")


def returned_mail_import_get(*, pk: int) -> ReturnedMailImport:
    return get_object_or_404(returned_mail_imports(), pk=pk)


def owner_not_located_candidates(*, user) -> QuerySet[ReturnedMail]:
    """Vehicles still open whose letter came back undeliverable with no forwarding address and
    whose address is still marked so: the regional staff's candidates for "owner not located".

    Scoped by the vehicle's servicing dealer (regional staff: their region; national: all).
    One row per vehicle and campaign: its latest return.
    """
    entry = AffectedVehicle.objects.filter(
        campaign=OuterRef("letter__campaign"),
        vehicle=OuterRef("letter__vehicle"),
        status=AffectedVehicle.Status.OPEN,
    )
    later = ReturnedMail.objects.filter(
        letter__campaign=OuterRef("letter__campaign"),
        letter__vehicle=OuterRef("letter__vehicle"),
        pk__gt=OuterRef("pk"),
    )
    returns = (
        ReturnedMail.objects.exclude(reason=ReturnedMail.Reason.FORWARDED)
        .filter(letter__vehicle__address_undeliverable_at__isnull=False)
        .filter(Exists(entry))
        .exclude(Exists(later))
        .annotate(entry_id=Subquery(entry.values("pk")[:1]))
        .select_related("letter__campaign", "letter__vehicle__servicing__dealer")
    )
    return scope_to_user(returns, user, dealer_path="letter__vehicle__servicing__dealer")


def letters_for_vin(*, vin: str) -> QuerySet[Letter]:
    """A VIN's letters for the vehicle record: kind, date, campaign, whether it came back."""
    returned = ReturnedMail.objects.filter(letter=OuterRef("pk"))
    return (
        Letter.objects.filter(vehicle_id=vin)
        .select_related("campaign", "mailing")
        .annotate(
            returned_reason=Subquery(returned.values("reason")[:1]),
            returned_on=Subquery(returned.values("received_on")[:1]),
        )
        .order_by("-mailing__created_at", "-pk")
    )
