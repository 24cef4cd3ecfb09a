"""Celery tasks of the reports app: thin, take ids, safe to run twice (a rebuild is idempotent)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from campaign.models import Campaign
from reports.tallies import tallies_refresh, tallies_refresh_all


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5, acks_late=True
)
def tallies_refresh_task(campaign_id: int) -> int:
    """Rebuild one campaign's dashboard tallies (after a posted list)."""
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return 0
    return tallies_refresh(campaign_id=campaign_id)[0]


@shared_task(name="reports.tallies_refresh_all", acks_late=True)
def tallies_refresh_all_task() -> int:
    """Nightly: rebuild every campaign's tallies, healing drift from writes that bypass the services."""
    return tallies_refresh_all()
