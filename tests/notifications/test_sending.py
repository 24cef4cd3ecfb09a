"""Sending one message: the claim, retries recorded on the row, and nothing sent twice."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from notifications.models import Message
from notifications.queueing import Draft, messages_queue
from notifications.sending import message_claim, message_send
from notifications.tasks import message_send_task

pytestmark = pytest.mark.django_db


def _draft(key: str = "test:1", channel: str = "email", **kw) -> Draft:
    return Draft(
        dedupe_key=key,
        kind=Message.Kind.REPAIR_THANKS,
        channel=channel,
        recipient="owner@example.com" if channel == "email" else "+19165550142",
        subject="Thanks",
        body="Thank you.",
        **kw,
    )


def test_a_queued_message_is_sent_after_commit_and_recorded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (message_id,) = messages_queue([_draft()])
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    message = Message.objects.get(pk=message_id)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at
    assert message.provider_id.startswith("<") and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.provider_id
    assert [(e.from_status, e.to_status) for e in message.events.all()] == [
        ("", "queued"),
        ("queued", "sending"),
        ("sending", "sent"),
    ]


def test_the_same_dedupe_key_twice_writes_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = messages_queue([_draft()])
        second = messages_queue([_draft()])
    assert len(first) == 1 and second == []
    assert Message.objects.count() == 1 and len(mail.outbox) == 1


def test_the_same_task_delivered_twice_sends_once(django_capture_on_commit_callbacks):
    (message_id,) = messages_queue([_draft()])  # not committed: no send yet
    assert message_send_task.delay(message_id).get() == "sent"
    assert message_send_task.delay(message_id).get() == "not claimed"
    assert len(mail.outbox) == 1
    assert Message.objects.get(pk=message_id).attempts == 1


def test_a_claimed_message_cannot_be_claimed_again_until_its_lease_runs_out():
    from django.utils import timezone

    from notifications.sending import CLAIM_LEASE

    (message_id,) = messages_queue([_draft()])
    assert message_claim(message_id=message_id) is not None
    assert message_claim(message_id=message_id) is None  # a second worker finds nothing
    later = timezone.now() + CLAIM_LEASE + CLAIM_LEASE
    assert message_claim(message_id=message_id, now=later).attempts == 2  # the first worker died


class _Down:
    """An SMTP server that refuses the first ``fails`` connections."""

    def __init__(self, fails: int):
        self.fails = fails

    def __call__(self, *args, **kwargs):
        if self.fails:
            self.fails -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return 1


def test_a_transient_failure_is_recorded_and_the_message_queued_again(monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(EmailMultiAlternatives, "send", _Down(1))
    (message_id,) = messages_queue([_draft()])
    with pytest.raises(smtplib.SMTPServerDisconnected):
        message_send(message_id=message_id, final_attempt=False)
    message = Message.objects.get(pk=message_id)
    assert message.status == "queued" and message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message_send(message_id=message_id, final_attempt=False) == "sent"
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""


def test_the_last_attempt_fails_the_message(monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(EmailMultiAlternatives, "send", _Down(99))
    (message_id,) = messages_queue([_draft()])
    with pytest.raises(smtplib.SMTPServerDisconnected):
        message_send(message_id=message_id, final_attempt=True)
    message = Message.objects.get(pk=message_id)
    assert message.status == "failed" and message.events.last().to_status == "failed"
    assert message_send(message_id=message_id) == "not claimed"  # a failed message stays failed


def test_a_text_goes_through_the_configured_sms_backend(sms_outbox):
    (message_id,) = messages_queue([_draft(channel="sms")])
    assert message_send(message_id=message_id) == "sent"
    assert sms_outbox == [
        {"to": "+19165550142", "body": "Thank you.", "reference": "test:1", "provider_id": "locmem-1"}
    ]
    assert Message.objects.get(pk=message_id).provider_id == "locmem-1"


def test_a_sent_message_must_have_its_provider_id():
    from django.db import IntegrityError, transaction

    (message_id,) = messages_queue([_draft()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=message_id).update(status="sent")


def test_the_resume_sweep_finds_lost_and_stuck_messages():
    import datetime as dt

    from django.utils import timezone

    from notifications.sending import messages_resume

    lost, stuck, fresh = (messages_queue([_draft(f"k:{i}")])[0] for i in range(3))
    message_claim(message_id=stuck, now=timezone.now() - dt.timedelta(hours=1))
    Message.objects.filter(pk=lost).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert messages_resume() == sorted([lost, stuck])
    assert fresh not in messages_resume()


def test_a_mail_server_down_at_booking_leaves_the_booking_and_records_the_failure(
    ale, dealer_a, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMultiAlternatives

    from repairs.models import Appointment
    from tests.notifications.factories import booked

    monkeypatch.setattr(EmailMultiAlternatives, "send", _Down(99))
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(ale, dealer_a)  # no exception reaches the clerk
    assert Appointment.objects.filter(pk=appointment.pk, status="scheduled").exists()
    email = Message.objects.get(channel="email")
    # In-process (no broker) the task makes its first attempt only; the row waits, queued, with
    # its error, for the next try (on a worker: the retry with backoff, or the resume sweep).
    assert email.status == "queued" and email.attempts == 1 and "SMTPServerDisconnected" in email.last_error
    assert Message.objects.get(channel="sms").status == "sent"  # the other channel is unaffected


def test_a_broker_down_at_commit_leaves_the_message_queued_for_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(message_send_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        (message_id,) = messages_queue([_draft()])
    assert Message.objects.get(pk=message_id).status == "queued" and mail.outbox == []


def test_a_message_fails_after_its_attempts_however_they_came(monkeypatch):
    """The sweep starts a fresh task (its own retry count): the row's attempts still bound the tries."""
    from django.core.mail import EmailMultiAlternatives

    from notifications.sending import MAX_ATTEMPTS

    monkeypatch.setattr(EmailMultiAlternatives, "send", _Down(99))
    (message_id,) = messages_queue([_draft()])
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            message_send(message_id=message_id, final_attempt=False)
    message = Message.objects.get(pk=message_id)
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
