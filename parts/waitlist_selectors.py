"""Reads for the wait-list pages and API: whose list a user sees, the list in priority order,
whom to call now that their kit arrived, and the appointments at risk of having no kit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from campaign.errors import DomainError
from dealers.access import dealer_q
from dealers.inventory_selectors import roles_granting
from dealers.models import Dealer
from parts.models import KitReservation, PartsArrivedNotice
from repairs.appointments import dealer_today, dealer_zone
from repairs.booking_selectors import dealer_ids_with_perm
from repairs.models import Appointment

VIEW = "parts.view_kitreservation"
JOIN = "parts.add_kitreservation"
WITHDRAW = "parts.change_kitreservation"
VIEW_CALLS = "parts.view_partsarrivednotice"
MARK_CALLED = "parts.change_partsarrivednotice"
# "Appointments within 3 days that have no kit are flagged at risk" (issue 8): today and the
# three local days after it, in each dealer's own time zone.
AT_RISK_DAYS = 3
Status = KitReservation.Status

__all__ = ["dealer_ids_with_perm"]


def waitlist_dealers_for_user(*, user, perm: str = VIEW) -> QuerySet[Dealer]:
    """The dealers whose wait-list the user may open with ``perm``: their own dealers where a
    role grants it, their region's, or all for national staff."""
    if not user.has_perm(perm):
        return Dealer.objects.none()
    return Dealer.objects.filter(dealer_q(user, "self", roles=roles_granting(perm))).order_by("code")


def waitlist_dealer_get(*, user, code: str | None, perm: str = VIEW) -> Dealer:
    """The dealer a page is about: ``?dealer=CODE`` if the user may see it (else 404), or their first."""
    dealers = waitlist_dealers_for_user(user=user, perm=perm)
    dealer = dealers.filter(code=code).first() if code else dealers.first()
    if dealer is None:
        if code:
            raise DomainError("No such dealer.", code="not_found")
        raise PermissionDenied("You have no dealer here.")
    return dealer


def waitlist_for_dealer(*, dealer_id: int) -> QuerySet[KitReservation]:
    """The dealer's live claims on kits, waiting and reserved, in priority order (the queue's
    index, ``kit_reservation_queue``). One query, whatever the length (plus the count)."""
    return (
        KitReservation.objects.filter(dealer_id=dealer_id, status__in=KitReservation.LIVE_STATUSES)
        .select_related("vehicle", "kit", "campaign", "appointment", "dealer")
        .only(
            "id",
            "status",
            "symptomatic",
            "stop_sale",
            "queued_at",
            "reserved_at",
            "contact_preference",
            "notes",
            "appointment_id",
            "appointment__start_at",
            "vehicle__vin",
            "vehicle__model_label",
            "vehicle__model_year",
            "kit__part_number",
            "campaign__code",
            "dealer__code",
            "dealer__time_zone",
        )
        .order_by("-symptomatic", "-stop_sale", "queued_at", "pk")
    )


def waitlist_entry_get(*, user, pk: int, perm: str = WITHDRAW) -> KitReservation:
    """A wait-list entry (no appointment) at a dealer where the user holds ``perm``; else 404."""
    entry = (
        KitReservation.objects.filter(
            pk=pk, appointment__isnull=True, dealer_id__in=sorted(dealer_ids_with_perm(user=user, perm=perm))
        )
        .select_related("vehicle", "kit", "dealer")
        .first()
    )
    if entry is None:
        raise DomainError("No such wait-list entry.", code="not_found")
    return entry


def arrived_to_call(*, dealer_ids) -> QuerySet[PartsArrivedNotice]:
    """Owners whose kit arrived and who have not been called yet, oldest first. A kit given on
    since (the owner withdrew, the appointment was cancelled) leaves nobody to call."""
    return (
        PartsArrivedNotice.objects.filter(
            reservation__dealer_id__in=sorted(dealer_ids),
            called_at__isnull=True,
            reservation__status=Status.RESERVED,
        )
        .select_related("reservation__vehicle", "reservation__kit", "reservation__campaign")
        .order_by("created_at", "pk")
    )


def at_risk_window(dealer: Dealer) -> tuple[dt.datetime, dt.datetime]:
    """The "at risk" span at a dealer: from the start of its local today to the end of today + 3."""
    zone = dealer_zone(dealer)
    today = dealer_today(dealer)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(today + dt.timedelta(days=AT_RISK_DAYS + 1), dt.time.min, tzinfo=zone)


def _local_days(dealers) -> Q:
    condition = Q(pk__in=[])
    for dealer in dealers:
        start, end = at_risk_window(dealer)
        condition |= Q(dealer_id=dealer.pk, start_at__gte=start, start_at__lt=end)
    return condition


def appointments_at_risk(*, dealers) -> QuerySet[Appointment]:
    """Scheduled appointments from the dealer's today to three local days ahead that are still
    waiting for their kit. One query for any number of dealers."""
    return (
        Appointment.objects.filter(
            _local_days(list(dealers)),
            status=Appointment.Status.SCHEDULED,
            parts_status=Appointment.Parts.WAITING,
        )
        .select_related("vehicle", "dealer")
        .order_by("start_at", "pk")
    )


def appointment_at_risk(*, appointment: Appointment, local_start: dt.datetime) -> bool:
    """The same rule for one appointment already on a page (no query): ``local_start`` is its
    start in its dealer's zone, so the dealer's today is read from the same zone."""
    if (
        appointment.status != Appointment.Status.SCHEDULED
        or appointment.parts_status != Appointment.Parts.WAITING
    ):
        return False
    today = dt.datetime.now(tz=local_start.tzinfo).date()
    return today <= local_start.date() <= today + dt.timedelta(days=AT_RISK_DAYS)


def reservations_for_vin(*, user, vin: str) -> list[KitReservation]:
    """The VIN's claims on kits at dealers the user sees (the vehicle record's card), latest first."""
    return list(
        KitReservation.objects.filter(vehicle_id=vin)
        .filter(dealer_q(user, roles=roles_granting(VIEW)) if user.has_perm(VIEW) else Q(pk__in=[]))
        .select_related("dealer", "kit", "campaign")
        .order_by("-queued_at", "-pk")[:10]
    )
