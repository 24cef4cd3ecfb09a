"""Owner reimbursement (49 CFR 573.13): the public submission and the warranty administrator's decisions.

Who is eligible: an owner who paid for the remedy on a VIN that is on the campaign's posted
affected list, for a repair made inside the campaign's reimbursement window. The VIN's
*current* status on the list does not matter: the owner paid before the free remedy, and
a VIN since recorded as remedied (or inspected) was affected all the same.

What a refusal may say: only what the public look-up already tells (whether the VIN is on
the campaign's list) and the window, which is public. Nothing here reads the registered
owner on ``Vehicle``, so no answer can differ by whether an owner is on file.

Double clicks and two tabs: the VIN's list entry is locked while a request is filed, and
the database allows one open (submitted, more information, approved) request per VIN and
campaign. A repeat of the same submission gets the request already filed (its reference);
a different one gets a conflict until the first is denied.

The owner's answer to "more information" is out of this module: the notifications issue
writes to the owner, who answers by the letter's instructions, and the reviewer then
approves or denies the same request (both allowed from "more information").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from repairs.models import ReimbursementEvent, ReimbursementRequest
from repairs.reimbursement_receipts import receipt_check, receipt_storage_name
from repairs.signals import reimbursement_decided

Status = ReimbursementRequest.Status


def reimbursement_campaigns() -> list[Campaign]:
    """Campaigns that take owner reimbursement requests (their window has a start)."""
    return list(Campaign.objects.filter(reimbursement_from__isnull=False).order_by("code"))


def _campaign(code: str | None) -> Campaign:
    offering = reimbursement_campaigns()
    if code:
        for campaign in offering:
            if campaign.code == code.strip().upper():
                return campaign
        raise DomainError(f"Campaign {code} does not take owner reimbursement requests.", field="campaign")
    if len(offering) == 1:
        return offering[0]
    if not offering:
        raise DomainError("No campaign takes owner reimbursement requests at present.", field="campaign")
    raise DomainError("Choose the campaign the repair was for.", field="campaign")


def _window_text(campaign: Campaign) -> str:
    start = f"{campaign.reimbursement_from:%B} {campaign.reimbursement_from.day}, {campaign.reimbursement_from.year}"
    if campaign.reimbursement_until is None:
        return f"on or after {start}"
    end = campaign.reimbursement_until
    return f"from {start} to {end:%B} {end.day}, {end.year}"


def _check_repair_date(campaign: Campaign, repair_date: dt.date) -> None:
    if repair_date > timezone.localdate():
        raise DomainError("The repair date cannot be in the future.", field="repair_date")
    until = campaign.reimbursement_until
    if repair_date < campaign.reimbursement_from or (until is not None and repair_date > until):
        raise DomainError(
            f"Campaign {campaign.code} reimburses repairs made {_window_text(campaign)}; "
            "a repair on another date is not eligible.",
            field="repair_date",
        )


def _not_eligible(campaign: Campaign) -> DomainError:
    # One wording for every VIN off the list, whatever else is known about it.
    return DomainError(
        f"This VIN is not on the list of vehicles affected by campaign {campaign.code}, so a repair on it "
        "is not eligible for reimbursement under this campaign. The recall look-up shows the recalls open on a VIN.",
        field="vin",
    )


def _same_submission(existing: ReimbursementRequest, *, owner_name: str, repair_date, amount_paid) -> bool:
    return (
        existing.owner_name.casefold() == owner_name.casefold()
        and existing.repair_date == repair_date
        and existing.amount_paid == amount_paid
    )


def reimbursement_submit(
    *,
    vin: str,
    campaign_code: str | None = None,
    owner_name: str,
    address1: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
    phone: str = "",
    email: str = "",
    repair_date: dt.date,
    facility: str,
    amount_paid: Decimal,
    receipt: UploadedFile,
    owner_paid_statement: bool,
) -> ReimbursementRequest:
    """File an owner's request, or return the same request filed a moment ago (a double click)."""
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None
    campaign = _campaign(campaign_code)
    owner_name = " ".join(owner_name.split())
    if not owner_name:
        raise DomainError("Enter the name of the owner who paid.", field="owner_name")
    if not owner_paid_statement:
        raise DomainError("Confirm that you, the owner, paid for this repair.", field="owner_paid_statement")
    if amount_paid is None or amount_paid <= 0:
        raise DomainError("Enter the amount you paid.", field="amount_paid")
    if not email and not (address1 and city and state and postal_code):
        raise DomainError(
            "Give an e-mail address or a full postal address, so we can answer you.", field="email"
        )
    _check_repair_date(campaign, repair_date)
    kind = receipt_check(receipt)

    stored: list[ReimbursementRequest] = []
    try:
        with transaction.atomic():
            request = _file(
                campaign=campaign,
                vin=vin,
                kind=kind,
                receipt=receipt,
                stored=stored,
                owner_name=owner_name,
                address1=address1.strip(),
                city=city.strip(),
                state=state.strip().upper(),
                postal_code=postal_code.strip(),
                phone=phone.strip(),
                email=email.strip(),
                repair_date=repair_date,
                facility=" ".join(facility.split()),
                amount_paid=amount_paid,
            )
    except BaseException:
        # The row did not land: neither does its receipt.
        for unsaved in stored:
            unsaved.receipt.delete(save=False)
        raise
    return request


def _file(*, campaign: Campaign, vin: str, kind, receipt, stored: list, **fields) -> ReimbursementRequest:
    # The lock serialises two submissions for one VIN; the constraint is the backstop.
    entry = (
        AffectedVehicle.objects.select_for_update()
        .filter(campaign=campaign, vehicle_id=vin)
        .only("pk", "vehicle_id")
        .first()
    )
    if entry is None:
        raise _not_eligible(campaign)
    existing = ReimbursementRequest.objects.filter(
        campaign=campaign, vehicle_id=vin, status__in=ReimbursementRequest.OPEN_STATUSES
    ).first()
    if existing is not None:
        if _same_submission(
            existing,
            owner_name=fields["owner_name"],
            repair_date=fields["repair_date"],
            amount_paid=fields["amount_paid"],
        ):
            return existing
        raise DomainError(
            f"A reimbursement request for this VIN under campaign {campaign.code} is already on file. "
            "If we asked you for more information, follow the instructions in our letter and quote "
            "its reference number.",
            field="vin",
            code="conflict",
        )
    request = ReimbursementRequest(
        campaign=campaign,
        vehicle_id=vin,
        receipt_content_type=kind.content_type,
        owner_paid_statement=True,
        **fields,
    )
    request.receipt.save(receipt_storage_name(kind), receipt, save=False)
    stored.append(request)
    request.save()
    ReimbursementEvent.objects.create(request=request, to_status=Status.SUBMITTED)
    return request


def _decide(
    *, request_id: int, user, to_status: str, amount: Decimal | None = None, reason: str = ""
) -> ReimbursementRequest:
    with transaction.atomic():
        request = ReimbursementRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise DomainError("No such reimbursement request.", code="not_found")
        if request.status not in ReimbursementRequest.UNDECIDED_STATUSES:
            raise DomainError(
                f"Request {request.reference} was already {request.get_status_display().lower()}; "
                "a decision is final.",
                code="conflict",
            )
        from_status = request.status
        request.status = to_status
        request.approved_amount = amount
        request.decision_reason = reason
        request.decided_at = timezone.now()
        request.decided_by = user
        request.save(
            update_fields=["status", "approved_amount", "decision_reason", "decided_at", "decided_by"]
        )
        event = ReimbursementEvent.objects.create(
            request=request,
            from_status=from_status,
            to_status=to_status,
            amount=amount,
            by=user,
            reason=reason,
        )
        reimbursement_decided.send(sender=ReimbursementRequest, request=request, event=event, user=user)
    return request


def reimbursement_approve(
    *, request_id: int, user, amount: Decimal, reason: str = ""
) -> ReimbursementRequest:
    """Approve with the amount to pay (at most what the owner paid)."""
    request = ReimbursementRequest.objects.filter(pk=request_id).only("amount_paid").first()
    if request is None:
        raise DomainError("No such reimbursement request.", code="not_found")
    if amount is None or amount <= 0:
        raise DomainError("Enter the amount to reimburse.", field="amount")
    if amount > request.amount_paid:
        raise DomainError(
            f"The owner paid {request.amount_paid}; the reimbursement cannot be more.", field="amount"
        )
    return _decide(
        request_id=request_id, user=user, to_status=Status.APPROVED, amount=amount, reason=reason.strip()
    )


def reimbursement_deny(*, request_id: int, user, reason: str) -> ReimbursementRequest:
    """Deny, with the reason written to the owner."""
    if not reason.strip():
        raise DomainError("Write the reason for the denial; the owner receives it.", field="reason")
    return _decide(request_id=request_id, user=user, to_status=Status.DENIED, reason=reason.strip())


def reimbursement_request_info(*, request_id: int, user, reason: str) -> ReimbursementRequest:
    """Ask the owner for more, saying what is missing."""
    if not reason.strip():
        raise DomainError("Write what the owner should send.", field="reason")
    return _decide(request_id=request_id, user=user, to_status=Status.MORE_INFO, reason=reason.strip())
