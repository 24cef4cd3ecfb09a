"""Scheduled appointments that hold no claim on a kit, brought into the line.

Two ways an open appointment ends up with none: it was booked before the campaign's kits were
tracked (a database migrated from before parts, or kits added to a campaign's definition
later), or its VIN's outcome was undone after the outcome had released its kit
(``reservations.reservation_return_to_line`` says where each goes in line).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from parts.models import KitReservation
from parts.reservations import reservation_return_to_line
from repairs.models import Appointment

Parts = Appointment.Parts


def _without_claim():
    live = KitReservation.objects.filter(
        vehicle_id=OuterRef("vehicle_id"),
        campaign_id=OuterRef("campaign_id"),
        status__in=KitReservation.LIVE_STATUSES,
    )
    return Appointment.objects.filter(status=Appointment.Status.SCHEDULED).exclude(Exists(live))


def appointment_kit_restore(*, vin: str, campaign_id: int, user) -> KitReservation | None:
    """The VIN's open appointment claims a kit again (its outcome was undone). In the caller's
    transaction; nothing when it has no open appointment or already holds a claim."""
    appointment = (
        _without_claim().filter(vehicle_id=vin, campaign_id=campaign_id).select_related("campaign").first()
    )
    if appointment is None:
        return None
    return reservation_return_to_line(
        appointment=appointment, user=user, reason="Outcome undone: back in line."
    )


@dataclass
class ReserveCounts:
    reserved: int = 0
    waiting: int = 0
    not_tracked: int = 0


def appointments_reserve_untracked(*, campaign_code: str | None = None, user=None) -> ReserveCounts:
    """Every open appointment without a claim reserves its kit or waits, in booking order.

    One transaction an appointment (``reservation_for_appointment``), so a run stopped half way
    keeps what it did and a second run picks up the rest; running it again changes nothing.
    """
    counts = ReserveCounts()
    appointments = _without_claim().select_related("campaign", "dealer").order_by("created_at", "pk")
    if campaign_code:
        appointments = appointments.filter(campaign__code=campaign_code)
    for appointment in appointments.iterator(chunk_size=200):
        reservation = reservation_return_to_line(
            appointment=appointment,
            user=user,
            reason="Open appointment with no kit claimed: joined the line.",
        )
        if reservation is None:
            counts.not_tracked += 1
        elif reservation.status == KitReservation.Status.RESERVED:
            counts.reserved += 1
        else:
            counts.waiting += 1
    return counts
