"""Celery tasks of the dealers app: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from campaign.models import Campaign
from dealers.inventory import inventory_recheck


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    # Two imports in a row enqueue two re-checks; the second finds nothing new to flag.
    acks_late=True,
)
def inventory_recheck_task(campaign_id: int) -> dict[str, int]:
    """Re-check every dealer's pre-owned inventory after a campaign's affected list changed."""
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return {"flagged": 0, "cleared": 0, "notices": 0}
    result = inventory_recheck(campaign_id=campaign_id)
    return {"flagged": result.flagged, "cleared": result.cleared, "notices": result.notices}
