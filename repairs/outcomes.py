"""Where a VIN stands for a campaign: the services that move ``AffectedVehicle.status``.

Every move is one ``OutcomeChange`` row (who, when, from, to, why), a fresh
``status_changed_at``, the campaign's ``data_updated_at`` bumped (the public look-up's "last
updated"), and the stop-sale re-check for the VIN, in the caller's transaction. The move is a
conditional update (``filter(status=from).update(...)``): of two clerks at once, the second
is told the status moved under them (409).

Who may: remedied elsewhere and not needed, the service manager of the VIN's servicing
dealer; unreachable, regional staff of that dealer's region and national roles; undo, the
same people as the outcome (unreachable stays with regional and national staff).

Undo is refused while a completed RO stands for the VIN and campaign, including when the
outcome is the completion itself: the completed RO is the record of the remedy (a claim
rests on it, and the database allows one per VIN and campaign), so a remedy recorded by an
RO is not undone from here.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from dealers.inventory import inventory_recheck_vins
from dealers.models import Dealer
from repairs.models import OutcomeChange, RepairOrder
from repairs.ro_selectors import RECORD_OUTCOME, SET_UNREACHABLE, UNDO_OUTCOME, outcome_permissions
from repairs.signals import outcome_recorded

Status = AffectedVehicle.Status
Kind = OutcomeChange.Kind
STILL_TO_DO = (Status.OPEN, Status.UNREACHABLE)
RECORD_REFUSAL = "Only the servicing dealer's service manager records this."


def _entry_for(*, entry_id: int, user) -> AffectedVehicle:
    entry = (
        AffectedVehicle.objects.select_related("campaign", "vehicle__servicing__dealer")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise DomainError("No such campaign entry for this VIN.", code="not_found")
    return entry


def _require(allowed: bool, *, user, perm: str, refusal: str) -> None:
    # A role that may do this, on a VIN outside its dealer or region: as if it did not exist.
    if allowed:
        return
    if user.has_perm(perm):
        raise DomainError("No such campaign entry among your vehicles.", code="not_found")
    raise DomainError(refusal, code="forbidden")


def _reason_clean(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why: the reason is kept with the change.", field="reason")
    return reason


def _no_open_repair_order(entry: AffectedVehicle) -> None:
    ro = RepairOrder.objects.filter(
        vehicle_id=entry.vehicle_id, campaign_id=entry.campaign_id, status__in=RepairOrder.OPEN_STATUSES
    ).first()
    if ro is not None:
        raise DomainError(
            f"RO {ro.ro_number} is open for this VIN at {ro.dealer.name}: complete or cancel it first.",
            code="conflict",
        )


def outcome_move(
    *,
    entry: AffectedVehicle,
    from_statuses: tuple[str, ...],
    to_status: str,
    kind: str,
    user,
    reason: str,
    **fields,
) -> OutcomeChange:
    """Move the entry's status and record it. The caller has checked permission and scope.

    Also used by the RO completion (kind ``remedied``, with the RO). Call inside a transaction.
    """
    if entry.status not in from_statuses:
        raise DomainError(
            f"{entry.vehicle_id} is already {entry.get_status_display().lower()} for {entry.campaign.code}.",
            code="conflict",
        )
    now = timezone.now()
    moved = AffectedVehicle.objects.filter(pk=entry.pk, status=entry.status).update(
        status=to_status, status_changed_at=now
    )
    if not moved:
        raise DomainError(
            f"Someone else just changed {entry.vehicle_id}'s status for {entry.campaign.code}; reload and check.",
            code="conflict",
        )
    change = OutcomeChange.objects.create(
        entry=entry,
        kind=kind,
        from_status=entry.status,
        to_status=to_status,
        by=user,
        reason=reason,
        **fields,
    )
    entry.status, entry.status_changed_at = to_status, now
    Campaign.objects.filter(pk=entry.campaign_id).update(data_updated_at=now)
    inventory_recheck_vins(
        vins=[entry.vehicle_id], user=user, note=f"{entry.campaign.code}: {change.get_kind_display()}."
    )
    outcome_recorded.send(sender=OutcomeChange, entry=entry, change=change, user=user)
    return change


def outcome_remedied_elsewhere(
    *, entry_id: int, other_dealer_code: str, other_ro_number: str, reason: str, user
) -> OutcomeChange:
    """Another dealer did the remedy (its RO, as reported): the entry becomes remedied."""
    entry = _entry_for(entry_id=entry_id, user=user)
    may_record, _, _ = outcome_permissions(user=user, entry=entry)
    _require(may_record, user=user, perm=RECORD_OUTCOME, refusal=RECORD_REFUSAL)
    code = (other_dealer_code or "").strip()
    other = Dealer.objects.filter(code=code).first() if code else None
    if other is None:
        raise DomainError(
            f"No dealer has the code {code!r}: enter the dealer that did the remedy.",
            field="other_dealer_code",
        )
    if other.pk == entry.vehicle.servicing.dealer_id:
        raise DomainError("A remedy done here is recorded by completing its RO.", field="other_dealer_code")
    other_ro_number = " ".join((other_ro_number or "").split())
    if not other_ro_number:
        raise DomainError("Enter the other dealer's RO number.", field="other_ro_number")
    reason = _reason_clean(reason)
    with transaction.atomic():
        _no_open_repair_order(entry)
        return outcome_move(
            entry=entry,
            from_statuses=STILL_TO_DO,
            to_status=Status.REMEDIED,
            kind=Kind.REMEDIED_ELSEWHERE,
            user=user,
            reason=reason,
            other_dealer=other,
            other_ro_number=other_ro_number[:20],
        )


def outcome_not_needed(*, entry_id: int, reason: str, user) -> OutcomeChange:
    """An inspection found the remedy not needed for this VIN."""
    entry = _entry_for(entry_id=entry_id, user=user)
    may_record, _, _ = outcome_permissions(user=user, entry=entry)
    _require(may_record, user=user, perm=RECORD_OUTCOME, refusal=RECORD_REFUSAL)
    reason = _reason_clean(reason)
    with transaction.atomic():
        _no_open_repair_order(entry)
        return outcome_move(
            entry=entry,
            from_statuses=STILL_TO_DO,
            to_status=Status.NOT_NEEDED,
            kind=Kind.NOT_NEEDED,
            user=user,
            reason=reason,
        )


def outcome_unreachable(*, entry_id: int, unreachable_reason: str, reason: str, user) -> OutcomeChange:
    """Regional staff: the owner is out of reach (exported, stolen, scrapped, not located…).
    The recall stays open for the VIN (``RECALL_OPEN_STATUSES``): a held unit stays held."""
    entry = _entry_for(entry_id=entry_id, user=user)
    _, may_set, _ = outcome_permissions(user=user, entry=entry)
    _require(
        may_set, user=user, perm=SET_UNREACHABLE, refusal="Only regional staff mark a vehicle unreachable."
    )
    if unreachable_reason not in OutcomeChange.UnreachableReason.values:
        raise DomainError("Choose why the vehicle is unreachable.", field="unreachable_reason")
    reason = reason.strip()
    if unreachable_reason == OutcomeChange.UnreachableReason.OTHER:
        reason = _reason_clean(reason)
    with transaction.atomic():
        _no_open_repair_order(entry)
        return outcome_move(
            entry=entry,
            from_statuses=(Status.OPEN,),
            to_status=Status.UNREACHABLE,
            kind=Kind.UNREACHABLE,
            user=user,
            reason=reason,
            unreachable_reason=unreachable_reason,
        )


def outcome_undo(*, entry_id: int, reason: str, user) -> OutcomeChange:
    """Back to open, with the reason. Refused while a completed RO stands (see the module)."""
    entry = _entry_for(entry_id=entry_id, user=user)
    _, may_set, may_undo = outcome_permissions(user=user, entry=entry)
    _require(may_undo, user=user, perm=UNDO_OUTCOME, refusal="You may not undo outcomes.")
    if entry.status == Status.UNREACHABLE:
        _require(may_set, user=user, perm=SET_UNREACHABLE, refusal="Only regional staff undo an unreachable.")
    reason = _reason_clean(reason)
    with transaction.atomic():
        completed = RepairOrder.objects.filter(
            vehicle_id=entry.vehicle_id, campaign_id=entry.campaign_id, status=RepairOrder.Status.COMPLETED
        ).first()
        if completed is not None:
            raise DomainError(
                f"RO {completed.ro_number} at {completed.dealer.name} records the remedy: it is not undone here.",
                code="conflict",
            )
        return outcome_move(
            entry=entry,
            from_statuses=(Status.REMEDIED, Status.NOT_NEEDED, Status.UNREACHABLE),
            to_status=Status.OPEN,
            kind=Kind.UNDONE,
            user=user,
            reason=reason,
        )
