"""The parts manager's writes to stock: receiving kits and adjusting the count.

Both run on the row-locked balance (``parts.ledger.balance_locked``) and change it only
through ``stock_move``. Kits that arrive, by a receipt or a count that finds more, go at once
to the vehicles waiting for them (``kits_distribute`` on the same locked balance).

A double submit is counted once: a receipt's packing slip, or an adjustment's count-sheet
reference, is unique per dealer, kit and kind (``stock_movement_reference_once``). The same
slip again with the same figures is a replay, answered with what the first one did; with
other figures it is refused (a typo that reused a slip number must not pass silently).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from campaign.errors import DomainError
from campaign.models import Kit
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import InboundShipment, StockBalance, StockMovement
from parts.reservations import kits_distribute

MAX_QUANTITY = 10_000  # more kits than a dealer holds in a year: a typo, not a delivery


class AdjustReason:
    CYCLE_COUNT = "cycle_count"
    DAMAGED = "damaged"
    OTHER = "other"
    CHOICES = ((CYCLE_COUNT, "Cycle count"), (DAMAGED, "Damaged"), (OTHER, "Other"))
    LABELS = dict(CHOICES)


@dataclass(frozen=True)
class StockChange:
    """What a receipt or an adjustment did: the balance after it, its movement, how many
    waiting vehicles got a kit, and whether it was a replay of one already recorded."""

    balance: StockBalance
    movement: StockMovement
    distributed: int = 0
    replayed: bool = False


def kit_for_part_number(part_number: str) -> Kit:
    """The stocked kit of this part number (part numbers are unique within a campaign)."""
    part_number = (part_number or "").strip().upper()
    kits = list(Kit.objects.filter(part_number__iexact=part_number)[:2])
    if not kits:
        raise DomainError(f"No stocked kit has part number {part_number or '(blank)'}.", field="part_number")
    if len(kits) > 1:
        raise DomainError(
            f"Several campaigns stock {part_number}: receive it from the campaign's kit page.",
            field="part_number",
        )
    return kits[0]


def _quantity(value, *, signed: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter a whole number of kits.", field="quantity")
    if abs(value) > MAX_QUANTITY:
        raise DomainError(f"At most {MAX_QUANTITY:,} kits at a time.", field="quantity")
    if signed and value == 0:
        raise DomainError("An adjustment of 0 kits changes nothing.", field="quantity")
    if not signed and value <= 0:
        raise DomainError("Receive at least 1 kit.", field="quantity")
    return value


def _previous(*, balance: StockBalance, kind: str, reference: str) -> StockMovement | None:
    if not reference:
        return None
    return StockMovement.objects.filter(
        dealer_id=balance.dealer_id, kit_id=balance.kit_id, kind=kind, reference=reference
    ).first()


def _record(**move) -> StockMovement:
    """``stock_move`` in a savepoint: a second worker's same slip (past our look-up) is a conflict."""
    try:
        with transaction.atomic():
            return stock_move(**move)
    except IntegrityError:
        raise DomainError(
            f"{move['reference']} was recorded a moment ago by someone else: reload the page.",
            field="reference",
            code="conflict",
        ) from None


def _open_shipment(*, dealer_id: int, shipment_id: int) -> InboundShipment:
    shipment = InboundShipment.objects.select_for_update().filter(pk=shipment_id, dealer_id=dealer_id).first()
    if shipment is None:
        raise DomainError("No such inbound shipment for this dealer.", field="shipment", code="not_found")
    return shipment


@transaction.atomic
def stock_receive(
    *,
    dealer_id: int,
    part_number: str = "",
    quantity: int,
    reference: str,
    shipment_id: int | None = None,
    user,
) -> StockChange:
    """Kits in at the dealer: against an open inbound shipment (in full or in part), or unplanned.

    A shipment's receipt moves its kits from inbound to on hand and counts them against the
    shipment, which is received once every kit has come; more than is outstanding is refused.
    """
    quantity = _quantity(quantity)
    reference = " ".join((reference or "").split())
    if not reference:
        raise DomainError("Enter the packing-slip number.", field="reference")
    if len(reference) > 60:
        raise DomainError("A packing-slip number has at most 60 characters.", field="reference")
    if shipment_id is not None:
        kit_id = (
            InboundShipment.objects.filter(pk=shipment_id, dealer_id=dealer_id)
            .values_list("kit_id", flat=True)
            .first()
        )
        if kit_id is None:
            raise DomainError("No such inbound shipment for this dealer.", field="shipment", code="not_found")
        if part_number and kit_for_part_number(part_number).pk != kit_id:
            raise DomainError("That shipment carries another part number.", field="part_number")
    else:
        kit_id = kit_for_part_number(part_number).pk
    # The balance first, then the shipment: the one lock order of every parts write.
    balance = balance_locked(dealer_id=dealer_id, kit_id=kit_id)
    previous = _previous(balance=balance, kind=Kind.RECEIPT, reference=reference)
    if previous is not None:
        if previous.on_hand_delta == quantity and previous.shipment_id == shipment_id:
            return StockChange(balance=balance, movement=previous, replayed=True)
        raise DomainError(
            f"Packing slip {reference} was already received ({previous.on_hand_delta} kits on "
            f"{previous.at:%Y-%m-%d}): check the number on the slip.",
            field="reference",
            code="conflict",
        )
    shipment = None
    if shipment_id is not None:
        shipment = _open_shipment(dealer_id=dealer_id, shipment_id=shipment_id)
        if shipment.status != InboundShipment.Status.OPEN:
            raise DomainError(
                f"That shipment is {shipment.get_status_display().lower()}: receive these kits as unplanned.",
                field="shipment",
                code="conflict",
            )
        if quantity > shipment.outstanding:
            raise DomainError(
                f"Only {shipment.outstanding} of the shipment's {shipment.quantity} kits are still to "
                f"come: receive {shipment.outstanding} against it and the rest as unplanned.",
                field="quantity",
            )
    label = f"shipment {shipment.reference or shipment.pk}" if shipment else "unplanned"
    movement = _record(
        balance=balance,
        kind=Kind.RECEIPT,
        on_hand=quantity,
        inbound=-quantity if shipment else 0,
        user=user,
        reason=f"Received {quantity} against {label}." if shipment else f"Received {quantity}, unplanned.",
        reference=reference,
        shipment=shipment,
    )
    if shipment is not None:
        shipment.received_quantity += quantity
        # The receipts (movements naming the shipment) are its history: who, when, how many, which slip.
        if shipment.received_quantity == shipment.quantity:
            shipment.status = InboundShipment.Status.RECEIVED
        shipment.save(update_fields=["received_quantity", "status"])
    distributed = kits_distribute(balance=balance, user=user, reason=f"Kits received ({reference}).")
    return StockChange(balance=balance, movement=movement, distributed=distributed)


@transaction.atomic
def stock_adjust(
    *,
    dealer_id: int,
    part_number: str,
    quantity: int,
    reason_code: str = AdjustReason.OTHER,
    reason: str = "",
    reference: str = "",
    user,
) -> StockChange:
    """Correct the kits on hand (signed): a cycle count, damaged kits, or another stated reason.

    Never below what is available: kits reserved for vehicles are released first, on the
    appointment, so the owner is told. Kits found go to the waiting vehicles at once.
    """
    quantity = _quantity(quantity, signed=True)
    if reason_code not in AdjustReason.LABELS:
        raise DomainError("The reason is a cycle count, damaged kits or other.", field="reason_code")
    reason = " ".join((reason or "").split())
    if reason_code == AdjustReason.OTHER and not reason:
        raise DomainError("Say why the count changes.", field="reason")
    reference = " ".join((reference or "").split())[:60]
    kit = kit_for_part_number(part_number)
    balance = balance_locked(dealer_id=dealer_id, kit_id=kit.pk)
    previous = _previous(balance=balance, kind=Kind.ADJUSTMENT, reference=reference)
    if previous is not None:
        if previous.on_hand_delta == quantity:
            return StockChange(balance=balance, movement=previous, replayed=True)
        raise DomainError(
            f"{reference} was already used for an adjustment of {previous.on_hand_delta:+d}.",
            field="reference",
            code="conflict",
        )
    if balance.available + quantity < 0:
        raise DomainError(
            f"Only {balance.available} {kit.part_number} kit{'s' if balance.available != 1 else ''} "
            f"available ({balance.on_hand} on hand, {balance.reserved} reserved): an adjustment of "
            f"{quantity:+d} would leave {balance.available + quantity}. Release reserved kits first.",
            field="quantity",
        )
    label = AdjustReason.LABELS[reason_code]
    movement = _record(
        balance=balance,
        kind=Kind.ADJUSTMENT,
        on_hand=quantity,
        user=user,
        reason=f"{label}: {reason}" if reason else label,
        reference=reference,
    )
    distributed = 0
    if quantity > 0:
        distributed = kits_distribute(balance=balance, user=user, reason=f"{label}: kits found.")
    return StockChange(balance=balance, movement=movement, distributed=distributed)
