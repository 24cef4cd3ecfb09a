"""Weeks of remedy work in the demo: completed repair orders, their outcomes and claims, and the
next two weeks of bookings, all dated from today.

Rows go straight into the models' tables (``demo.activity_rows``: the services write one row
at a time, and the full fleet must still seed in under a minute), so this module keeps the
states the services would leave consistent by construction:

- about a quarter of the posted list is remedied nationally, unevenly by dealer (each dealer's
  pace is drawn once); every remedy is a completed RO with its parts and history, an
  ``OutcomeChange`` (open → remedied) and the entry's status;
- most completed ROs have a warranty claim, in every status: paid ones in a weekly payment run
  whose total is their sum, rejected ones with a code, returned ones with the reviewer's note;
- open vehicles are booked into each dealer's next ten weekdays (``demo.activity_bookings``).

Owner reimbursement requests are filed through their services afterwards (``demo.reimbursements``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign, RemedyOperation, Vehicle
from dealers.models import Dealer
from demo.activity_bookings import bookings_seed
from demo.activity_rows import (
    append,
    append_objects,
    open_entries,
    operation_for,
    operations_by_range,
    pk_counter,
    sequences_reset,
)

NATIONAL_REMEDY_RATE = 0.25
# A dealer's pace is the national rate times a factor drawn from this range (mean 1).
DEALER_PACE = (0.3, 1.7)
WORK_DAYS_BACK = 55  # remedies since parts became available (demo.campaign_progress: 63 days ago)
CLAIMED_SHARE = 0.92  # completed ROs with a claim submitted already
TECHNICIANS = ("J. Alvarez", "K. Nguyen", "M. Okafor", "R. Schultz", "T. Brennan", "D. Kim", "L. Moreau")
CENT = Decimal("0.01")


def _claim_money(op: RemedyOperation, dealer: Dealer) -> dict:
    labor = (op.flat_rate_hours * dealer.warranty_labor_rate).quantize(CENT, ROUND_HALF_UP)
    net = sum((p.quantity * p.dealer_net_price for p in op.parts.all()), Decimal(0))
    parts = (net * (1 + dealer.parts_allowance_percent / 100)).quantize(CENT, ROUND_HALF_UP)
    return {
        "labor_hours": op.flat_rate_hours,
        "labor_rate": dealer.warranty_labor_rate,
        "labor_amount": labor,
        "parts_amount": parts,
        "total": labor + parts,
    }


def activity_seed(*, campaign: Campaign, seed: int, stdout: TextIO, repair_orders: int | None = None) -> bool:
    """Write the demo's remedy activity once; a campaign that already has repair orders is left alone.

    ``repair_orders``: at least this many completed ROs (the benchmarks' full scale, e.g.
    100,000), by raising every dealer's pace and topping up from the rest of the list."""
    from repairs.models import RepairOrder

    if RepairOrder.objects.filter(campaign=campaign).exists():
        stdout.write("Remedy activity: already there, left as it is.\n")
        return False
    ranges = operations_by_range(campaign)
    if not ranges:
        stdout.write("Remedy activity: the campaign defines no remedy, none written.\n")
        return False
    with transaction.atomic():
        counts = _remedies_and_claims(
            campaign=campaign, ranges=ranges, rng=random.Random(seed), target=repair_orders
        )
        counts["appointments"] = bookings_seed(campaign=campaign, ranges=ranges, rng=random.Random(seed + 1))
    stdout.write(
        "Remedy activity: {remedied:,} remedied ({share:.1%} of the list) on completed ROs, "
        "{claims:,} claims, {appointments:,} appointments booked ahead.\n".format(**counts)
    )
    return True


def _remedies_and_claims(
    *, campaign: Campaign, ranges, rng: random.Random, target: int | None = None
) -> dict:
    from repairs.models import (
        ClaimEvent,
        ClaimPart,
        ClaimPayment,
        OutcomeChange,
        RepairOrder,
        RepairOrderEvent,
        RepairOrderPart,
        WarrantyClaim,
    )

    Claim = WarrantyClaim.Status
    dealers = {d.pk: d for d in Dealer.objects.all()}
    now = timezone.now()
    today = timezone.localdate()
    entries = open_entries(campaign)
    total = AffectedVehicle.objects.filter(campaign=campaign).count()
    rate = max(NATIONAL_REMEDY_RATE, (target or 0) / (total or 1))
    pace = {pk: min(0.97, rate * rng.uniform(*DEALER_PACE)) for pk in sorted(dealers)}

    ro_seq: dict[int, int] = defaultdict(int)
    ro_ids, claim_ids, payment_ids = (
        pk_counter(RepairOrder),
        pk_counter(WarrantyClaim),
        pk_counter(ClaimPayment),
    )
    remedied = []  # (entry id, vin, dealer, op, completed_on)
    passed_over = []
    for entry_id, vin, dealer_id in entries:
        if rng.random() >= pace[dealer_id]:
            passed_over.append((entry_id, vin, dealer_id))
            continue
        op = operation_for(vin, ranges)
        if op is None:
            continue
        # More remedies lately, as parts reached every dealer.
        days_ago = int(WORK_DAYS_BACK * (1 - rng.random() ** 0.7)) + 1
        remedied.append((entry_id, vin, dealers[dealer_id], op, today - dt.timedelta(days=days_ago)))
    for entry_id, vin, dealer_id in passed_over:  # the benchmarks' scale: top up to ``target``
        if len(remedied) >= (target or 0):
            break
        if (op := operation_for(vin, ranges)) is not None:
            days_ago = int(WORK_DAYS_BACK * (1 - rng.random() ** 0.7)) + 1
            remedied.append((entry_id, vin, dealers[dealer_id], op, today - dt.timedelta(days=days_ago)))

    orders, events, parts, outcomes = [], [], [], []
    for _entry_id, vin, dealer, op, completed_on in remedied:
        ro_seq[dealer.pk] += 1
        opened = dt.datetime.combine(completed_on, dt.time(14, 30), dt.UTC) - dt.timedelta(
            days=int(op.flat_rate_hours // 8)
        )
        mileage = rng.randrange(38_000, 140_000)
        orders.append(
            RepairOrder(
                pk=next(ro_ids),
                dealer=dealer,
                ro_number=f"{dealer.code}-{ro_seq[dealer.pk]:05d}",
                vehicle_id=vin,
                campaign=campaign,
                labor_operation=op.labor_operation,
                flat_rate_hours=op.flat_rate_hours,
                mileage_in=mileage,
                mileage_out=mileage + rng.randrange(0, 4),
                technician=rng.choice(TECHNICIANS),
                labor_hours=op.flat_rate_hours + Decimal(rng.randrange(-5, 8)) / 10,
                status=RepairOrder.Status.COMPLETED,
                opened_at=opened,
                completed_on=completed_on,
            )
        )
    append_objects(RepairOrder, orders)
    for ro, (entry_id, _vin, _dealer, op, completed_on) in zip(orders, remedied, strict=True):
        done_at = dt.datetime.combine(completed_on, dt.time(23, 0), dt.UTC)
        events += [
            {"repair_order_id": ro.pk, "from_status": "", "to_status": "open", "at": ro.opened_at},
            {"repair_order_id": ro.pk, "from_status": "open", "to_status": "completed", "at": done_at},
        ]
        parts += [
            {"repair_order_id": ro.pk, "part_number": p.part_number, "quantity": p.quantity}
            for p in op.parts.all()
        ]
        outcomes.append(
            {
                "entry_id": entry_id,
                "kind": OutcomeChange.Kind.REMEDIED.value,
                "from_status": AffectedVehicle.Status.OPEN.value,
                "to_status": AffectedVehicle.Status.REMEDIED.value,
                "repair_order_id": ro.pk,
                "at": done_at,
            }
        )
    append(RepairOrderEvent, events)
    append(RepairOrderPart, parts)
    append(OutcomeChange, outcomes)

    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for entry_id, *_rest, completed_on in remedied:
        by_day[completed_on].append(entry_id)
    for day, ids in by_day.items():
        for i in range(0, len(ids), 900):  # under SQLite's parameter limit
            AffectedVehicle.objects.filter(pk__in=ids[i : i + 900]).update(
                status=AffectedVehicle.Status.REMEDIED,
                status_changed_at=dt.datetime.combine(day, dt.time(23, 0), dt.UTC),
            )

    claims, claim_events = [], []
    model_of = {
        vin: (label, year)
        for vin, label, year in Vehicle.objects.filter(campaign_entries__campaign=campaign).values_list(
            "vin", "model_label", "model_year"
        )
    }
    for ro, (_e, vin, dealer, op, completed_on) in zip(orders, remedied, strict=True):
        if rng.random() >= CLAIMED_SHARE:
            continue
        submitted = dt.datetime.combine(completed_on, dt.time(23, 30), dt.UTC) + dt.timedelta(
            days=rng.randrange(0, 6)
        )
        if submitted > now:
            submitted = now - dt.timedelta(minutes=5)
        age = (now - submitted).days
        roll = rng.random()
        if age > 14:
            status = Claim.PAID if roll < 0.85 else Claim.REJECTED if roll < 0.92 else Claim.RETURNED
        elif age > 4:
            status = Claim.APPROVED if roll < 0.7 else Claim.REVIEW if roll < 0.85 else Claim.RETURNED
        else:
            status = Claim.REVIEW if roll < 0.9 else Claim.APPROVED
        decided = (
            submitted + dt.timedelta(days=min(age, rng.randrange(1, 4))) if status != Claim.REVIEW else None
        )
        rejected = status == Claim.REJECTED
        claims.append(
            WarrantyClaim(
                pk=next(claim_ids),
                dealer=dealer,
                repair_order=ro,
                vehicle_id=vin,
                model_label=model_of[vin][0],
                model_year=model_of[vin][1],
                campaign=campaign,
                labor_operation=op.labor_operation,
                condition=campaign.claim_condition or "Safety recall condition.",
                cause=campaign.claim_cause or "Safety recall cause.",
                correction=campaign.claim_correction or "Performed the safety recall remedy.",
                status=status,
                rejection_code=WarrantyClaim.RejectionCode.PARTS_MISMATCH if rejected else "",
                note=(
                    "Parts on the claim do not match the kit for this model."
                    if rejected
                    else "Attach the RO's technician notes and resubmit."
                    if status == Claim.RETURNED
                    else ""
                ),
                submitted_at=submitted,
                decided_at=decided,
                **_claim_money(op, dealer),
            )
        )
    # Paid claims are credited in the weekly run (Fridays) after their approval.
    payments: dict[tuple[int, dt.date], ClaimPayment] = {}
    for claim in claims:
        if claim.status != Claim.PAID:
            continue
        run_on = claim.decided_at.date() + dt.timedelta(days=(4 - claim.decided_at.weekday()) % 7 or 7)
        run_on = min(run_on, today)
        key = (claim.dealer.pk, run_on)
        if key not in payments:
            payments[key] = ClaimPayment(
                pk=next(payment_ids), dealer=claim.dealer, run_on=run_on, total=Decimal(0), created_at=now
            )
        payments[key].total += claim.total
        claim.payment = payments[key]
    append_objects(ClaimPayment, list(payments.values()))
    append_objects(WarrantyClaim, claims)

    claim_parts = []
    kit_of = {ro.pk: op for ro, (_e, _v, _d, op, _c) in zip(orders, remedied, strict=True)}
    for claim in claims:
        op = kit_of[claim.repair_order_id]
        claim_parts += [
            {
                "claim_id": claim.pk,
                "part_number": p.part_number,
                "quantity": p.quantity,
                "unit_price": p.dealer_net_price,
            }
            for p in op.parts.all()
        ]
        claim_events.append(
            {
                "claim_id": claim.pk,
                "from_status": "",
                "to_status": Claim.REVIEW.value,
                "at": claim.submitted_at,
            }
        )
        if claim.status == Claim.PAID:
            claim_events.append(
                {
                    "claim_id": claim.pk,
                    "from_status": Claim.REVIEW.value,
                    "to_status": Claim.APPROVED.value,
                    "at": claim.decided_at,
                }
            )
            paid_at = dt.datetime.combine(claim.payment.run_on, dt.time(12, 0), dt.UTC)
            claim_events.append(
                {
                    "claim_id": claim.pk,
                    "from_status": Claim.APPROVED.value,
                    "to_status": Claim.PAID.value,
                    "at": paid_at,
                }
            )
        elif claim.status != Claim.REVIEW:
            claim_events.append(
                {
                    "claim_id": claim.pk,
                    "from_status": Claim.REVIEW.value,
                    "to_status": str(claim.status),
                    "code": str(claim.rejection_code),
                    "note": claim.note,
                    "at": claim.decided_at,
                }
            )
    append(ClaimPart, claim_parts)
    append(ClaimEvent, claim_events)
    sequences_reset(RepairOrder, WarrantyClaim, ClaimPayment)
    return {"remedied": len(remedied), "share": len(remedied) / (total or 1), "claims": len(claims)}
