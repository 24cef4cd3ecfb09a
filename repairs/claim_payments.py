"""The weekly payment run: approved claims become one credit per dealer.

One transaction per dealer: a run killed midway leaves each dealer either fully paid (its
credit with all its claims) or untouched, never half-paid, and a rerun for the same date
finishes the rest. Idempotent per run date: ``claim_payment_once_per_run`` (dealer, run_on)
means a dealer already credited in that run is skipped, so nothing is paid twice; claims
approved after a dealer's credit was issued wait for the next run (an issued credit is final).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from repairs.models import ClaimEvent, ClaimPayment, WarrantyClaim

Status = WarrantyClaim.Status


def _dealer_pay(*, dealer_id: int, run_on: dt.date) -> ClaimPayment | None:
    with transaction.atomic():
        if ClaimPayment.objects.filter(dealer_id=dealer_id, run_on=run_on).exists():
            return None
        # Lock what is paid: a reviewer's reject in flight waits, or wins and the claim is skipped.
        claims = list(
            WarrantyClaim.objects.select_for_update()
            .filter(dealer_id=dealer_id, status=Status.APPROVED)
            .order_by("pk")
        )
        if not claims:
            return None
        total = sum((c.total for c in claims), Decimal("0"))
        try:
            with transaction.atomic():
                payment = ClaimPayment.objects.create(dealer_id=dealer_id, run_on=run_on, total=total)
        except IntegrityError:
            return None  # another run for this date credited the dealer first
        ids = [c.pk for c in claims]
        WarrantyClaim.objects.filter(pk__in=ids).update(status=Status.PAID, payment=payment)
        ClaimEvent.objects.bulk_create(
            ClaimEvent(
                claim_id=pk,
                from_status=Status.APPROVED,
                to_status=Status.PAID,
                note=f"Paid in the {run_on} run.",
            )
            for pk in ids
        )
    return payment


def claims_pay(*, run_on: dt.date) -> list[ClaimPayment]:
    """Pay every approved claim in a credit per dealer dated ``run_on``; the new credits."""
    dealer_ids = list(
        WarrantyClaim.objects.filter(status=Status.APPROVED)
        .order_by("dealer_id")
        .values_list("dealer_id", flat=True)
        .distinct()
    )
    paid = [_dealer_pay(dealer_id=d, run_on=run_on) for d in dealer_ids]
    return [p for p in paid if p is not None]


def payment_totals(*, payment: ClaimPayment) -> Decimal:
    return payment.claims.aggregate(s=Sum("total"))["s"] or Decimal("0")
