"""Reads for the population page."""

from __future__ import annotations

from django.db.models import QuerySet

from campaign.models import Campaign
from repairs.models import OutcomeChange


def removals_recent(*, campaign: Campaign, limit: int = 50) -> QuerySet[OutcomeChange]:
    """The latest removals from the campaign's list: VIN, who, when, why (one query)."""
    return (
        OutcomeChange.objects.filter(entry__campaign=campaign, kind=OutcomeChange.Kind.REMOVED)
        .select_related("entry", "by")
        .order_by("-at", "-pk")[:limit]
    )
