"""Celery tasks of the repairs app: thin, idempotent, taking plain values."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="repairs.claims_pay")
def claims_pay_task(run_on: str | None = None) -> int:
    """The weekly payment run (beat, Monday 06:00); a rerun for the same date pays nothing twice."""
    from repairs.claim_payments import claims_pay

    day = dt.date.fromisoformat(run_on) if run_on else timezone.localdate()
    return len(claims_pay(run_on=day))
