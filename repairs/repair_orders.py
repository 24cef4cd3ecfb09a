"""Repair orders: check-in (from an appointment or a walk-in), start, cancel, completion.

Every transition is a ``RepairOrderEvent`` row (who, when, from, to, why). The database
holds the invariants (``repairs.models.repair_orders``): one RO number per dealer, one open
and one completed RO per VIN and campaign, mileage out not below mileage in. The services
lock the row they move (the appointment at check-in, the RO afterwards), so a double click
or a second clerk gets a 409, and an insert that loses a race on a constraint becomes the
same 409.

Completion is one transaction: the RO completed with its parts, the VIN's campaign entry
remedied (``repairs.outcomes``: an ``OutcomeChange``, ``status_changed_at``, the campaign's
``data_updated_at``), and a stop-sale unit with the VIN released with a CLEARED event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from campaign.remedy import remedy_operation_for_vin
from repairs.models import (
    Appointment,
    AppointmentEvent,
    OutcomeChange,
    RepairOrder,
    RepairOrderEvent,
    RepairOrderPart,
)
from repairs.outcomes import STILL_TO_DO, outcome_move
from repairs.ro_selectors import appointment_for_check_in, repair_dealer_ids, repair_order_get
from repairs.signals import repair_order_completed

Status = RepairOrder.Status
PartLine = tuple[str, int, str]  # (part number, quantity, lot)
MAX_MILEAGE = 2_000_000


def _may_repair(user, dealer_id: int) -> None:
    if dealer_id not in repair_dealer_ids(user=user):
        raise DomainError("Only the dealer's service department works its repair orders.", code="forbidden")


def _ro_number_clean(raw: str) -> str:
    ro_number = "".join((raw or "").split()).upper()
    if not ro_number:
        raise DomainError("Enter the RO number from the dealer system.", field="ro_number")
    if len(ro_number) > RepairOrder._meta.get_field("ro_number").max_length:
        raise DomainError("An RO number has at most 20 characters.", field="ro_number")
    return ro_number


def _mileage_clean(value, *, field: str) -> int:
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_MILEAGE
    ):
        raise DomainError("Enter the odometer reading in miles (a whole number).", field=field)
    return value


def _entry_to_repair(*, vin: str, campaign: Campaign) -> AffectedVehicle:
    """The VIN's entry on the campaign's posted list, locked, still to be remedied."""
    entry = AffectedVehicle.objects.select_for_update().filter(vehicle_id=vin, campaign=campaign).first()
    if entry is None:
        raise DomainError(f"{vin} is not on {campaign.code}'s affected list.", field="vin")
    if entry.status not in STILL_TO_DO:
        raise DomainError(
            f"{vin} is already {entry.get_status_display().lower()} for {campaign.code}.", code="conflict"
        )
    return entry


def _open(
    *,
    dealer_id: int,
    vin: str,
    campaign: Campaign,
    appointment: Appointment | None,
    ro_number: str,
    mileage_in: int,
    user,
) -> RepairOrder:
    if not campaign.remedy_available:
        raise DomainError(
            f"{campaign.code}'s remedy is not available yet (parts pending): no repair order can be opened.",
            code="conflict",
        )
    _entry_to_repair(vin=vin, campaign=campaign)
    operation = remedy_operation_for_vin(campaign=campaign, vin=vin)
    if operation is None:
        raise DomainError(f"{campaign.code} defines no labor operation for {vin}'s model.", field="vin")
    try:
        with transaction.atomic():
            ro = RepairOrder.objects.create(
                dealer_id=dealer_id,
                ro_number=ro_number,
                appointment=appointment,
                vehicle_id=vin,
                campaign=campaign,
                labor_operation=operation.labor_operation,
                flat_rate_hours=operation.flat_rate_hours,
                mileage_in=mileage_in,
                opened_by=user,
            )
    except IntegrityError as exc:
        if "repair_order_number_once_per_dealer" in str(exc) or "ro_number" in str(exc):
            raise DomainError(
                f"RO number {ro_number} is already used at this dealer.", field="ro_number", code="conflict"
            ) from None
        open_ro = RepairOrder.objects.filter(
            vehicle_id=vin, campaign=campaign, status__in=RepairOrder.OPEN_STATUSES
        ).first()
        where = f" (RO {open_ro.ro_number})" if open_ro else ""
        raise DomainError(f"{vin} already has an open repair order{where}.", code="conflict") from None
    RepairOrderEvent.objects.create(repair_order=ro, from_status="", to_status=Status.OPEN, by=user)
    return ro


def repair_order_check_in(*, appointment_id: int, ro_number: str, mileage_in: int, user) -> RepairOrder:
    """The appointment's vehicle arrives: its RO is opened and the appointment checked in."""
    ro_number = _ro_number_clean(ro_number)
    mileage_in = _mileage_clean(mileage_in, field="mileage_in")
    with transaction.atomic():
        appointment = appointment_for_check_in(user=user, pk=appointment_id, for_update=True)
        _may_repair(user, appointment.dealer_id)
        if appointment.status == Appointment.Status.CHECKED_IN:
            raise DomainError("This appointment is already checked in.", code="conflict")
        if appointment.status != Appointment.Status.SCHEDULED:
            raise DomainError(
                f"This appointment is {appointment.get_status_display().lower()}; only a scheduled one checks in.",
                code="conflict",
            )
        ro = _open(
            dealer_id=appointment.dealer_id,
            vin=appointment.vehicle_id,
            campaign=appointment.campaign,
            appointment=appointment,
            ro_number=ro_number,
            mileage_in=mileage_in,
            user=user,
        )
        Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CHECKED_IN)
        AppointmentEvent.objects.create(
            appointment=appointment,
            from_status=Appointment.Status.SCHEDULED,
            to_status=Appointment.Status.CHECKED_IN,
            by=user,
            reason=f"RO {ro.ro_number} opened.",
        )
    return ro


def repair_order_walk_in(
    *, dealer_id: int, vin: str, campaign_id: int, ro_number: str, mileage_in: int, user
) -> RepairOrder:
    """An owner drives in without an appointment: the RO is opened straight away."""
    _may_repair(user, dealer_id)
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None
    ro_number = _ro_number_clean(ro_number)
    mileage_in = _mileage_clean(mileage_in, field="mileage_in")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("Choose the campaign.", field="campaign")
    with transaction.atomic():
        return _open(
            dealer_id=dealer_id,
            vin=vin,
            campaign=campaign,
            appointment=None,
            ro_number=ro_number,
            mileage_in=mileage_in,
            user=user,
        )


def _transition(
    *, repair_order_id: int, to: str, allowed_from: Sequence[str], user, reason: str = ""
) -> RepairOrder:
    with transaction.atomic():
        ro = repair_order_get(user=user, pk=repair_order_id, for_update=True)
        _may_repair(user, ro.dealer_id)
        if ro.status not in allowed_from:
            raise DomainError(
                f"RO {ro.ro_number} is {ro.get_status_display().lower()}: it cannot be "
                f"{Status(to).label.lower()} now.",
                code="conflict",
            )
        RepairOrder.objects.filter(pk=ro.pk).update(status=to)
        RepairOrderEvent.objects.create(
            repair_order=ro, from_status=ro.status, to_status=to, by=user, reason=reason
        )
        ro.status = to
    return ro


def repair_order_start(*, repair_order_id: int, user) -> RepairOrder:
    """The technician starts work: open → in progress."""
    return _transition(
        repair_order_id=repair_order_id, to=Status.IN_PROGRESS, allowed_from=(Status.OPEN,), user=user
    )


def repair_order_cancel(*, repair_order_id: int, reason: str, user) -> RepairOrder:
    """The RO is closed without the remedy (the owner left, opened in error…), with the reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the RO is cancelled.", field="reason")
    return _transition(
        repair_order_id=repair_order_id,
        to=Status.CANCELLED,
        allowed_from=RepairOrder.OPEN_STATUSES,
        user=user,
        reason=reason,
    )


def repair_order_kit(*, repair_order: RepairOrder) -> list[PartLine]:
    """The campaign kit for the RO's VIN, as completion's default parts (no lot yet)."""
    operation = remedy_operation_for_vin(campaign=repair_order.campaign, vin=repair_order.vehicle_id)
    if operation is None:
        return []
    return [(p.part_number, p.quantity, "") for p in operation.parts.all()]


def _parts_clean(parts: Sequence[PartLine]) -> list[PartLine]:
    cleaned = []
    for part_number, quantity, lot in parts:
        part_number = "".join((part_number or "").split()).upper()
        if not part_number:
            continue
        if not isinstance(quantity, int) or quantity < 1:
            raise DomainError(
                f"Part {part_number}: the quantity is a whole number, at least 1.", field="parts"
            )
        cleaned.append((part_number[:20], quantity, (lot or "").strip()[:40]))
    return cleaned


def repair_order_complete(
    *,
    repair_order_id: int,
    completed_on: dt.date | None,
    mileage_out: int,
    technician: str,
    labor_hours: Decimal,
    parts: Sequence[PartLine] | None = None,
    user,
) -> RepairOrder:
    """The remedy is done: the RO completed, the VIN remedied, a held unit released. One transaction."""
    mileage_out = _mileage_clean(mileage_out, field="mileage_out")
    technician = " ".join((technician or "").split())
    if not technician:
        raise DomainError("Enter the technician who did the repair.", field="technician")
    if labor_hours is None or not Decimal("0") < Decimal(labor_hours) < Decimal("1000"):
        raise DomainError("Enter the actual labor hours (more than 0).", field="labor_hours")
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise DomainError("The completion date is in the future.", field="completed_on")
    with transaction.atomic():
        ro = repair_order_get(user=user, pk=repair_order_id, for_update=True)
        _may_repair(user, ro.dealer_id)
        if ro.status == Status.COMPLETED:
            raise DomainError(f"RO {ro.ro_number} is already completed.", code="conflict")
        if ro.status == Status.CANCELLED:
            raise DomainError(f"RO {ro.ro_number} is cancelled: it cannot be completed.", code="conflict")
        if mileage_out < ro.mileage_in:
            raise DomainError(
                f"Mileage out ({mileage_out:,}) is below mileage in ({ro.mileage_in:,}).", field="mileage_out"
            )
        if completed_on < timezone.localtime(ro.opened_at).date():
            raise DomainError("The completion date is before the RO was opened.", field="completed_on")
        lines = _parts_clean(parts) if parts is not None else repair_order_kit(repair_order=ro)
        entry = _entry_to_repair(vin=ro.vehicle_id, campaign=ro.campaign)
        previous = ro.status
        ro.status, ro.completed_on, ro.mileage_out = Status.COMPLETED, completed_on, mileage_out
        ro.technician, ro.labor_hours = technician[:80], Decimal(labor_hours)
        ro.save(update_fields=["status", "completed_on", "mileage_out", "technician", "labor_hours"])
        RepairOrderPart.objects.bulk_create(
            RepairOrderPart(repair_order=ro, part_number=n, quantity=q, lot=lot) for n, q, lot in lines
        )
        RepairOrderEvent.objects.create(
            repair_order=ro,
            from_status=previous,
            to_status=Status.COMPLETED,
            by=user,
            reason=f"Remedy done by {ro.technician}, {ro.labor_hours} h.",
        )
        outcome_move(
            entry=entry,
            from_statuses=STILL_TO_DO,
            to_status=AffectedVehicle.Status.REMEDIED,
            kind=OutcomeChange.Kind.REMEDIED,
            user=user,
            reason=f"RO {ro.ro_number} completed at {ro.dealer.name}.",
            repair_order=ro,
        )
        # Parts consumes the kit here; no kit on hand refuses the completion.
        repair_order_completed.send(sender=RepairOrder, repair_order=ro, user=user)
    return ro
