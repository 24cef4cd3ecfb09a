"""The stock ledger's one write: move a dealer's balance of a kit and record the movement.

Every change to stock goes through ``stock_move`` on a row-locked balance, so the balance is
always the sum of its movements and two clerks serialise on the row. The database's checks
(``stock_available_not_negative`` and friends) hold even if code elsewhere forgets the rule;
``stock_move`` checks first only to say what went wrong in words a clerk understands.
"""

from __future__ import annotations

from django.db import transaction

from campaign.errors import DomainError
from campaign.models import Kit
from parts.models import StockBalance, StockMovement

Kind = StockMovement.Kind


def balance_locked(*, dealer_id: int, kit_id: int) -> StockBalance:
    """The dealer's balance of the kit, created at zero the first time, locked FOR UPDATE.

    Call inside a transaction. The insert ignores a conflict, so two first movements at once
    both end up locking the one row instead of one of them failing on the unique constraint.
    """
    StockBalance.objects.bulk_create(
        [StockBalance(dealer_id=dealer_id, kit_id=kit_id)], ignore_conflicts=True
    )
    return (
        StockBalance.objects.select_for_update().select_related("kit").get(dealer_id=dealer_id, kit_id=kit_id)
    )


def balances_locked(keys) -> dict[tuple[int, int], StockBalance]:
    """Several balances, ``{(dealer_id, kit_id): balance}``, locked in one order (dealer, kit).

    A vehicle that moves from dealer A to dealer B touches both balances; two such moves in
    opposite directions would deadlock if each locked its own dealer first. Locking in the
    same order everywhere makes the second one wait instead.
    """
    return {key: balance_locked(dealer_id=key[0], kit_id=key[1]) for key in sorted(set(keys))}


def _unit(kit: Kit, n: int) -> str:
    return f"{n} kit{'s' if abs(n) != 1 else ''} of {kit.part_number}"


def stock_move(
    *,
    balance: StockBalance,
    kind: str,
    on_hand: int = 0,
    reserved: int = 0,
    inbound: int = 0,
    user=None,
    reason: str = "",
    reference: str = "",
    **refs,
) -> StockMovement:
    """Apply the deltas to the locked ``balance`` and record them; refuse a negative figure.

    ``refs`` are the movement's references: appointment, repair_order, reservation, shipment,
    transfer (objects or ``<name>_id``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_move needs the transaction that locked the balance")
    new_on_hand = balance.on_hand + on_hand
    new_reserved = balance.reserved + reserved
    new_inbound = balance.inbound + inbound
    kit = balance.kit
    if new_reserved < 0 or new_inbound < 0:
        raise DomainError(
            f"The ledger of {kit.part_number} would go below zero ({new_reserved} reserved, "
            f"{new_inbound} inbound); nothing was changed.",
            code="conflict",
        )
    if new_on_hand - new_reserved < 0:
        available = balance.on_hand - balance.reserved
        raise DomainError(
            f"Only {_unit(kit, available)} available ({balance.on_hand} on hand, {balance.reserved} "
            f"reserved): this would leave {new_on_hand - new_reserved}.",
            field="quantity",
            code="conflict",
        )
    balance.on_hand, balance.reserved, balance.inbound = new_on_hand, new_reserved, new_inbound
    balance.save(update_fields=["on_hand", "reserved", "inbound", "updated_at"])
    return StockMovement.objects.create(
        dealer_id=balance.dealer_id,
        kit_id=balance.kit_id,
        kind=kind,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        inbound_delta=inbound,
        on_hand_after=new_on_hand,
        reserved_after=new_reserved,
        inbound_after=new_inbound,
        by=user,
        reason=reason.strip(),
        reference=reference.strip()[:60],
        **refs,
    )
