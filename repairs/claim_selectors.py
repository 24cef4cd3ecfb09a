"""Reads about warranty claims: the dealer's lists, the review queue, payment runs.

Every queryset over claims starts from ``dealers.access`` (a stranger's claim is a 404);
the lists select what their tables show in one query, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from dealers.access import get_for_user, scope_to_user
from repairs.claims import SUBMITTER_ROLES
from repairs.models import ClaimEvent, ClaimPayment, RepairOrder, WarrantyClaim

Status = WarrantyClaim.Status
LIST_FIELDS = (
    "id",
    "status",
    "rejection_code",
    "note",
    "labor_amount",
    "parts_amount",
    "sublet_amount",
    "total",
    "submitted_at",
    "decided_at",
    "vehicle_id",
    "dealer_id",
    "repair_order_id",
    "campaign_id",
    "dealer__code",
    "dealer__name",
    "repair_order__ro_number",
    "campaign__code",
)


def claims_for_user(*, user) -> QuerySet[WarrantyClaim]:
    return (
        scope_to_user(WarrantyClaim.objects.all(), user)
        .select_related("dealer", "repair_order", "campaign")
        .only(*LIST_FIELDS)
    )


def vehicle_claims_for_user(*, user, vin: str) -> list[WarrantyClaim]:
    """The VIN's claims the user may see, newest first (one query; none without the permission)."""
    if not user.has_perm("repairs.view_warrantyclaim"):
        return []
    return list(claims_for_user(user=user).filter(vehicle_id=vin).order_by("-submitted_at")[:20])


def claim_status_counts(*, user) -> dict[str, int]:
    rows = (
        scope_to_user(WarrantyClaim.objects.all(), user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = {s: 0 for s in Status.values}
    counts.update(dict(rows))
    return counts


def claim_get(*, user, pk: int) -> WarrantyClaim:
    return get_for_user(
        WarrantyClaim.objects.select_related("dealer", "repair_order", "campaign", "vehicle", "payment"),
        user,
        pk=pk,
    )


def claim_events(*, claim: WarrantyClaim) -> QuerySet[ClaimEvent]:
    return claim.events.select_related("by").order_by("at", "pk")


def review_queue(*, user) -> QuerySet[WarrantyClaim]:
    """Claims held for review, oldest first."""
    return claims_for_user(user=user).filter(status=Status.REVIEW).order_by("submitted_at", "pk")


def review_queue_count(*, user) -> int:
    return scope_to_user(WarrantyClaim.objects.filter(status=Status.REVIEW), user).count()


def claimable_repair_orders(*, user) -> QuerySet[RepairOrder]:
    """Completed ROs the user's service department may still claim: no live claim on the VIN."""
    live = WarrantyClaim.objects.filter(
        vehicle_id=OuterRef("vehicle_id"), campaign_id=OuterRef("campaign_id")
    ).exclude(status=Status.REJECTED)
    return (
        scope_to_user(
            RepairOrder.objects.filter(status=RepairOrder.Status.COMPLETED), user, roles=SUBMITTER_ROLES
        )
        .filter(~Exists(live))
        .select_related("dealer", "campaign")
        .order_by("-completed_on", "-pk")
    )


def payments_for_user(*, user) -> QuerySet[ClaimPayment]:
    return (
        scope_to_user(ClaimPayment.objects.all(), user)
        .select_related("dealer")
        .annotate(claim_count=Count("claims"))
        .order_by("-run_on", "dealer__name")
    )


def payment_get(*, user, pk: int) -> ClaimPayment:
    return get_for_user(ClaimPayment.objects.select_related("dealer"), user, pk=pk)


def payment_claims(*, payment: ClaimPayment) -> QuerySet[WarrantyClaim]:
    return payment.claims.select_related("repair_order", "campaign").order_by("pk")


def next_payment_run(*, today: dt.date | None = None) -> dt.date:
    """The next Monday the beat schedule pays (today, if today is a Monday before the run)."""
    today = today or timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def approved_awaiting_payment(*, user) -> tuple[int, object]:
    from django.db.models import Sum

    row = scope_to_user(WarrantyClaim.objects.filter(status=Status.APPROVED), user).aggregate(
        n=Count("id"), total=Sum("total")
    )
    # SQLite sums decimals in floating point (9472373.95000012): back to whole cents.
    return row["n"], Decimal(str(row["total"] or 0)).quantize(Decimal("0.01"))
