"""Writing messages: one row per thing to say and channel, queued in the caller's transaction
and handed to the worker once it commits (``transaction.on_commit``), so a worker never looks
for a row that is not there yet and a change that rolls back sends nothing.

An owner message goes to each channel the owner has an address for; a channel the owner's
preference excludes is recorded as skipped (the log shows why nothing went).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from campaign.models import Vehicle
from notifications.models import Channel, ContactPreference, Message, MessageEvent
from notifications.preferences import contact_preference_choice, unsubscribe_url
from notifications.sms import sms_number

Status = Message.Status
logger = logging.getLogger(__name__)
# The log's note on a message not sent, by the owner's preference.
SKIPPED_BY_PREFERENCE = {
    "none": "The owner asked for letters only.",
    "email": "The owner asked for e-mail only.",
    "sms": "The owner asked for texts only.",
}


@dataclass(frozen=True)
class Draft:
    dedupe_key: str
    kind: str
    channel: str
    recipient: str
    body: str
    subject: str = ""
    vehicle_id: str | None = None
    dealer_id: int | None = None
    user_id: int | None = None
    arrived_notice_id: int | None = None
    skip_reason: str = ""


def render_message(kind: str, channel: str, context: dict) -> tuple[str, str]:
    """(subject, body) from ``notifications/messages/<kind>.<channel>.txt``; an e-mail's first
    line is ``Subject: …``. Times are written in the dealer's zone (``context["time_zone"]``)."""
    with timezone.override(context.get("time_zone") or timezone.get_default_timezone()):
        text = render_to_string(f"notifications/messages/{kind}.{channel}.txt", context).strip()
    if channel == Channel.EMAIL:
        first, _, rest = text.partition("\n")
        return first.removeprefix("Subject:").strip(), rest.strip() + "\n"
    return "", " ".join(text.split())


def owner_drafts(
    *,
    vehicle: Vehicle,
    kind: str,
    key: str,
    context: dict,
    dealer_id: int | None,
    arrived_notice_id=None,
    contact_by: str = "",
) -> list[Draft]:
    """The owner's message on each channel we hold an address for, skipped where they said no
    (``contact_by``: how the booking or wait-list said to reach them, when they said nothing here)."""
    choice = contact_preference_choice(vin=vehicle.vin, contact_by=contact_by)
    drafts = []
    for channel, recipient in (
        (Channel.EMAIL, vehicle.email.strip()),
        (Channel.SMS, sms_number(vehicle.phone)),
    ):
        if not recipient:
            continue
        allowed = ContactPreference.allows(choice, channel)
        ctx = {**context, "unsubscribe_url": unsubscribe_url(vin=vehicle.vin, channel=channel)}
        subject, body = render_message(kind, channel, ctx)
        drafts.append(
            Draft(
                dedupe_key=f"{key}:{channel}",
                kind=kind,
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                vehicle_id=vehicle.vin,
                dealer_id=dealer_id,
                arrived_notice_id=arrived_notice_id,
                skip_reason="" if allowed else SKIPPED_BY_PREFERENCE[choice],
            )
        )
    return drafts


def _enqueue(message_id: int) -> None:
    """Hand the message to the worker. Runs after the commit: a broker that is down must not turn
    the clerk's committed booking into an error page. The row stays queued and the resume sweep
    (``messages_resume``, every ten minutes) enqueues it again."""
    from notifications.tasks import message_send_task

    try:
        message_send_task.delay(message_id)
    except Exception:
        logger.exception("Message %s stays queued: it could not be handed to the worker.", message_id)


def messages_queue(drafts: list[Draft]) -> list[int]:
    """Insert each draft unless its dedupe key exists; the new queued ones are sent after commit.
    Returns the ids of the rows created (queued or skipped)."""
    created = []
    with transaction.atomic():
        for draft in drafts:
            status = Status.SKIPPED if draft.skip_reason else Status.QUEUED
            try:
                with transaction.atomic():  # a savepoint: a duplicate key leaves the rest intact
                    message = Message.objects.create(
                        dedupe_key=draft.dedupe_key[:120],
                        kind=draft.kind,
                        channel=draft.channel,
                        recipient=draft.recipient,
                        subject=draft.subject[:200],
                        body=draft.body,
                        vehicle_id=draft.vehicle_id,
                        dealer_id=draft.dealer_id,
                        user_id=draft.user_id,
                        arrived_notice_id=draft.arrived_notice_id,
                        status=status,
                        last_error=draft.skip_reason,
                    )
            except IntegrityError:
                continue  # already written: by an earlier delivery of this signal or run
            MessageEvent.objects.create(message=message, to_status=status, note=draft.skip_reason)
            created.append(message.pk)
            if status == Status.QUEUED:
                transaction.on_commit(partial(_enqueue, message.pk))
    return created
