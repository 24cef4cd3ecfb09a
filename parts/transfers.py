"""Kits moved between dealers: request → approve or decline → ship → receive, or cancel.

- The receiving dealer's parts manager requests (from dealer, kit, quantity, reason) and may
  cancel before the kits ship.
- The sending dealer's parts manager approves or declines; so may regional staff for a
  sender in their region (and national planners, who hold the same permission).
- The sender ships: its on hand (and so available) goes down (TRANSFER_OUT) and the
  receiver's inbound up (INBOUND), both in one transaction; a sender short of available kits
  is refused and nothing moves.
- The receiver receives: its inbound down and on hand up (TRANSFER_IN), then the kits go to
  its waiting vehicles (``kits_distribute``).

So a kit in transit is in exactly one figure, the receiver's inbound, and the two dealers'
ledgers add up across the move (``tests/parts/test_transfer_services.py``).

Every step is a conditional update on the status (two clicks on "ship" ship once) and a
``TransferEvent`` row. Ship locks the two balances in dealer-id order, as allocations do,
so two transfers between the same dealers in opposite directions cannot deadlock.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Kit
from dealers.access import dealers_with_role, user_scope
from dealers.models import Dealer, Membership
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import Transfer, TransferEvent
from parts.reservations import kits_distribute
from parts.transfer_selectors import transfers_for_user

Status = Transfer.Status
PARTS_MANAGER = Membership.Role.PARTS_MANAGER
REQUEST_PERM = "parts.add_transfer"
APPROVE_PERM = "parts.approve_transfer"
CHANGE_PERM = "parts.change_transfer"
MAX_QUANTITY = 10_000


def _parts_manager_at(user, dealer_id: int, perm: str) -> bool:
    if not user.has_perm(perm):
        return False
    return user_scope(user).national or dealer_id in dealers_with_role(user, PARTS_MANAGER)


def _may_approve(user, transfer: Transfer) -> bool:
    if not user.has_perm(APPROVE_PERM):
        return False
    scope = user_scope(user)
    return (
        scope.national
        or transfer.from_dealer_id in dealers_with_role(user, PARTS_MANAGER)
        or transfer.from_dealer.region_id in scope.region_ids
    )


def transfer_may(*, user, transfer: Transfer, step: str) -> bool:
    """Whether the user's role, at this transfer's dealers, takes ``step`` (whatever the status)."""
    if step in ("approve", "decline"):
        return _may_approve(user, transfer)
    if step == "ship":
        return _parts_manager_at(user, transfer.from_dealer_id, CHANGE_PERM)
    if step == "receive":
        return _parts_manager_at(user, transfer.to_dealer_id, CHANGE_PERM)
    if step == "cancel":
        return _parts_manager_at(user, transfer.to_dealer_id, REQUEST_PERM)
    raise ValueError(step)


# The statuses each step starts from.
STEP_FROM = {
    "approve": (Status.REQUESTED,),
    "decline": (Status.REQUESTED,),
    "ship": (Status.APPROVED,),
    "receive": (Status.SHIPPED,),
    "cancel": (Status.REQUESTED, Status.APPROVED),
}


def transfer_actions(*, user, transfer: Transfer) -> set[str]:
    """What ``user`` may do with ``transfer`` now (the buttons a page shows)."""
    return {
        step
        for step, statuses in STEP_FROM.items()
        if transfer.status in statuses and transfer_may(user=user, transfer=transfer, step=step)
    }


def transfer_request_dealers(*, user):
    """The dealers the user may request kits for: those where they are parts manager."""
    if not user.has_perm(REQUEST_PERM):
        return Dealer.objects.none()
    if user_scope(user).national:
        return Dealer.objects.filter(active=True)
    return Dealer.objects.filter(pk__in=sorted(dealers_with_role(user, PARTS_MANAGER)))


@transaction.atomic
def transfer_request(
    *, to_dealer_id: int, from_dealer_code: str, kit_id: int, quantity: int, reason: str, user
) -> Transfer:
    if not _parts_manager_at(user, to_dealer_id, REQUEST_PERM):
        raise DomainError("Only the receiving dealer's parts manager requests a transfer.", code="forbidden")
    sender = Dealer.objects.filter(code=(from_dealer_code or "").strip(), active=True).first()
    if sender is None:
        raise DomainError(f"No dealer {from_dealer_code}.", field="from_dealer")
    if sender.pk == to_dealer_id:
        raise DomainError("A transfer is between two dealers: choose another sender.", field="from_dealer")
    kit = Kit.objects.filter(pk=kit_id).first()
    if kit is None:
        raise DomainError("No such kit.", field="kit")
    if not 0 < quantity <= MAX_QUANTITY:
        raise DomainError(f"Request between 1 and {MAX_QUANTITY:,} kits.", field="quantity")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the kits are needed.", field="reason")
    transfer = Transfer.objects.create(
        kit=kit,
        from_dealer=sender,
        to_dealer_id=to_dealer_id,
        quantity=quantity,
        reason=reason,
        requested_by=user,
    )
    TransferEvent.objects.create(
        transfer=transfer, from_status="", to_status=Status.REQUESTED, by=user, reason=reason
    )
    return transfer


def _visible(*, transfer_id: int, user, perm: str) -> Transfer:
    """The transfer if the user may see it: a role without ``perm`` is refused (403) before
    the look-up, so a stranger's transfer stays a 404 and nothing more."""
    if not user.has_perm(perm):
        raise DomainError("Your role does not take this step of a transfer.", code="forbidden")
    transfer = transfers_for_user(user=user).filter(pk=transfer_id).first()
    if transfer is None:
        raise DomainError("No such transfer.", code="not_found")
    return transfer


def _advance(
    transfer: Transfer, *, frm: tuple[str, ...], to: str, user, reason: str = "", **fields
) -> Transfer:
    """The step's guard: the status moves only from what it was when read, once."""
    if transfer.status not in frm:
        raise DomainError(
            f"This transfer is {transfer.get_status_display().lower()}: it cannot be {to} now.",
            code="conflict",
        )
    moved = Transfer.objects.filter(pk=transfer.pk, status=transfer.status).update(status=to, **fields)
    if not moved:
        raise DomainError("Someone else moved this transfer on just now: reload it.", code="conflict")
    TransferEvent.objects.create(
        transfer=transfer, from_status=transfer.status, to_status=to, by=user, reason=reason.strip()
    )
    transfer.status = to
    for name, value in fields.items():
        setattr(transfer, name, value)
    return transfer


@transaction.atomic
def transfer_approve(*, transfer_id: int, user, reason: str = "") -> Transfer:
    transfer = _visible(transfer_id=transfer_id, user=user, perm=APPROVE_PERM)
    if not _may_approve(user, transfer):
        raise DomainError(
            "Only the sending dealer's parts manager or regional staff approve.", code="forbidden"
        )
    return _advance(transfer, frm=(Status.REQUESTED,), to=Status.APPROVED, user=user, reason=reason)


@transaction.atomic
def transfer_decline(*, transfer_id: int, user, reason: str) -> Transfer:
    transfer = _visible(transfer_id=transfer_id, user=user, perm=APPROVE_PERM)
    if not _may_approve(user, transfer):
        raise DomainError(
            "Only the sending dealer's parts manager or regional staff decline.", code="forbidden"
        )
    if not (reason or "").strip():
        raise DomainError("Say why the transfer is declined.", field="reason")
    return _advance(transfer, frm=(Status.REQUESTED,), to=Status.DECLINED, user=user, reason=reason)


@transaction.atomic
def transfer_cancel(*, transfer_id: int, user, reason: str = "") -> Transfer:
    transfer = _visible(transfer_id=transfer_id, user=user, perm=REQUEST_PERM)
    if not _parts_manager_at(user, transfer.to_dealer_id, REQUEST_PERM):
        raise DomainError("Only the requesting dealer's parts manager cancels.", code="forbidden")
    return _advance(
        transfer, frm=(Status.REQUESTED, Status.APPROVED), to=Status.CANCELLED, user=user, reason=reason
    )


@transaction.atomic
def transfer_ship(*, transfer_id: int, user, reference: str = "") -> Transfer:
    """The sender's kits leave: its on hand down, the receiver's inbound up; refused if short."""
    transfer = _visible(transfer_id=transfer_id, user=user, perm=CHANGE_PERM)
    if not _parts_manager_at(user, transfer.from_dealer_id, CHANGE_PERM):
        raise DomainError("Only the sending dealer's parts manager ships.", code="forbidden")
    reference = (reference or "").strip()[:60]
    label = f"Transfer {transfer.pk}"
    _advance(
        transfer,
        frm=(Status.APPROVED,),
        to=Status.SHIPPED,
        user=user,
        reason=reference,
        shipped_at=timezone.now(),
        reference=reference,
    )
    balances = {
        dealer_id: balance_locked(dealer_id=dealer_id, kit_id=transfer.kit_id)
        for dealer_id in sorted((transfer.from_dealer_id, transfer.to_dealer_id))
    }
    stock_move(
        balance=balances[transfer.from_dealer_id],
        kind=Kind.TRANSFER_OUT,
        on_hand=-transfer.quantity,
        user=user,
        reason=f"{label} to {transfer.to_dealer.name}.",
        reference=reference or label,
        transfer=transfer,
    )
    stock_move(
        balance=balances[transfer.to_dealer_id],
        kind=Kind.INBOUND,
        inbound=transfer.quantity,
        user=user,
        reason=f"{label} from {transfer.from_dealer.name}, in transit.",
        reference=reference or label,
        transfer=transfer,
    )
    return transfer


@transaction.atomic
def transfer_receive(*, transfer_id: int, user) -> Transfer:
    """The kits arrive: the receiver's inbound becomes on hand, and goes to its waiting vehicles."""
    transfer = _visible(transfer_id=transfer_id, user=user, perm=CHANGE_PERM)
    if not _parts_manager_at(user, transfer.to_dealer_id, CHANGE_PERM):
        raise DomainError("Only the receiving dealer's parts manager receives.", code="forbidden")
    label = f"Transfer {transfer.pk}"
    _advance(transfer, frm=(Status.SHIPPED,), to=Status.RECEIVED, user=user, received_at=timezone.now())
    balance = balance_locked(dealer_id=transfer.to_dealer_id, kit_id=transfer.kit_id)
    stock_move(
        balance=balance,
        kind=Kind.TRANSFER_IN,
        on_hand=transfer.quantity,
        inbound=-transfer.quantity,
        user=user,
        reason=f"{label} from {transfer.from_dealer.name}, received.",
        reference=transfer.reference or label,
        transfer=transfer,
    )
    kits_distribute(balance=balance, user=user, reason=f"Kits arrived by {label.lower()}.")
    return transfer
