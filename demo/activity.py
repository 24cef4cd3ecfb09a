"""Weeks of remedy work in the demo: completed repair orders, their outcomes and claims, and the
next two weeks of bookings, all dated from today.

Rows are written straight into the models' tables through the import's bulk writer (COPY on
PostgreSQL, executemany on SQLite), with the pks allocated here: the services write one row at a
time, ``bulk_create`` of these ~430,000 rows took 110 s, and the full fleet must still seed in
under a minute. So this module keeps the states the services would leave consistent by construction:

- about a quarter of the posted list is remedied nationally, unevenly by dealer (each dealer's
  pace is drawn once); every remedy is a completed RO with its parts and history, an
  ``OutcomeChange`` (open → remedied) and the entry's status;
- most completed ROs have a warranty claim, in every status: paid ones in a weekly payment run
  whose total is their sum, rejected ones with a code, returned ones with the reviewer's note;
- open vehicles are booked into each dealer's next ten weekdays, the hours held day by day
  (``AppointmentSlot``, carried over for long jobs) and summed on the ``ShopDay`` under its capacity.

Owner reimbursement requests carry an uploaded receipt; the demo leaves them to the public form.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from campaign import vin as vinlib
from campaign.bulk_write import Table, copy_rows, db_value
from campaign.models import AffectedVehicle, Campaign, RemedyOperation
from dealers.models import Dealer, InventoryUnit, ServicingDealer

NATIONAL_REMEDY_RATE = 0.25
# A dealer's pace is the national rate times a factor drawn from this range (mean 1).
DEALER_PACE = (0.3, 1.7)
WORK_DAYS_BACK = 55  # remedies since parts became available (demo.campaign_progress: 63 days ago)
CLAIMED_SHARE = 0.92  # completed ROs with a claim submitted already
BOOKING_DAYS = 10  # weekdays ahead
BOOKING_FILL = (0.45, 0.9)  # share of each day's recall hours booked
TECHNICIANS = ("J. Alvarez", "K. Nguyen", "M. Okafor", "R. Schultz", "T. Brennan", "D. Kim", "L. Moreau")
CENT = Decimal("0.01")


def _append(model: type[Model], rows: Iterable[dict], *, with_pk: bool = False) -> None:
    """Append history and line rows (no pks needed back) through the import's bulk writer: COPY
    on PostgreSQL, executemany on SQLite, several times faster than ``bulk_create``. Every
    column is written: a missing value takes its field's default (``auto_now_add`` fields get
    the past dates given, as history rows dated weeks back must)."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    table = Table(model)
    prepared: dict = {}

    def prep(field, value):
        if isinstance(value, dt.date):  # dates and datetimes as the backend stores them, once each
            key = (field.attname, value)
            if key not in prepared:
                prepared[key] = db_value(model=model, field=field.name, value=value)
            return prepared[key]
        return value

    defaults = {f.attname: f.get_default() for f in fields}
    copy_rows(
        table=table.name,
        columns=[table.quote(f.column) for f in fields],
        rows=(tuple(prep(f, row.get(f.attname, defaults[f.attname])) for f in fields) for row in rows),
    )


def _append_objects(model: type[Model], objs: list[Model]) -> None:
    """Rows whose pks ``_pk_counter`` gave (their children point at them): written like ``_append``."""
    fields = [f.attname for f in model._meta.concrete_fields]
    _append(model, ({name: getattr(o, name) for name in fields} for o in objs), with_pk=True)


def _pk_counter(model: type[Model]) -> Iterator[int]:
    """Fresh pks for ``model``, after its last; ``_sequences_reset`` then moves PostgreSQL's
    sequence past them (the seed runs alone, inside one transaction)."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return itertools.count(last + 1)


def _sequences_reset(*models: type[Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))  # none on SQLite
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _operations_by_range(campaign: Campaign) -> list[tuple[str, str, int, str, str, RemedyOperation]]:
    ops = RemedyOperation.objects.filter(covered_model__campaign=campaign).select_related("covered_model")
    rows = []
    for op in ops.prefetch_related("covered_model__ranges", "parts"):
        for r in op.covered_model.ranges.all():
            rows.append((r.wmi, r.vds, op.covered_model.model_year, r.serial_from, r.serial_to, op))
    return rows


def _operation_for(vin: str, ranges) -> RemedyOperation | None:
    decoded = vinlib.decode(vin)
    for wmi, vds, year, low, high, op in ranges:
        if (decoded.wmi, decoded.vds, decoded.model_year) == (
            wmi,
            vds,
            year,
        ) and low <= decoded.serial <= high:
            return op
    return None


def _claim_money(op: RemedyOperation, dealer: Dealer) -> dict:
    labor = (op.flat_rate_hours * dealer.warranty_labor_rate).quantize(CENT, ROUND_HALF_UP)
    net = sum((p.quantity * p.dealer_net_price for p in op.parts.all()), Decimal(0))
    parts = (net * (1 + dealer.parts_allowance_percent / 100)).quantize(CENT, ROUND_HALF_UP)
    if connection.vendor == "sqlite":
        # SQLite keeps decimals as doubles and checks ``total = labor + parts + sublet`` in
        # doubles, which about one claim in five misses by a rounding step: move those a cent or two.
        while float(labor) + float(parts) != float(labor + parts):
            parts += CENT
    return {
        "labor_hours": op.flat_rate_hours,
        "labor_rate": dealer.warranty_labor_rate,
        "labor_amount": labor,
        "parts_amount": parts,
        "total": labor + parts,
    }


def activity_seed(*, campaign: Campaign, seed: int, stdout: TextIO) -> bool:
    """Write the demo's remedy activity once; a campaign that already has repair orders is left alone."""
    from repairs.models import RepairOrder

    if RepairOrder.objects.filter(campaign=campaign).exists():
        stdout.write("Remedy activity: already there, left as it is.\n")
        return False
    ranges = _operations_by_range(campaign)
    if not ranges:
        stdout.write("Remedy activity: the campaign defines no remedy, none written.\n")
        return False
    with transaction.atomic():
        counts = _remedies_and_claims(campaign=campaign, ranges=ranges, rng=random.Random(seed))
        counts["appointments"] = _bookings(campaign=campaign, ranges=ranges, rng=random.Random(seed + 1))
    stdout.write(
        "Remedy activity: {remedied:,} remedied ({share:.1%} of the list) on completed ROs, "
        "{claims:,} claims, {appointments:,} appointments booked ahead.\n".format(**counts)
    )
    return True


def _entries(campaign: Campaign) -> list[tuple[int, str, int]]:
    """(entry id, VIN, servicing dealer id) of the open entries, VINs held in inventory excepted
    (their stop-sale follows the list; the demo keeps them held)."""
    held = set(InventoryUnit.objects.values_list("vin", flat=True))
    dealer_of = dict(ServicingDealer.objects.values_list("vehicle_id", "dealer_id"))
    rows = AffectedVehicle.objects.filter(campaign=campaign, status=AffectedVehicle.Status.OPEN)
    return [
        (pk, vin, dealer_of[vin])
        for pk, vin in rows.order_by("pk").values_list("pk", "vehicle_id").iterator(chunk_size=10000)
        if vin not in held and vin in dealer_of
    ]


def _remedies_and_claims(*, campaign: Campaign, ranges, rng: random.Random) -> dict:
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
    pace = {pk: NATIONAL_REMEDY_RATE * rng.uniform(*DEALER_PACE) for pk in sorted(dealers)}
    now = timezone.now()
    today = timezone.localdate()
    entries = _entries(campaign)
    total = AffectedVehicle.objects.filter(campaign=campaign).count()

    ro_seq: dict[int, int] = defaultdict(int)
    ro_ids, claim_ids, payment_ids = (
        _pk_counter(RepairOrder),
        _pk_counter(WarrantyClaim),
        _pk_counter(ClaimPayment),
    )
    remedied = []  # (entry id, vin, dealer, op, completed_on)
    for entry_id, vin, dealer_id in entries:
        if rng.random() >= pace[dealer_id]:
            continue
        op = _operation_for(vin, ranges)
        if op is None:
            continue
        # More remedies lately, as parts reached every dealer.
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
    _append_objects(RepairOrder, orders)
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
    _append(RepairOrderEvent, events)
    _append(RepairOrderPart, parts)
    _append(OutcomeChange, outcomes)

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
    _append_objects(ClaimPayment, list(payments.values()))
    _append_objects(WarrantyClaim, claims)

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
    _append(ClaimPart, claim_parts)
    _append(ClaimEvent, claim_events)
    _sequences_reset(RepairOrder, WarrantyClaim, ClaimPayment)
    return {"remedied": len(remedied), "share": len(remedied) / (total or 1), "claims": len(claims)}


def _bookings(*, campaign: Campaign, ranges, rng: random.Random) -> int:
    """Open vehicles booked into each dealer's next weekdays, within each day's recall hours."""
    from repairs.models import Appointment, AppointmentEvent, AppointmentSlot, ShopDay, ShopHours

    hours_of = defaultdict(dict)
    for h in ShopHours.objects.filter(weekday__lt=5):
        hours_of[h.dealer_id][h.weekday] = h
    open_by_dealer: dict[int, list[str]] = defaultdict(list)
    for _entry_id, vin, dealer_id in _entries(campaign):
        open_by_dealer[dealer_id].append(vin)
    today = timezone.localdate()
    days = []
    day = today
    while len(days) < BOOKING_DAYS:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)

    day_ids, appointment_ids = _pk_counter(ShopDay), _pk_counter(Appointment)
    shop_days, plans = [], []  # plans: (dealer, vin, op, [(shop day, hours)], start)
    for dealer in Dealer.objects.filter(pk__in=list(hours_of)).order_by("code"):
        tz = zoneinfo.ZoneInfo(dealer.time_zone)
        vins = open_by_dealer.get(dealer.pk, [])
        rng.shuffle(vins)
        queue = iter(vins)
        dealer_days = []
        for d in days:
            hours = hours_of[dealer.pk].get(d.weekday())
            if hours is None or hours.technician_hours <= 0:
                continue
            target = (hours.technician_hours * Decimal(str(round(rng.uniform(*BOOKING_FILL), 2)))).quantize(
                Decimal("0.1")
            )
            shop_day = ShopDay(
                pk=next(day_ids), dealer=dealer, date=d, capacity_hours=hours.technician_hours, booked_hours=0
            )
            dealer_days.append((shop_day, target, hours))
        shop_days += [sd for sd, _, _ in dealer_days]
        i = 0
        while i < len(dealer_days):
            shop_day, target, hours = dealer_days[i]
            if shop_day.booked_hours >= target:
                i += 1
                continue
            vin = next(queue, None)
            if vin is None:
                break
            op = _operation_for(vin, ranges)
            if op is None:
                continue
            start = dt.datetime.combine(shop_day.date, hours.opens_at, tz) + dt.timedelta(
                minutes=30 * rng.randrange(0, 6)
            )
            remaining, slots, j = op.flat_rate_hours, [], i
            # A long job holds hours day after day until it is done, never past a day's capacity.
            while remaining > 0 and j < len(dealer_days):
                day_row = dealer_days[j][0]
                free = day_row.capacity_hours - day_row.booked_hours
                take = min(remaining, free)
                if take > 0:
                    slots.append((day_row, take))
                    day_row.booked_hours += take
                    remaining -= take
                j += 1
            if remaining > 0:  # runs past the booking horizon: give the hours back, stop booking here
                for day_row, take in slots:
                    day_row.booked_hours -= take
                break
            plans.append((dealer, vin, op, slots, start))

    _append_objects(ShopDay, shop_days)
    appointments = [
        Appointment(
            pk=next(appointment_ids),
            created_at=timezone.now(),
            dealer=dealer,
            vehicle_id=vin,
            campaign=campaign,
            start_at=start,
            hours=op.flat_rate_hours,
            transport=rng.choice(Appointment.Transport.values),
            symptomatic=rng.random() < 0.05,
            contact_preference=rng.choice(Appointment.ContactPreference.values),
        )
        for dealer, vin, op, _slots, start in plans
    ]
    _append_objects(Appointment, appointments)
    _sequences_reset(ShopDay, Appointment)
    _append(
        AppointmentSlot,
        (
            {"appointment_id": a.pk, "day_id": day_row.pk, "hours": take}
            for a, (_d, _v, _o, slots, _s) in zip(appointments, plans, strict=True)
            for day_row, take in slots
        ),
    )
    now = timezone.now()
    _append(
        AppointmentEvent,
        (
            {
                "appointment_id": a.pk,
                "from_status": "",
                "to_status": "scheduled",
                "to_start_at": a.start_at,
                "at": now,
            }
            for a in appointments
        ),
    )
    return len(appointments)
