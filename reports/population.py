"""Population changes: the campaign administrator takes a VIN off a campaign's list, with a reason.

The entry stays (its history too): its status becomes ``removed`` through the same move as every
other outcome (``repairs.outcomes.outcome_move``: a conditional update, an ``OutcomeChange`` row
of kind ``removed`` with who, when and why, the look-up's "last updated", the stop-sale re-check,
and the ``outcome_recorded`` signal, on which parts frees a reserved kit). §573.7 counts such
VINs as "removed from the population"; every count of affected vehicles leaves them out.

Refused: a VIN not on the list, already removed, remedied (the remedy was done: it stays a
remedy), or with an open repair order or a scheduled appointment (the dealer closes those first).
One check, ``removal_refusal``, serves the single removal and the removal-list import.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from repairs.models import Appointment, OutcomeChange, RepairOrder
from repairs.outcomes import outcome_move

Status = AffectedVehicle.Status
REMOVE = "reports.remove_from_population"
REMOVABLE = (Status.OPEN, Status.UNREACHABLE, Status.NOT_NEEDED)
REASON_MAX = 500


def removal_reason_clean(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the VIN comes off the list (e.g. found not affected).", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"The reason is {len(reason)} characters; at most {REASON_MAX}.", field="reason")
    return reason


def open_work_by_vin(*, campaign_id: int, vins: Iterable[str]) -> dict[str, str]:
    """VIN -> what still stands open at a dealer (an RO or a scheduled appointment): two queries."""
    vins = sorted(set(vins))
    found: dict[str, str] = {}
    for start in range(0, len(vins), 900):  # under SQLite's parameter limit
        chunk = vins[start : start + 900]
        for vin, number, dealer in RepairOrder.objects.filter(
            campaign_id=campaign_id, vehicle_id__in=chunk, status__in=RepairOrder.OPEN_STATUSES
        ).values_list("vehicle_id", "ro_number", "dealer__name"):
            found[vin] = f"RO {number} is open at {dealer}: the dealer completes or cancels it first."
        for vin, start_at, dealer in Appointment.objects.filter(
            campaign_id=campaign_id, vehicle_id__in=chunk, status__in=Appointment.OPEN_STATUSES
        ).values_list("vehicle_id", "start_at", "dealer__name"):
            found.setdefault(
                vin, f"An appointment on {start_at:%Y-%m-%d} is scheduled at {dealer}: it is cancelled first."
            )
    return found


def removal_refusal(*, entry: AffectedVehicle | None, code: str, open_work: str | None) -> str | None:
    """Why this entry cannot come off the list, in words; None when it can."""
    if entry is None:
        return f"Not on {code}'s affected list."
    if entry.status == Status.REMOVED:
        return f"Already removed from {code}."
    if entry.status == Status.REMEDIED:
        return f"Remedied for {code}: a remedy done stays on the list (and counts as remedied)."
    if open_work:
        return open_work
    return None


def affected_entry_remove(*, campaign_id: int, vin: str, reason: str, user) -> OutcomeChange:
    """Take one VIN off the campaign's list. ``DomainError`` saying why when it cannot be."""
    if not user.has_perm(REMOVE):
        raise DomainError(
            "Only the campaign administrator takes a VIN off a campaign's list.", code="forbidden"
        )
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("No such campaign.", code="not_found")
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(f"Invalid VIN: {exc.message}", field="vin") from None
    reason = removal_reason_clean(reason)
    with transaction.atomic():
        entry = (
            AffectedVehicle.objects.select_for_update()
            .select_related("campaign")
            .filter(campaign=campaign, vehicle_id=vin)
            .first()
        )
        refusal = removal_refusal(
            entry=entry,
            code=campaign.code,
            open_work=open_work_by_vin(campaign_id=campaign.pk, vins=[vin]).get(vin),
        )
        if refusal:
            raise DomainError(
                f"{vin}: {refusal}", field="vin", code="conflict" if entry is not None else "invalid"
            )
        return removal_apply(entry=entry, reason=reason, user=user)


def removal_apply(*, entry: AffectedVehicle, reason: str, user) -> OutcomeChange:
    """The move itself, for a caller that locked the entry and found no ``removal_refusal``."""
    return outcome_move(
        entry=entry,
        from_statuses=REMOVABLE,
        to_status=Status.REMOVED,
        kind=OutcomeChange.Kind.REMOVED,
        user=user,
        reason=reason,
    )
