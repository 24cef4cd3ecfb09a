"""What each event tells the owner: the draft messages for one appointment, kit, repair or
decision, queued through ``queueing.messages_queue`` in the caller's transaction.

Dedupe keys name the event precisely, so the same event never makes two messages and a new
event (a reschedule, a second decision) makes a new one:

- ``appointment-confirmation:<appointment>:<booking version>`` (the count of its history rows);
- ``reminder:<appointment>:<local date of the visit>`` (a reschedule gets its own reminder);
- ``parts-arrived:<notice>``; ``repair-thanks:<repair order>``;
- ``reimbursement:<request>:<decision event>``; each followed by ``:<channel>``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from notifications.models import Channel, ContactPreference, Message
from notifications.preferences import contact_preference_choice, unsubscribe_url
from notifications.queueing import SKIPPED_BY_PREFERENCE, Draft, messages_queue, owner_drafts, render_message
from notifications.sms import sms_number

Kind = Message.Kind
# What the owner should expect, by how long the job holds the car (flat-rate hours).
LONG_JOB_HOURS = 8


def _visit(appointment) -> dict:
    local = appointment.start_at.astimezone(ZoneInfo(appointment.dealer.time_zone))
    return {
        "time_zone": appointment.dealer.time_zone,
        "appointment": appointment,
        "dealer": appointment.dealer,
        "campaign": appointment.campaign,
        "vehicle": appointment.vehicle,
        "local_start": local,
        "transport": appointment.get_transport_display(),
        "long_job": appointment.hours >= LONG_JOB_HOURS,
    }


def appointment_confirmation_queue(*, appointment, action: str) -> list[int]:
    version = appointment.events.count()
    context = {**_visit(appointment), "rescheduled": action == "rescheduled"}
    return messages_queue(
        owner_drafts(
            vehicle=appointment.vehicle,
            kind=Kind.APPOINTMENT_CONFIRMATION,
            key=f"appointment-confirmation:{appointment.pk}:{version}",
            context=context,
            dealer_id=appointment.dealer_id,
            contact_by=appointment.contact_preference,
        )
    )


def appointment_reminder_drafts(appointment) -> list[Draft]:
    context = _visit(appointment)
    return owner_drafts(
        vehicle=appointment.vehicle,
        kind=Kind.APPOINTMENT_REMINDER,
        key=f"reminder:{appointment.pk}:{context['local_start']:%Y-%m-%d}",
        context=context,
        dealer_id=appointment.dealer_id,
        contact_by=appointment.contact_preference,
    )


def parts_arrived_queue(*, notice) -> list[int]:
    reservation = notice.reservation
    context = {
        "time_zone": reservation.dealer.time_zone,
        "dealer": reservation.dealer,
        "campaign": reservation.campaign,
        "vehicle": reservation.vehicle,
        "booked": reservation.appointment_id is not None,
    }
    return messages_queue(
        owner_drafts(
            vehicle=reservation.vehicle,
            kind=Kind.PARTS_ARRIVED,
            key=f"parts-arrived:{notice.pk}",
            context=context,
            dealer_id=reservation.dealer_id,
            arrived_notice_id=notice.pk,
            contact_by=reservation.contact_preference,
        )
    )


def repair_thanks_queue(*, repair_order) -> list[int]:
    context = {
        "time_zone": repair_order.dealer.time_zone,
        "dealer": repair_order.dealer,
        "campaign": repair_order.campaign,
        "vehicle": repair_order.vehicle,
        "repair_order": repair_order,
    }
    return messages_queue(
        owner_drafts(
            vehicle=repair_order.vehicle,
            kind=Kind.REPAIR_THANKS,
            key=f"repair-thanks:{repair_order.pk}",
            context=context,
            dealer_id=repair_order.dealer_id,
        )
    )


def reimbursement_decision_queue(*, request, event) -> list[int]:
    """To the claimant at the address they gave on the form (who paid need not be the registered
    owner), under the vehicle's preference like every owner message."""
    choice = contact_preference_choice(vin=request.vehicle_id)
    context = {"request": request, "campaign": request.campaign, "vehicle": request.vehicle, "event": event}
    drafts = []
    for channel, recipient in (
        (Channel.EMAIL, request.email.strip()),
        (Channel.SMS, sms_number(request.phone)),
    ):
        if not recipient:
            continue
        allowed = ContactPreference.allows(choice, channel)
        subject, body = render_message(
            Kind.REIMBURSEMENT_DECISION,
            channel,
            {**context, "unsubscribe_url": unsubscribe_url(vin=request.vehicle_id, channel=channel)},
        )
        drafts.append(
            Draft(
                dedupe_key=f"reimbursement:{request.pk}:{event.pk}:{channel}",
                kind=Kind.REIMBURSEMENT_DECISION,
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                vehicle_id=request.vehicle_id,
                skip_reason="" if allowed else SKIPPED_BY_PREFERENCE[choice],
            )
        )
        # The form's e-mail is enough: a text only when the claimant gave no e-mail.
        if allowed and channel == Channel.EMAIL:
            break
    return messages_queue(drafts)
