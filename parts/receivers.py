"""Parts' answers to what repairs announces (``repairs.signals``), in repairs' transaction."""

from __future__ import annotations

from django.dispatch import receiver

from campaign.models import AffectedVehicle
from dealers.inventory_signals import stop_sale_changed
from parts import reservations
from parts.priority import reservations_stop_sale_refresh
from parts.scheduled_kits import appointment_kit_restore
from repairs.signals import appointment_changed, outcome_recorded, repair_order_completed


@receiver(appointment_changed, dispatch_uid="parts.appointment_changed")
def _appointment_changed(sender, *, appointment, action, user, **kwargs):
    if action == "booked":
        reservations.reservation_for_appointment(appointment=appointment, user=user)
    elif action in ("cancelled", "no_show"):
        label = "Cancelled" if action == "cancelled" else "No-show"
        reservations.reservation_release_for_appointment(
            appointment=appointment, user=user, reason=f"{label}: appointment {appointment.pk}."
        )
    # A reschedule keeps the kit: the vehicle's place in line is not about the date.


@receiver(repair_order_completed, dispatch_uid="parts.repair_order_completed")
def _repair_order_completed(sender, *, repair_order, user, **kwargs):
    reservations.reservation_consume(repair_order=repair_order, user=user)


@receiver(outcome_recorded, dispatch_uid="parts.outcome_recorded")
def _outcome_recorded(sender, *, entry, change, user, **kwargs):
    # A completion here consumes the kit (above); any other close of the recall frees it.
    if change.repair_order_id is None and entry.status == AffectedVehicle.Status.OPEN:
        # Undone: an open appointment claims a kit again, in its booking's place in line.
        appointment_kit_restore(vin=entry.vehicle_id, campaign_id=entry.campaign_id, user=user)
    elif change.repair_order_id is None:
        reservations.reservation_release_for_vin(
            vin=entry.vehicle_id,
            campaign_id=entry.campaign_id,
            user=user,
            reason=f"{change.get_kind_display()}: the vehicle needs no kit here.",
        )


@receiver(stop_sale_changed, dispatch_uid="parts.stop_sale_changed")
def _stop_sale_changed(sender, *, vins, **kwargs):
    # A unit held (or released) after its VIN joined the line moves up (or back) in it.
    reservations_stop_sale_refresh(vins=vins)
