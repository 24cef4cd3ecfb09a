"""Reads for the warranty administrator's reimbursement pages.

Reimbursement requests belong to no dealer: only national reviewers (the permission,
checked by the views) see them, so there is no dealer scoping here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from campaign.errors import DomainError
from repairs.models import ReimbursementEvent, ReimbursementRequest


def reimbursement_queue() -> QuerySet[ReimbursementRequest]:
    """Every request, oldest first (the order they are worked), with what the queue shows.

    Owner columns are deferred: the queue and its export never show them.
    """
    return (
        ReimbursementRequest.objects.select_related("campaign")
        .only(
            "pk",
            "campaign__code",
            "vehicle_id",
            "repair_date",
            "amount_paid",
            "status",
            "approved_amount",
            "submitted_at",
        )
        .order_by("submitted_at", "pk")
    )


def reimbursement_get(*, pk: int) -> ReimbursementRequest:
    request = (
        ReimbursementRequest.objects.select_related("campaign", "vehicle", "decided_by").filter(pk=pk).first()
    )
    if request is None:
        raise DomainError("No such reimbursement request.", code="not_found")
    return request


def reimbursement_events(*, request: ReimbursementRequest) -> QuerySet[ReimbursementEvent]:
    return request.events.select_related("by").order_by("at", "pk")


def reimbursement_vin_history(*, request: ReimbursementRequest) -> QuerySet[ReimbursementRequest]:
    """The VIN's other requests for the campaign (a denied owner may ask again)."""
    return (
        ReimbursementRequest.objects.filter(campaign_id=request.campaign_id, vehicle_id=request.vehicle_id)
        .exclude(pk=request.pk)
        .only("pk", "status", "submitted_at", "amount_paid")
        .order_by("submitted_at", "pk")
    )
