"""On a real Celery worker over Redis: a send that fails is retried with backoff until it goes,
the beat's reminder job sends tomorrow's reminders, and a task delivered twice sends once."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from notifications.models import Message
from notifications.queueing import Draft, messages_queue
from notifications.tasks import message_send_task, reminders_send_task
from tests.notifications.factories import booked
from tests.notifications.flaky_sms import FlakySmsBackend

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"the worker did not {what}"
        time.sleep(0.2)


@pytest.fixture
def fast_backoff(monkeypatch):
    # The production backoff starts at 5 s; the retry path is the same at 1 s.
    monkeypatch.setattr(message_send_task, "retry_backoff", 1)


def test_a_text_the_provider_refuses_twice_is_retried_and_sent_once(celery_worker, settings, fast_backoff):
    settings.SMS_BACKEND = "tests.notifications.flaky_sms.FlakySmsBackend"
    FlakySmsBackend.calls = 0
    FlakySmsBackend.outbox.clear()
    (message_id,) = messages_queue(
        [
            Draft(
                dedupe_key="worker-retry:1",
                kind=Message.Kind.PARTS_ARRIVED,
                channel="sms",
                recipient="+19165550142",
                body="Your kit is here.",
            )
        ]
    )
    _wait_for(lambda: Message.objects.get(pk=message_id).status == "sent", "send the text after its retries")
    message = Message.objects.get(pk=message_id)
    assert message.attempts == 3 and FlakySmsBackend.calls == 3
    assert len(FlakySmsBackend.outbox) == 1
    trail = [(e.from_status, e.to_status) for e in message.events.all()]
    assert trail == [("", "queued")] + [("queued", "sending"), ("sending", "queued")] * 2 + [
        ("queued", "sending"),
        ("sending", "sent"),
    ]
    assert "503" in message.events.filter(to_status="queued").last().note


def test_the_same_message_enqueued_twice_is_sent_once(celery_worker):
    (message_id,) = messages_queue(
        [
            Draft(
                dedupe_key="worker-twice:1",
                kind=Message.Kind.REPAIR_THANKS,
                channel="email",
                recipient="owner@example.com",
                subject="Thanks",
                body="Thank you.",
            )
        ]
    )
    # messages_queue enqueued it once on commit; a redelivery and a resume sweep enqueue it again.
    message_send_task.delay(message_id)
    message_send_task.delay(message_id)
    _wait_for(lambda: Message.objects.get(pk=message_id).status == "sent", "send the e-mail")
    time.sleep(1.5)  # let the other two deliveries run
    assert len([m for m in mail.outbox if m.subject == "Thanks"]) == 1
    assert Message.objects.get(pk=message_id).attempts == 1


def test_the_beat_reminder_job_sends_tomorrows_reminders(celery_worker, ale, dealer_a, settings):
    settings.NOTIFY_REMINDER_HOUR = 0  # whatever the hour now, the dealer's send hour has passed
    appointment = booked(ale, dealer_a, days=1)
    _wait_for(
        lambda: Message.objects.filter(kind="appointment_confirmation", status="sent").count() == 2,
        "send the booking's confirmations",
    )
    reminders_send_task.delay()  # what beat sends every hour
    _wait_for(
        lambda: Message.objects.filter(kind="appointment_reminder", status="sent").count() == 2,
        "send the reminders",
    )
    reminders_send_task.delay()  # the next hour's run finds nothing new
    time.sleep(1.5)
    reminders = Message.objects.filter(kind="appointment_reminder")
    assert reminders.count() == 2
    assert all(m.dedupe_key.startswith(f"reminder:{appointment.pk}:") for m in reminders)
    assert sum("tomorrow" in m.subject for m in mail.outbox) == 1


def test_a_message_whose_worker_died_mid_send_is_sent_by_the_sweep(celery_worker):
    import datetime as dt

    from django.utils import timezone

    from notifications.sending import CLAIM_LEASE, message_claim
    from notifications.tasks import messages_resume_task

    draft = Draft(
        dedupe_key="worker-died:1",
        kind=Message.Kind.REPAIR_THANKS,
        channel="email",
        recipient="owner@example.com",
        subject="Thanks, after all",
        body="Thank you.",
    )
    from django.db import transaction

    with transaction.atomic():
        (message_id,) = messages_queue([draft])
        message_claim(message_id=message_id)  # a worker claims it, then dies before sending
    time.sleep(1)  # the enqueue on commit finds the row claimed: it sends nothing
    assert Message.objects.get(pk=message_id).status == "sending" and not mail.outbox
    # The lease runs out (the clock moved on).
    Message.objects.filter(pk=message_id).update(
        claimed_at=timezone.now() - CLAIM_LEASE - dt.timedelta(minutes=1)
    )
    messages_resume_task.delay()  # what beat sends every ten minutes
    _wait_for(lambda: Message.objects.get(pk=message_id).status == "sent", "send the stranded message")
    assert [m.subject for m in mail.outbox].count("Thanks, after all") == 1
    assert Message.objects.get(pk=message_id).attempts == 2
