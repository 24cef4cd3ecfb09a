"""The demo's parts story, after the remedy activity: stock that explains the repairs already
done, and the scarcity ALE's dealers lived with (Q15: "Lexus is working hard to secure enough
valve springs").

- Every completed RO consumed its kit, on its completion day; weekly deliveries came before,
  the first of them the shipments of a past national allocation (confirmed, received).
- Dealers differ (drawn once per dealer): most "steady" (about what they need), some holding a
  surplus, some starved (long wait-lists, kits reserved as soon as they arrive), a few of those
  "dry" (nothing received in four weeks: their wait-list clears "not at the current rate").
- The appointments booked ahead reserve a kit where one is on the shelf, else wait for parts;
  owners with no appointment wait on the dealer's wait-list where no kit is left; at a few
  dealers a kit came in for owners on the wait-list (a parts-arrived notice: whom to call).
- An open allocation's shipments are on their way to the starved dealers; two transfers are in
  transit from a surplus dealer to a starved one in its region; one transfer waits for the demo
  parts manager's approval (their dealer holds spare V8 kits; its V6 kits are short and
  an inbound shipment is theirs to receive).

Rows are written in bulk (``demo.activity_rows.append``): the ledger's figures come from
``demo.parts_ledger.DemoLedger``, which checks every step as ``parts.ledger.stock_move`` would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.models import Campaign, Kit
from dealers.models import Dealer, Membership
from demo.activity_rows import append, open_entries, operations_by_range
from demo.parts_ledger import DemoLedger, receipts_plan
from demo.parts_rows import StoryRows

Role = Membership.Role
STEADY, SURPLUS, STARVED, DRY = "steady", "surplus", "starved", "dry"
# Share of dealers of each kind (the rest steady); a quarter of the starved are dry.
KIND_SHARES = ((SURPLUS, 0.16), (STARVED, 0.18))
DRY_SHARE = 0.3
# Kits beyond the week's need in each delivery (a range), and in the first.
EXTRA = {STEADY: (0, 2), SURPLUS: (2, 5), STARVED: (0, 0), DRY: (0, 0)}
OPENING_EXTRA = {STEADY: 3, SURPLUS: 12, STARVED: 0, DRY: 0}
WAITLIST = {STEADY: (0, 6), SURPLUS: (0, 0), STARVED: (15, 60), DRY: (30, 90)}
FIRST_DELIVERY_DAYS_AGO = 58  # parts available 63 days ago (demo.campaign_progress); repairs from 56
DRY_DAYS = 29


def _dealer_kinds(dealers: list[Dealer], rng: random.Random) -> dict[int, str]:
    kinds = {}
    for d in dealers:
        roll, kind = rng.random(), STEADY
        for name, share in KIND_SHARES:
            if roll < share:
                kind = name
                break
            roll -= share
        if kind == STARVED and rng.random() < DRY_SHARE:
            kind = DRY
        kinds[d.pk] = kind
    return kinds


def _home_dealer_id() -> int | None:
    """The demo parts manager's dealer (demo.users), if the demo users exist."""
    row = (
        Membership.objects.filter(user__username="parts", role=Role.PARTS_MANAGER).values("dealer_id").first()
    )
    return row["dealer_id"] if row else None


def parts_story_seed(*, campaign: Campaign, seed: int, stdout: TextIO) -> bool:
    """Write the parts story once; a campaign whose dealers already hold stock is left alone."""
    from parts.models import StockBalance

    if StockBalance.objects.filter(kit__campaign=campaign).exists():
        stdout.write("Parts: stock already there, left as it is.\n")
        return False
    kits = {k.pk: k for k in Kit.objects.filter(campaign=campaign)}
    ranges = operations_by_range(campaign)
    if not kits or not ranges:
        stdout.write("Parts: the campaign tracks no kits, none written.\n")
        return False
    with transaction.atomic():
        counts = _story(campaign=campaign, kits=kits, ranges=ranges, rng=random.Random(seed + 8))
    stdout.write(
        "Parts: {movements:,} ledger movements ({consumptions:,} consumptions, {receipts:,} receipts) at "
        "{balances:,} dealer balances; {reserved:,} appointments with a kit, {waiting_appointments:,} waiting "
        "for parts, {waitlist:,} on wait-lists, {notices} parts-arrived notices; {shipments} shipments on "
        "their way, {transfers} transfers in transit.\n".format(**counts)
    )
    return True


def _story(*, campaign: Campaign, kits: dict[int, Kit], ranges, rng: random.Random) -> dict:
    from parts.models import StockMovement, Transfer
    from repairs.models import Appointment, RepairOrder

    now = timezone.now()
    dealers = list(Dealer.objects.select_related("region").order_by("code"))
    kind_of = _dealer_kinds(dealers, rng)
    home = _home_dealer_id()
    # The kit of a VIN from its WMI, VDS, year code and serial: the demo's VINs are valid (the
    # import checked them), so ``operation_for``'s full decode (a third of the story's time) is
    # not needed again; ranges of one key are few.
    by_key = defaultdict(list)
    for wmi, vds, year, low, high, op in ranges:
        by_key[(wmi, vds, vinlib.year_code(year))].append((low, high, op.kit_id))

    def kit_for(vin: str) -> int | None:
        serial = vin[10:17]
        for low, high, kit_id in by_key.get((vin[:3], vin[3:8], vin[9]), ()):
            if low <= serial <= high:
                return kit_id
        return None

    rows = StoryRows(campaign=campaign, now=now)
    ledgers: dict[tuple[int, int], DemoLedger] = {}

    def ledger(dealer_id: int, kit_id: int) -> DemoLedger:
        key = (dealer_id, kit_id)
        if key not in ledgers:
            ledgers[key] = DemoLedger(dealer_id=dealer_id, kit_id=kit_id)
        return ledgers[key]

    # Consumption: every completed RO used its kit on its completion day.
    consumed = defaultdict(list)  # (dealer, kit) -> [(at, ro pk, ro number)]
    completed = RepairOrder.objects.filter(campaign=campaign, status=RepairOrder.Status.COMPLETED)
    # An RO's labor operation names its remedy (and so its kit) without decoding the VIN again.
    kit_of_operation = defaultdict(set)
    for *_range, op in ranges:
        kit_of_operation[op.labor_operation].add(op.kit_id)
    for pk, dealer_id, vin, day, number, operation in completed.values_list(
        "pk", "dealer_id", "vehicle_id", "completed_on", "ro_number", "labor_operation"
    ).iterator(chunk_size=10000):
        one = kit_of_operation.get(operation, ())
        kit_id = next(iter(one)) if len(one) == 1 else kit_for(vin)
        if kit_id is not None:
            consumed[(dealer_id, kit_id)].append(
                (dt.datetime.combine(day, dt.time(22, 30), dt.UTC), pk, number)
            )

    # Deliveries before them: the past allocation's shipment first, weekly receipts after.
    start = now - dt.timedelta(days=FIRST_DELIVERY_DAYS_AGO)
    first_shipments = defaultdict(dict)  # kit -> dealer -> quantity
    booked = defaultdict(list)
    appointments = Appointment.objects.filter(campaign=campaign, status=Appointment.Status.SCHEDULED)
    fields = ("pk", "dealer_id", "vehicle_id", "start_at", "symptomatic", "created_at", "contact_preference")
    for appt in appointments.values(*fields):
        kit_id = kit_for(appt["vehicle_id"])
        if kit_id is not None:
            booked[(appt["dealer_id"], kit_id)].append(appt)
    for d in dealers:
        for kit_id in kits:
            kind = _kind(kind_of[d.pk], home=d.pk == home, kit=kits[kit_id])
            uses = consumed.get((d.pk, kit_id), [])
            plan = receipts_plan(
                consumed_at=[at for at, _, _ in uses],
                start=start,
                now=now,
                extra=EXTRA[kind],
                opening_extra=OPENING_EXTRA[kind] if uses or booked.get((d.pk, kit_id)) else 0,
                dry_since=now - dt.timedelta(days=DRY_DAYS) if kind == DRY else None,
                rng=rng,
            )
            if not plan and not booked.get((d.pk, kit_id)):
                continue
            book = ledger(d.pk, kit_id)
            for receipt in plan:
                if receipt.first:
                    first_shipments[kit_id][d.pk] = (receipt.quantity, receipt.at)
                else:
                    book.add(
                        receipt.at,
                        "receipt",
                        on_hand=receipt.quantity,
                        reason="Weekly delivery from the regional parts centre.",
                        reference=f"PS-{d.code}-{receipt.at:%m%d}",
                    )
            for at, ro_pk, number in uses:
                book.add(at, "consumption", on_hand=-kits[kit_id].quantity_per_vehicle,
                         reason=f"Used in RO {number}.", reference=f"RO {number}", repair_order_id=ro_pk)  # fmt: skip
            # Top the shelf up to what the dealer's kind holds against its bookings (not dry dealers).
            target = _shelf_target(kind, booked=len(booked.get((d.pk, kit_id), [])), rng=rng)
            if kind != DRY and target > book.on_hand:
                at = max([m["at"] for m in book.moves] + [now - dt.timedelta(days=2)]) + dt.timedelta(hours=1)
                book.add(min(at, now - dt.timedelta(minutes=30)), "receipt", on_hand=target - book.on_hand,
                         reason="Delivery from the regional parts centre.", reference=f"PS-{d.code}-LAST")  # fmt: skip
    rows.past_allocations(first_shipments, kits=kits, ledger=ledger, dealers={d.pk: d for d in dealers})

    # Appointments booked ahead: a kit if one is on the shelf (symptomatic first), else waiting.
    parts_status = {Appointment.Parts.RESERVED: [], Appointment.Parts.WAITING: []}
    for (dealer_id, kit_id), appts in sorted(booked.items()):
        book = ledger(dealer_id, kit_id)
        for appt in sorted(appts, key=lambda a: (not a["symptomatic"], a["start_at"], a["pk"])):
            got = book.available >= kits[kit_id].quantity_per_vehicle
            rows.reservation(book, kit=kits[kit_id], vin=appt["vehicle_id"], appointment=appt, reserved=got)
            parts_status[Appointment.Parts.RESERVED if got else Appointment.Parts.WAITING].append(appt["pk"])
    rows.appointments_parts_status(parts_status)

    # Owners with no appointment: kits that came in for some (notices), wait-lists where none is left.
    taken = {vin for vin in rows.vins}
    open_by_dealer = defaultdict(list)
    for _entry, vin, dealer_id in open_entries(campaign):
        if vin not in taken:
            open_by_dealer[dealer_id].append(vin)
    for d in dealers:
        vins = open_by_dealer.get(d.pk, [])
        rng.shuffle(vins)
        candidates_of = _candidates(
            vins, kit_for=kit_for, taken=rows.vins, wanted=max(WAITLIST[DRY]), kits=len(kits)
        )
        for kit_id, kit in kits.items():
            book = ledgers.get((d.pk, kit_id))
            candidates = candidates_of.get(kit_id, [])
            kind = _kind(kind_of[d.pk], home=d.pk == home, kit=kit)
            if book is not None and book.available > 0:
                if d.pk == home or rng.random() < 0.25:
                    for vin in candidates[: min(book.available, rng.randint(1, 3) if d.pk != home else 3)]:
                        rows.reservation(book, kit=kit, vin=vin, reserved=True, arrived=True, rng=rng)
                continue
            low, high = WAITLIST[kind]
            for vin in candidates[: rng.randint(low, high)]:
                rows.reservation(ledger(d.pk, kit_id), kit=kit, vin=vin, reserved=False, rng=rng)

    # Supply on its way: an open allocation of V6 kits to the starved dealers (and the demo's
    # parts manager), two transfers in transit, one transfer awaiting approval.
    v6 = min(kits.values(), key=lambda k: k.part_number)
    v8 = next((k for k in sorted(kits.values(), key=lambda k: k.part_number) if k.pk != v6.pk), v6)
    starved = [d for d in dealers if kind_of[d.pk] in (STARVED, DRY) or d.pk == home]
    rows.open_allocation(v6, dealers=starved, demand=rows.waiting_at, ledger=ledger, rng=rng)
    by_region = defaultdict(lambda: ([], []))
    for d in dealers:
        book = ledgers.get((d.pk, v6.pk))
        if kind_of[d.pk] == SURPLUS and d.pk != home and book is not None and book.available >= 10:
            by_region[d.region_id][0].append(d)
        elif kind_of[d.pk] in (STARVED, DRY) and d.pk != home:
            by_region[d.region_id][1].append(d)
    pairs = [(s[0], r[0]) for s, r in by_region.values() if s and r][:2]
    for sender, receiver in pairs:
        rows.transfer(
            v6, sender=sender, receiver=receiver, quantity=5, status=Transfer.Status.SHIPPED, ledger=ledger
        )
    home_dealer = next((d for d in dealers if d.pk == home), None)
    neighbours = [
        d
        for d in dealers
        if home_dealer
        and d.pk != home
        and d.region_id == home_dealer.region_id
        and kind_of[d.pk] in (STARVED, DRY)
    ]
    spare = ledgers.get((home, v8.pk))
    if neighbours and spare is not None and spare.available >= 4:
        rows.transfer(
            v8,
            sender=home_dealer,
            receiver=neighbours[0],
            quantity=4,
            status=Transfer.Status.REQUESTED,
            ledger=ledger,
        )

    movements = [m for book in ledgers.values() for m in book.close()]
    movements.sort(key=lambda m: m["at"])
    rows.flush(ledgers=ledgers)
    append(StockMovement, movements)
    return {
        "movements": len(movements),
        "consumptions": sum(m["kind"] == "consumption" for m in movements),
        "receipts": sum(m["kind"] == "receipt" for m in movements),
        "balances": len(ledgers),
        "reserved": len(parts_status[Appointment.Parts.RESERVED]),
        "waiting_appointments": len(parts_status[Appointment.Parts.WAITING]),
        **rows.counts(),
    }


def _candidates(vins: list[str], *, kit_for, taken: set[str], wanted: int, kits: int) -> dict[int, list[str]]:
    """Open VINs per kit, at most ``wanted`` each: a VIN is decoded only until every kit has
    enough (decoding the whole fleet's open VINs took a third of the story's time)."""
    found: dict[int, list[str]] = defaultdict(list)
    full = 0
    for vin in vins:
        if vin in taken:
            continue
        kit_id = kit_for(vin)
        if kit_id is None or len(found[kit_id]) >= wanted:
            continue
        found[kit_id].append(vin)
        full += len(found[kit_id]) == wanted
        if full == kits:
            break
    return found


def _kind(kind: str, *, home: bool, kit: Kit) -> str:
    """The demo parts manager's dealer: short of V6 kits (04906-31021), spare V8 ones."""
    if not home:
        return kind
    return STARVED if kit.part_number.endswith("31021") else SURPLUS


def _shelf_target(kind: str, *, booked: int, rng: random.Random) -> int:
    if kind == SURPLUS:
        return booked + rng.randint(12, 35)
    if kind == STEADY:
        return max(0, booked + rng.randint(-4, 3))
    return int(booked * rng.uniform(0, 0.4))
