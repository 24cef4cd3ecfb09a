"""The notifications app's answers to what repairs and parts announce, in their transaction:
the messages are written there (a change that rolls back sends nothing) and sent after commit."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications import owner_messages
from parts.models import PartsArrivedNotice
from repairs.signals import appointment_changed, reimbursement_decided, repair_order_completed


@receiver(appointment_changed, dispatch_uid="notifications.appointment_changed")
def _appointment_changed(sender, *, appointment, action, user, **kwargs):
    if action in ("booked", "rescheduled"):
        owner_messages.appointment_confirmation_queue(appointment=appointment, action=action)


@receiver(repair_order_completed, dispatch_uid="notifications.repair_order_completed")
def _repair_order_completed(sender, *, repair_order, user, **kwargs):
    owner_messages.repair_thanks_queue(repair_order=repair_order)


@receiver(reimbursement_decided, dispatch_uid="notifications.reimbursement_decided")
def _reimbursement_decided(sender, *, request, event, user, **kwargs):
    owner_messages.reimbursement_decision_queue(request=request, event=event)


# parts writes a notice for each owner who waited and got a kit (parts.reservations); the
# model's own signal, so parts needs no seam for it.
@receiver(post_save, sender=PartsArrivedNotice, dispatch_uid="notifications.parts_arrived")
def _parts_arrived(sender, *, instance, created, raw=False, **kwargs):
    if created and not raw:
        owner_messages.parts_arrived_queue(notice=instance)
