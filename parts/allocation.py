"""Allocating a shipment of N scarce kits across dealers: propose by a policy, edit, confirm.

A campaign administrator allocates nationally (or within one region); regional staff only
within a region of theirs. The draft keeps its lines (the figures the preview showed, the
proposal and the edited quantity), so the preview survives edits and reloads.

Policies, each a weight per dealer shared out by largest remainder (``parts.apportion``):

- waiting demand: waiting reservations (wait-list and appointments waiting for parts);
- open vehicles: open or unreachable affected vehicles the dealer services, for this kit;
- stop-sale first: held pre-owned units get kits first; what is left goes by waiting demand;
- mix: the three shares blended ½ waiting, 3⁄10 open vehicles, 1⁄5 stop-sale: owners waiting
  now weigh most, the fleet still to come next, and held units (a dealer's own unsellable
  cars, often already waiting too) least.

Stock already there or on its way counts against the demand (the weight is the need: demand
less available and inbound; for open vehicles less on hand and inbound, since reserved kits
are for some of those vehicles), so a shipment goes where stock does not cover the line yet.

Confirming is one transaction: the draft → confirmed update is conditional (a double click
confirms once), then one ``InboundShipment`` per dealer with a quantity, each adding to the
dealer's inbound through the ledger. Any refusal rolls all of it back.
"""

from __future__ import annotations

from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Kit
from dealers.access import user_scope
from dealers.models import Region
from parts.allocation_selectors import ADD_PERM, DealerFigures, dealer_figures
from parts.apportion import apportion
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import Allocation, AllocationEvent, AllocationLine, InboundShipment

Policy = Allocation.Policy
MIX_WEIGHTS = {"waiting": Fraction(1, 2), "open_vehicles": Fraction(3, 10), "stop_sale": Fraction(1, 5)}
MAX_QUANTITY = 100_000


def _need(row: DealerFigures, figure: str) -> int:
    demand = getattr(row, figure)
    covered = row.on_hand + row.inbound if figure == "open_vehicles" else row.available + row.inbound
    return max(demand - covered, 0)


def allocation_propose(
    *, rows: list[DealerFigures], quantity: int, policy: str
) -> dict[int, tuple[int, int]]:
    """``{dealer_id: (demand, proposed)}``: the policy's demand figure and its share of ``quantity``."""
    if policy == Policy.WAITING_DEMAND:
        demand = {r.dealer_id: r.waiting for r in rows}
        shares = apportion(quantity, {r.dealer_id: _need(r, "waiting") for r in rows})
    elif policy == Policy.OPEN_VEHICLES:
        demand = {r.dealer_id: r.open_vehicles for r in rows}
        shares = apportion(quantity, {r.dealer_id: _need(r, "open_vehicles") for r in rows})
    elif policy == Policy.STOP_SALE_FIRST:
        demand = {r.dealer_id: r.stop_sale for r in rows}
        held = {r.dealer_id: _need(r, "stop_sale") for r in rows}
        first = apportion(min(quantity, sum(held.values())), held)
        rest = apportion(
            quantity - sum(first.values()),
            {r.dealer_id: max(_need(r, "waiting") - first[r.dealer_id], 0) for r in rows},
        )
        shares = {d: first[d] + rest[d] for d in first}
    elif policy == Policy.MIX:
        weights: dict[int, Fraction] = {r.dealer_id: Fraction(0) for r in rows}
        blend: dict[int, Fraction] = dict(weights)
        for figure, coefficient in MIX_WEIGHTS.items():
            needs = {r.dealer_id: _need(r, figure) for r in rows}
            whole = sum(needs.values())
            for row in rows:
                blend[row.dealer_id] += coefficient * getattr(row, figure)
                if whole:
                    weights[row.dealer_id] += coefficient * Fraction(needs[row.dealer_id], whole)
        demand = {d: round(b) for d, b in blend.items()}
        shares = apportion(quantity, weights)
    else:
        raise DomainError(f"Unknown policy {policy!r}.", field="policy")
    return {d: (demand[d], shares[d]) for d in demand}


def _check_may_allocate(user, region_id: int | None) -> None:
    if not user.has_perm(ADD_PERM):
        raise DomainError("Only campaign administrators and regional staff allocate kits.", code="forbidden")
    scope = user_scope(user)
    if scope.national:
        return
    if region_id is None or region_id not in scope.region_ids:
        raise DomainError(
            "Regional staff allocate within a region of theirs only.", field="region", code="forbidden"
        )


def _region_for(user, region_id: int | None) -> int | None:
    """National users may leave the region out (a national allocation); regional staff
    with one region get it by default."""
    scope = user_scope(user)
    if region_id is None and not scope.national and len(scope.region_ids) == 1:
        return next(iter(scope.region_ids))
    if region_id is not None and not Region.objects.filter(pk=region_id).exists():
        raise DomainError("No such region.", field="region")
    return region_id


@transaction.atomic
def allocation_create(
    *, kit_id: int, quantity: int, policy: str, user, region_id: int | None = None, note: str = ""
) -> Allocation:
    """A draft allocation with one line per dealer that needs or holds the kit, as proposed."""
    region_id = _region_for(user, region_id)
    _check_may_allocate(user, region_id)
    kit = Kit.objects.filter(pk=kit_id).first()
    if kit is None:
        raise DomainError("No such kit.", field="kit")
    if not 0 < quantity <= MAX_QUANTITY:
        raise DomainError(f"Allocate between 1 and {MAX_QUANTITY:,} kits.", field="quantity")
    if policy not in Policy.values:
        raise DomainError(f"Unknown policy {policy!r}.", field="policy")
    rows = dealer_figures(kit=kit, region_id=region_id)
    proposal = allocation_propose(rows=rows, quantity=quantity, policy=policy)
    allocation = Allocation.objects.create(
        kit=kit, quantity=quantity, policy=policy, region_id=region_id, note=note.strip(), created_by=user
    )
    AllocationLine.objects.bulk_create(
        AllocationLine(
            allocation=allocation,
            dealer_id=row.dealer_id,
            demand=proposal[row.dealer_id][0],
            on_hand=row.on_hand,
            available=row.available,
            inbound=row.inbound,
            days_of_supply=row.days_of_supply,
            proposed=proposal[row.dealer_id][1],
            quantity=proposal[row.dealer_id][1],
        )
        for row in rows
    )
    AllocationEvent.objects.create(
        allocation=allocation, to_status=Allocation.Status.DRAFT, by=user, reason="Drafted."
    )
    return allocation


def _draft_locked(*, allocation_id: int, user) -> Allocation:
    allocation = Allocation.objects.select_for_update().filter(pk=allocation_id).first()
    if allocation is None:
        raise DomainError("No such allocation.", code="not_found")
    _check_may_allocate(user, allocation.region_id)
    if allocation.status != Allocation.Status.DRAFT:
        raise DomainError(
            f"This allocation is already {allocation.get_status_display().lower()}.", code="conflict"
        )
    return allocation


@transaction.atomic
def allocation_lines_update(*, allocation_id: int, quantities: dict[int, int], user) -> Allocation:
    """Set the draft's quantities (``{line_id: kits}``); their total may not exceed N."""
    allocation = _draft_locked(allocation_id=allocation_id, user=user)
    lines = {line.pk: line for line in allocation.lines.all()}
    if unknown := set(quantities) - set(lines):
        raise DomainError(f"Lines {sorted(unknown)} are not this allocation's.")
    if any(q < 0 for q in quantities.values()):
        raise DomainError("A quantity cannot be negative.", field="quantity")
    total = sum(quantities.get(pk, line.quantity) for pk, line in lines.items())
    if total > allocation.quantity:
        raise DomainError(
            f"The lines add up to {total} kits; the shipment has {allocation.quantity}.", field="quantity"
        )
    changed = [line for pk, line in lines.items() if pk in quantities and quantities[pk] != line.quantity]
    for line in changed:
        line.quantity = quantities[line.pk]
    AllocationLine.objects.bulk_update(changed, ["quantity"])
    return allocation


@transaction.atomic
def allocation_confirm(*, allocation_id: int, user) -> Allocation:
    """Confirm the draft: one inbound shipment per dealer with kits, all or nothing."""
    allocation = Allocation.objects.filter(pk=allocation_id).first()
    if allocation is None:
        raise DomainError("No such allocation.", code="not_found")
    _check_may_allocate(user, allocation.region_id)
    now = timezone.now()
    # The conditional update is the guard: of two clicks, one finds the draft, the other nothing.
    confirmed = Allocation.objects.filter(pk=allocation_id, status=Allocation.Status.DRAFT).update(
        status=Allocation.Status.CONFIRMED, confirmed_by=user, confirmed_at=now
    )
    if not confirmed:
        allocation.refresh_from_db(fields=["status"])
        raise DomainError(
            f"This allocation is already {allocation.get_status_display().lower()}.", code="conflict"
        )
    lines = list(allocation.lines.filter(quantity__gt=0).select_related("dealer").order_by("dealer_id"))
    total = sum(line.quantity for line in lines)
    if not lines:
        raise DomainError("No dealer gets a kit: give at least one line a quantity.", field="quantity")
    if total > allocation.quantity:
        raise DomainError(f"The lines add up to {total} kits; the shipment has {allocation.quantity}.")
    reference = f"Allocation {allocation.pk}"
    for line in lines:  # dealer id order: the same lock order as transfers
        shipment = InboundShipment.objects.create(
            dealer_id=line.dealer_id,
            kit_id=allocation.kit_id,
            quantity=line.quantity,
            allocation=allocation,
            reference=reference,
            created_by=user,
        )
        stock_move(
            balance=balance_locked(dealer_id=line.dealer_id, kit_id=allocation.kit_id),
            kind=Kind.INBOUND,
            inbound=line.quantity,
            user=user,
            reason=f"Allocated {line.quantity} of {allocation.quantity} ({allocation.get_policy_display()}).",
            reference=reference,
            shipment=shipment,
        )
    AllocationEvent.objects.create(
        allocation=allocation,
        from_status=Allocation.Status.DRAFT,
        to_status=Allocation.Status.CONFIRMED,
        by=user,
        reason=f"Confirmed: {len(lines)} inbound shipment{'s' if len(lines) != 1 else ''}, {total} kits.",
    )
    allocation.refresh_from_db()
    return allocation


@transaction.atomic
def allocation_discard(*, allocation_id: int, reason: str, user) -> Allocation:
    """Set a draft aside, with why. It stays listed (and its lines stay as they were): nothing shipped."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Give a reason for discarding the draft.", field="reason")
    allocation = _draft_locked(allocation_id=allocation_id, user=user)
    Allocation.objects.filter(pk=allocation.pk).update(status=Allocation.Status.DISCARDED)
    AllocationEvent.objects.create(
        allocation=allocation,
        from_status=Allocation.Status.DRAFT,
        to_status=Allocation.Status.DISCARDED,
        by=user,
        reason=reason,
    )
    allocation.refresh_from_db()
    return allocation
