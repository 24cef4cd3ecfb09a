"""Celery tasks of the notifications app: thin, taking ids or dates, safe to run twice.

``message_send_task`` retries a transient failure with exponential backoff and jitter; the
periodic ones (``CELERY_BEAT_SCHEDULE``) only find what is due and enqueue per-message or
per-dealer work, so any number of workers share it.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from notifications.sending import MAX_ATTEMPTS, TRANSIENT_ERRORS

MAX_SEND_RETRIES = MAX_ATTEMPTS - 1


@shared_task(
    name="notifications.message_send",
    bind=True,
    autoretry_for=(*TRANSIENT_ERRORS, OperationalError),
    retry_backoff=5,  # 5 s, 10 s, 20 s … (capped by retry_backoff_max), each with jitter
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_SEND_RETRIES,
    acks_late=True,
)
def message_send_task(self, message_id: int) -> str:
    from notifications.sending import message_send

    return message_send(message_id=message_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(name="notifications.messages_resume")
def messages_resume_task() -> int:
    """Every few minutes: re-enqueue messages left queued or stuck sending (see ``messages_resume``)."""
    from notifications.sending import messages_resume

    ids = messages_resume()
    for message_id in ids:
        message_send_task.delay(message_id)
    return len(ids)


@shared_task(name="notifications.reminders_send", autoretry_for=(OperationalError,), max_retries=3)
def reminders_send_task() -> int:
    """Hourly: every dealer whose local time has passed the send hour gets tomorrow's reminders."""
    from notifications.reminders import reminders_queue_due

    return len(reminders_queue_due())


@shared_task(name="notifications.digests_send")
def digests_send_task() -> int:
    """Hourly: each dealer whose local morning has come gets today's digest (one task per dealer)."""
    from notifications.digests import dealers_due_for_digest

    due = dealers_due_for_digest()
    for dealer_id, day in due:
        dealer_digest_task.delay(dealer_id, day.isoformat())
    return len(due)


@shared_task(
    name="notifications.dealer_digest",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def dealer_digest_task(dealer_id: int, day: str) -> int:
    from notifications.digests import dealer_digest_queue

    return len(dealer_digest_queue(dealer_id=dealer_id, day=dt.date.fromisoformat(day)))
