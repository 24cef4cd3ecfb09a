"""Sending one message: claim the row, hand it to its channel, record what happened.

The claim is a conditional update (queued → sending, or a ``sending`` row whose claim is older
than ``CLAIM_LEASE``): of two workers given the same message (a redelivered task, a duplicate
enqueue) exactly one updates the row and sends; the other finds nothing to claim and returns.
A worker killed after its claim leaves the row ``sending``; after the lease the resume sweep
(``messages_resume``) queues it again. That one case may send twice (the provider took the
message and the worker died before recording it): at-least-once is the honest guarantee for
an external send, and the SMS backend passes the message's key as the provider's idempotency
key where providers honour one.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Channel, Message, MessageEvent
from notifications.preferences import unsubscribe_url
from notifications.sms import SmsError, sms_backend
from parts.models import PartsArrivedNotice

Status = Message.Status
CLAIM_LEASE = dt.timedelta(minutes=5)
# Tries in all, however they came (the task's retries, the resume sweep): then the message fails.
MAX_ATTEMPTS = 7
# Worth another try: the mail server or SMS provider was down, slow or refused for now.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, SmsError)


def message_claim(*, message_id: int, now: dt.datetime | None = None) -> Message | None:
    """The message, claimed for this attempt; None if another worker has it or it is done.
    Three statements on the usual path (the update, the read, the event)."""
    now = now or timezone.now()
    claim = {"status": Status.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    with transaction.atomic():
        previous = Status.QUEUED
        claimed = Message.objects.filter(pk=message_id, status=Status.QUEUED).update(**claim)
        if not claimed:
            # A claim older than the lease: its worker died (or hangs) mid-send.
            previous = Status.SENDING
            claimed = Message.objects.filter(
                pk=message_id, status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
            ).update(**claim)
        if not claimed:
            return None
        message = Message.objects.get(pk=message_id)
        MessageEvent.objects.create(
            message=message,
            from_status=previous,
            to_status=Status.SENDING,
            note=f"Attempt {message.attempts}.",
        )
    return message


def _deliver(message: Message) -> str:
    """Hand the message to its channel; the provider's id for it."""
    if message.channel == Channel.SMS:
        return sms_backend().send(to=message.recipient, body=message.body, reference=message.dedupe_key)
    provider_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
    headers = {"Message-ID": provider_id}
    if message.vehicle_id:
        # RFC 2369 / 8058: mail clients show an Unsubscribe button that POSTs to the link.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(vin=message.vehicle_id, channel=Channel.EMAIL)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers=headers,
    ).send()
    return provider_id


def _finish(message: Message, *, to: str, note: str, **fields) -> bool:
    """Move the claimed row on, only if this claim still holds it."""
    with transaction.atomic():
        done = Message.objects.filter(
            pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
        ).update(status=to, **fields)
        if done:
            MessageEvent.objects.create(message=message, from_status=Status.SENDING, to_status=to, note=note)
            if to == Status.SENT and message.arrived_notice_id:
                PartsArrivedNotice.objects.filter(pk=message.arrived_notice_id, sent_at__isnull=True).update(
                    sent_at=fields["sent_at"]
                )
    return bool(done)


def message_send(*, message_id: int, final_attempt: bool = True) -> str:
    """Send the message if it is still to send. Returns what happened (``sent``, ``not claimed``);
    a transient failure is recorded and re-raised so the task retries (``failed`` on the last)."""
    message = message_claim(message_id=message_id)
    if message is None:
        return "not claimed"
    try:
        provider_id = _deliver(message)
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _finish(
            message,
            to=Status.FAILED if final_attempt or message.attempts >= MAX_ATTEMPTS else Status.QUEUED,
            note=f"Attempt {message.attempts} failed: {error}",
            last_error=error,
        )
        raise
    _finish(
        message, to=Status.SENT, note="", provider_id=provider_id[:200], sent_at=timezone.now(), last_error=""
    )
    return "sent"


def messages_resume(*, now: dt.datetime | None = None, older_than: dt.timedelta = CLAIM_LEASE) -> list[int]:
    """Messages the worker should have sent by now: queued for longer than ``older_than`` (the
    enqueue was lost: the broker was down at commit) or stuck ``sending`` past the lease (the
    worker died). Their ids, to enqueue again; the claim keeps a second send out."""
    now = now or timezone.now()
    cutoff = now - older_than
    return list(
        Message.objects.filter(
            Q(status=Status.QUEUED, created_at__lt=cutoff)
            | Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
