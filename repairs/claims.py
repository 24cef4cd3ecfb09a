"""Warranty claims: submission with its checks and amounts, review decisions, resubmission.

Checks on submit, each with its own code (``WarrantyClaim.RejectionCode``):

- hard failures refuse the submission (nothing is written) with a ``DomainError`` whose
  ``extra["rejection_code"]`` names the check: ``not_affected``, ``ro_not_at_dealer``,
  ``outside_window`` (400, ``invalid``) and ``duplicate`` (409, ``conflict``: the VIN already
  has a claim for the campaign that is not rejected);
- a labor operation or hours, or parts, that differ from the campaign's remedy hold the claim
  for review (``labor_operation`` / ``parts_mismatch`` in ``rejection_code``, the reason it
  waits); a clean claim is approved at once.

``rejection_code`` + ``note`` always carry the reason for the claim's current state: why it
is held (review), returned or rejected; an approval clears them.

Amounts are ``Decimal`` rounded half-up to cents: labor = the remedy's flat-rate hours × the
dealer's warranty labor rate; parts = Σ dealer net × quantity × (1 + allowance %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, RemedyOperation
from campaign.remedy import remedy_operation_for_vin
from dealers.access import scope_to_user
from dealers.models import Membership
from repairs.models import ClaimEvent, ClaimPart, RepairOrder, WarrantyClaim

CENT = Decimal("0.01")
Code = WarrantyClaim.RejectionCode
Status = WarrantyClaim.Status
SUBMIT_PERM = "repairs.add_warrantyclaim"
REVIEW_PERM = "repairs.review_warrantyclaim"
# Submitting and resubmitting is the service department's: a service manager of the RO's dealer.
SUBMITTER_ROLES = (Membership.Role.SERVICE_MANAGER,)
# Every state the warranty administrator may still decide on (paid is final).
DECIDABLE = (Status.REVIEW, Status.APPROVED, Status.RETURNED, Status.REJECTED)


@dataclass(frozen=True)
class PartLine:
    part_number: str
    quantity: int
    unit_price: Decimal | None = None  # None: the kit's dealer net


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def labor_amount(*, hours: Decimal, rate: Decimal) -> Decimal:
    return cents(Decimal(hours) * Decimal(rate))


def parts_amount(*, lines: list[tuple[Decimal, int]], allowance_percent: Decimal) -> Decimal:
    """Σ net × qty, plus the allowance, rounded once (per-line rounding would drift by cents)."""
    net = sum((Decimal(price) * qty for price, qty in lines), Decimal("0"))
    return cents(net * (1 + Decimal(allowance_percent) / 100))


def _refuse(message: str, code: str, *, http: str = "invalid") -> DomainError:
    return DomainError(message, code=http, field=None, extra={"rejection_code": code})


def _submitter_check(user) -> None:
    if not user.has_perm(SUBMIT_PERM):
        raise DomainError("Only the service department submits warranty claims.", code="forbidden")


def _reviewer_check(user) -> None:
    if not user.has_perm(REVIEW_PERM):
        raise DomainError("Only a warranty administrator decides on claims.", code="forbidden")


def _kit(operation: RemedyOperation | None) -> dict[str, tuple[int, Decimal]]:
    if operation is None:
        return {}
    return {p.part_number: (p.quantity, p.dealer_net_price) for p in operation.parts.all()}


def _hard_checks(*, ro: RepairOrder, on: dt.date) -> None:
    """The checks that refuse a claim outright (nothing is written)."""
    if ro.status != RepairOrder.Status.COMPLETED or ro.completed_on is None:
        raise _refuse(f"RO {ro.ro_number} is not completed at this dealer.", Code.RO_NOT_AT_DEALER)
    if not AffectedVehicle.objects.filter(campaign_id=ro.campaign_id, vehicle_id=ro.vehicle_id).exists():
        raise _refuse(f"{ro.vehicle_id} is not affected by {ro.campaign.code}.", Code.NOT_AFFECTED)
    window = ro.campaign.claim_window_days
    if window is not None and on > ro.completed_on + dt.timedelta(days=window):
        raise _refuse(
            f"The claim window closed {window} days after completion ({ro.completed_on:%Y-%m-%d}).",
            Code.OUTSIDE_WINDOW,
        )


def _duplicate_check(*, ro: RepairOrder, exclude_pk: int | None = None) -> None:
    live = WarrantyClaim.objects.filter(vehicle_id=ro.vehicle_id, campaign_id=ro.campaign_id).exclude(
        status=Status.REJECTED
    )
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    if live.exists():
        raise _duplicate(ro)


def _duplicate(ro: RepairOrder) -> DomainError:
    return _refuse(
        f"{ro.vehicle_id} already has a claim for {ro.campaign.code} that is not rejected.",
        Code.DUPLICATE,
        http="conflict",
    )


@dataclass
class _Priced:
    labor_operation: str
    labor_hours: Decimal
    labor_rate: Decimal
    labor_amount: Decimal
    parts_amount: Decimal
    parts: list[PartLine]
    hold_code: str
    hold_note: str


def _price(*, ro: RepairOrder, labor_hours: Decimal | None, parts: list[PartLine] | None) -> _Priced:
    """The amounts, and why the claim must be reviewed ('' when it is clean)."""
    operation = remedy_operation_for_vin(campaign=ro.campaign, vin=ro.vehicle_id)
    kit = _kit(operation)
    dealer = ro.dealer
    hold_code, hold_note = "", ""
    flat_rate = operation.flat_rate_hours if operation else ro.flat_rate_hours
    hours = Decimal(labor_hours) if labor_hours is not None else flat_rate
    if operation is None or ro.labor_operation != operation.labor_operation:
        expected = operation.labor_operation if operation else "none defined"
        hold_code = Code.LABOR_OPERATION
        hold_note = f"Labor operation {ro.labor_operation} (the model's: {expected})."
    elif hours != flat_rate:
        hold_code = Code.LABOR_OPERATION
        hold_note = f"Labor {hours} h claimed, the flat rate is {flat_rate} h."
    if parts is None:
        recorded = list(ro.parts.all())
        if recorded:
            merged: dict[str, int] = {}
            for p in recorded:
                merged[p.part_number] = merged.get(p.part_number, 0) + p.quantity
            parts = [PartLine(n, q) for n, q in merged.items()]
        else:
            parts = [PartLine(n, q) for n, (q, _) in kit.items()]
    priced: list[PartLine] = []
    for line in parts:
        if line.quantity <= 0:
            raise DomainError(f"Part {line.part_number}: the quantity must be positive.", field="parts")
        price = line.unit_price if line.unit_price is not None else kit.get(line.part_number, (0, None))[1]
        if price is None:
            raise DomainError(
                f"Part {line.part_number} is not in the kit: give its dealer net price.", field="parts"
            )
        priced.append(PartLine(line.part_number, line.quantity, Decimal(price)))
    claimed = {p.part_number: (p.quantity, p.unit_price) for p in priced}
    if claimed != kit and not hold_code:
        hold_code = Code.PARTS_MISMATCH
        hold_note = "Parts differ from the kit: " + ", ".join(
            f"{p.quantity} × {p.part_number} at {p.unit_price}" for p in priced
        )
    return _Priced(
        labor_operation=ro.labor_operation,
        labor_hours=hours,
        labor_rate=dealer.warranty_labor_rate,
        labor_amount=labor_amount(hours=hours, rate=dealer.warranty_labor_rate),
        parts_amount=parts_amount(
            lines=[(p.unit_price, p.quantity) for p in priced],
            allowance_percent=dealer.parts_allowance_percent,
        ),
        parts=priced,
        hold_code=hold_code,
        hold_note=hold_note,
    )


def _apply(claim: WarrantyClaim, priced: _Priced, *, sublet_amount: Decimal) -> None:
    sublet = cents(Decimal(sublet_amount))
    if sublet < 0:
        raise DomainError("Sublet cannot be negative.", field="sublet_amount")
    claim.labor_operation = priced.labor_operation
    claim.labor_hours = priced.labor_hours
    claim.labor_rate = priced.labor_rate
    claim.labor_amount = priced.labor_amount
    claim.parts_amount = priced.parts_amount
    claim.sublet_amount = sublet
    claim.total = priced.labor_amount + priced.parts_amount + sublet
    claim.status = Status.REVIEW if priced.hold_code else Status.APPROVED
    claim.rejection_code = priced.hold_code
    claim.note = priced.hold_note
    claim.decided_at = None if priced.hold_code else timezone.now()


def _write_parts(claim: WarrantyClaim, priced: _Priced) -> None:
    claim.parts.all().delete()  # lines of a claim being corrected, not history (events keep that)
    ClaimPart.objects.bulk_create(
        ClaimPart(claim=claim, part_number=p.part_number, quantity=p.quantity, unit_price=p.unit_price)
        for p in priced.parts
    )


def _texts(claim: WarrantyClaim, *, condition, cause, correction) -> None:
    for name, value in (("condition", condition), ("cause", cause), ("correction", correction)):
        if value is not None:
            setattr(claim, name, value.strip())
        if not getattr(claim, name):
            raise DomainError(f"The {name} text is required.", field=name)


def claim_submit(
    *,
    repair_order_id: int,
    user,
    sublet_amount: Decimal = Decimal("0"),
    condition: str | None = None,
    cause: str | None = None,
    correction: str | None = None,
    labor_hours: Decimal | None = None,
    parts: list[PartLine] | None = None,
) -> WarrantyClaim:
    """The claim for a completed RO: approved at once when clean, else held for review.

    The RO row is locked first, so a second submission (a double click, another clerk) waits,
    then finds the first claim and is refused as a duplicate; the partial unique constraint
    ``claim_one_live_per_vin`` backs this for any path that skips the lock.
    """
    _submitter_check(user)
    with transaction.atomic():
        ro = (
            scope_to_user(RepairOrder.objects.all(), user, roles=SUBMITTER_ROLES)
            .select_related("campaign", "dealer", "vehicle")
            .select_for_update(of=("self",))
            .filter(pk=repair_order_id)
            .first()
        )
        if ro is None:
            raise DomainError("No such repair order.", code="not_found")
        now = timezone.now()
        _hard_checks(ro=ro, on=timezone.localdate(now))
        _duplicate_check(ro=ro)
        claim = WarrantyClaim(
            dealer_id=ro.dealer_id,
            repair_order=ro,
            vehicle_id=ro.vehicle_id,
            model_label=ro.vehicle.model_label,
            model_year=ro.vehicle.model_year,
            campaign_id=ro.campaign_id,
            condition=ro.campaign.claim_condition,
            cause=ro.campaign.claim_cause,
            correction=ro.campaign.claim_correction,
            submitted_at=now,
            submitted_by=user,
        )
        _texts(claim, condition=condition, cause=cause, correction=correction)
        priced = _price(ro=ro, labor_hours=labor_hours, parts=parts)
        _apply(claim, priced, sublet_amount=sublet_amount)
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError as exc:
            if "claim_one_live_per_vin" in str(exc):
                raise _duplicate(ro) from None
            raise
        _write_parts(claim, priced)
        ClaimEvent.objects.create(
            claim=claim,
            from_status="",
            to_status=claim.status,
            code=claim.rejection_code,
            by=user,
            note=claim.note or "Submitted; clean claim approved.",
        )
    return claim


def _locked_claim(*, claim_id: int, user, roles=None) -> WarrantyClaim:
    claim = (
        scope_to_user(WarrantyClaim.objects.all(), user, roles=roles)
        .select_for_update(of=("self",))
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise DomainError("No such claim.", code="not_found")
    return claim


def _decide(
    *, claim_id: int, user, to: str, code: str = "", note: str = "", allowed_from=DECIDABLE
) -> WarrantyClaim:
    _reviewer_check(user)
    with transaction.atomic():
        claim = _locked_claim(claim_id=claim_id, user=user)
        if claim.status == Status.PAID:
            raise DomainError(f"Claim {claim.pk} is paid: its decision is final.", code="conflict")
        if claim.status == to or claim.status not in allowed_from:
            raise DomainError(
                f"Claim {claim.pk} is already {claim.get_status_display().lower()}.", code="conflict"
            )
        before = claim.status
        claim.status = to
        claim.rejection_code = code
        claim.note = note
        claim.decided_at = timezone.now()
        try:
            with transaction.atomic():
                claim.save(update_fields=["status", "rejection_code", "note", "decided_at"])
        except IntegrityError as exc:
            if "claim_one_live_per_vin" in str(exc):
                raise DomainError(
                    f"{claim.vehicle_id} has another live claim for the campaign.", code="conflict"
                ) from None
            raise
        ClaimEvent.objects.create(
            claim=claim, from_status=before, to_status=to, code=code, by=user, note=note
        )
    return claim


def claim_approve(*, claim_id: int, user, note: str = "") -> WarrantyClaim:
    return _decide(claim_id=claim_id, user=user, to=Status.APPROVED, note=note.strip())


def claim_reject(*, claim_id: int, user, code: str, note: str) -> WarrantyClaim:
    if code not in Code.values:
        raise DomainError(f"Unknown rejection code {code!r}.", field="code")
    if not note.strip():
        raise DomainError("Say why the claim is rejected.", field="note")
    return _decide(claim_id=claim_id, user=user, to=Status.REJECTED, code=code, note=note.strip())


def claim_return(*, claim_id: int, user, note: str, code: str = "") -> WarrantyClaim:
    if code and code not in Code.values:
        raise DomainError(f"Unknown rejection code {code!r}.", field="code")
    if not note.strip():
        raise DomainError("Say what the dealer must correct.", field="note")
    return _decide(claim_id=claim_id, user=user, to=Status.RETURNED, code=code, note=note.strip())


def claim_resubmit(
    *,
    claim_id: int,
    user,
    sublet_amount: Decimal | None = None,
    condition: str | None = None,
    cause: str | None = None,
    correction: str | None = None,
    labor_hours: Decimal | None = None,
    parts: list[PartLine] | None = None,
) -> WarrantyClaim:
    """The dealer's corrected claim after a return or a rejection: the checks run again.

    The window is measured at the first submission (the claim was filed in time; a
    correction is not a new filing). A rejected claim left the "one live claim per VIN"
    set: if another claim for the VIN is live now, this one stays rejected (409), and the
    partial unique constraint refuses it even past the check.
    """
    _submitter_check(user)
    with transaction.atomic():
        claim = _locked_claim(claim_id=claim_id, user=user, roles=SUBMITTER_ROLES)
        if claim.status not in (Status.RETURNED, Status.REJECTED):
            raise DomainError(
                f"Claim {claim.pk} is {claim.get_status_display().lower()}: only a returned or rejected "
                "claim is resubmitted.",
                code="conflict",
            )
        ro = RepairOrder.objects.select_related("campaign", "dealer").get(pk=claim.repair_order_id)
        _hard_checks(ro=ro, on=timezone.localdate(claim.submitted_at))
        _duplicate_check(ro=ro, exclude_pk=claim.pk)
        before = claim.status
        _texts(claim, condition=condition, cause=cause, correction=correction)
        # What is not corrected now stays as claimed.
        if labor_hours is None:
            labor_hours = claim.labor_hours
        if parts is None:
            parts = [PartLine(p.part_number, p.quantity, p.unit_price) for p in claim.parts.all()] or None
        priced = _price(ro=ro, labor_hours=labor_hours, parts=parts)
        _apply(claim, priced, sublet_amount=claim.sublet_amount if sublet_amount is None else sublet_amount)
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError as exc:
            if "claim_one_live_per_vin" in str(exc):
                raise _duplicate(ro) from None
            raise
        _write_parts(claim, priced)
        ClaimEvent.objects.create(
            claim=claim,
            from_status=before,
            to_status=claim.status,
            code=claim.rejection_code,
            by=user,
            note=claim.note or "Resubmitted; clean claim approved.",
        )
    return claim
