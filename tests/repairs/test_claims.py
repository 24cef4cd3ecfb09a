"""Claim services: amounts, every check's code, auto-approval vs review, decisions, resubmission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaign.errors import DomainError
from repairs.claims import (
    PartLine,
    claim_approve,
    claim_reject,
    claim_resubmit,
    claim_return,
    claim_submit,
    labor_amount,
    parts_amount,
)
from repairs.models import ClaimEvent, RepairOrderPart, WarrantyClaim
from tests.repairs.factories_claims import claims_setup, completed_ro

pytestmark = pytest.mark.django_db
Status = WarrantyClaim.Status


@pytest.fixture
def setup(ale, dealer_a, dealer_b):
    claims_setup(ale, dealer_a, dealer_b)
    return ale


def _refused(exc: pytest.ExceptionInfo) -> tuple[str, str]:
    return exc.value.code, exc.value.extra.get("rejection_code")


def test_amounts_flat_rate_times_rate_and_kit_plus_allowance(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)  # actual labor 6.2 h: the flat rate (6.0) is paid
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a, sublet_amount=Decimal("35.50"))
    assert claim.status == Status.APPROVED
    assert claim.labor_hours == Decimal("6.0")
    assert claim.labor_amount == Decimal("720.00")
    assert claim.parts_amount == Decimal("264.00")  # 240.00 × 1 × 1.10
    assert claim.sublet_amount == Decimal("35.50")
    assert claim.total == Decimal("1019.50")
    assert claim.condition == "Valve springs may crack."
    # The vehicle's model as claimed (the dashboard's model filter reads it from the claim).
    assert (claim.model_label, claim.model_year) == (ro.vehicle.model_label, ro.vehicle.model_year)
    assert claim.model_label and claim.model_year
    assert [(p.part_number, p.quantity, p.unit_price) for p in claim.parts.all()] == [
        ("13711-31110", 1, Decimal("240.00"))
    ]
    event = claim.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", Status.APPROVED, service_manager_a)


def test_rounding_is_half_up_to_cents():
    assert labor_amount(hours=Decimal("6.5"), rate=Decimal("118.33")) == Decimal("769.15")  # 769.145
    # 3 × 10.05 = 30.15 × 1.075 = 32.41125 -> 32.41; 10.01 × 1.05 = 10.5105 -> 10.51
    assert parts_amount(lines=[(Decimal("10.05"), 3)], allowance_percent=Decimal("7.5")) == Decimal("32.41")
    assert parts_amount(lines=[(Decimal("0.10"), 1)], allowance_percent=Decimal("5")) == Decimal(
        "0.11"
    )  # .105


def test_not_affected_is_refused_with_its_code(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a, affected=False)
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert _refused(exc) == ("invalid", "not_affected")
    assert not WarrantyClaim.objects.exists()


def test_ro_not_completed_is_refused(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a, completed=False)
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert _refused(exc) == ("invalid", "ro_not_at_dealer")


def test_another_dealers_ro_is_not_found(setup, dealer_b, service_manager_a):
    ro = completed_ro(setup, dealer_b)
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert exc.value.code == "not_found"


def test_outside_the_window_is_refused(setup, dealer_a, service_manager_a):
    today = timezone.localdate()
    late = completed_ro(setup, dealer_a, completed_on=today - dt.timedelta(days=31))
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=late.pk, user=service_manager_a)
    assert _refused(exc) == ("invalid", "outside_window")
    last_day = completed_ro(setup, dealer_a, completed_on=today - dt.timedelta(days=30))
    assert claim_submit(repair_order_id=last_day.pk, user=service_manager_a).status == Status.APPROVED


def test_duplicate_is_a_conflict_unless_the_first_was_rejected(
    setup, dealer_a, service_manager_a, warranty_admin
):
    ro = completed_ro(setup, dealer_a)
    first = claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert _refused(exc) == ("conflict", "duplicate")
    claim_reject(claim_id=first.pk, user=warranty_admin, code="documentation", note="Texts wrong.")
    second = claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert second.status == Status.APPROVED
    # The rejected one cannot come back while the second is live.
    with pytest.raises(DomainError) as exc:
        claim_resubmit(claim_id=first.pk, user=service_manager_a)
    assert _refused(exc) == ("conflict", "duplicate")
    first.refresh_from_db()
    assert first.status == Status.REJECTED


def test_labor_operation_of_another_model_holds_for_review(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a, labor_operation="ALE099")
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert (claim.status, claim.rejection_code) == (Status.REVIEW, "labor_operation")
    assert "ALE099" in claim.note and claim.decided_at is None


def test_labor_hours_above_the_flat_rate_hold_for_review(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a, labor_hours=Decimal("7.0"))
    assert (claim.status, claim.rejection_code, claim.labor_amount) == (
        Status.REVIEW,
        "labor_operation",
        Decimal("840.00"),
    )


def test_parts_recorded_on_the_ro_that_differ_from_the_kit_hold_for_review(
    setup, dealer_a, service_manager_a
):
    ro = completed_ro(setup, dealer_a)
    RepairOrderPart.objects.create(repair_order=ro, part_number="13711-31110", quantity=2)
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a)
    assert (claim.status, claim.rejection_code) == (Status.REVIEW, "parts_mismatch")
    assert claim.parts_amount == Decimal("528.00")


def test_parts_as_the_kit_are_clean(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)
    RepairOrderPart.objects.create(repair_order=ro, part_number="13711-31110", quantity=1, lot="L1")
    assert claim_submit(repair_order_id=ro.pk, user=service_manager_a).status == Status.APPROVED


def test_a_part_outside_the_kit_needs_its_price(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)
    with pytest.raises(DomainError) as exc:
        claim_submit(repair_order_id=ro.pk, user=service_manager_a, parts=[PartLine("90999-1", 1)])
    assert exc.value.field == "parts"
    claim = claim_submit(
        repair_order_id=ro.pk, user=service_manager_a, parts=[PartLine("90999-1", 1, Decimal("10.00"))]
    )
    assert (claim.status, claim.parts_amount) == (Status.REVIEW, Decimal("11.00"))


def test_only_the_service_department_submits(setup, dealer_a, principal_a, warranty_admin):
    ro = completed_ro(setup, dealer_a)
    for user in (principal_a, warranty_admin):
        with pytest.raises(DomainError) as exc:
            claim_submit(repair_order_id=ro.pk, user=user)
        assert exc.value.code == "forbidden"


def test_review_decisions(setup, dealer_a, service_manager_a, warranty_admin):
    held = claim_submit(
        repair_order_id=completed_ro(setup, dealer_a, labor_operation="X").pk, user=service_manager_a
    )
    approved = claim_approve(claim_id=held.pk, user=warranty_admin)
    assert (approved.status, approved.rejection_code, approved.note) == (Status.APPROVED, "", "")
    # An approved claim can still be audited before payment.
    rejected = claim_reject(claim_id=held.pk, user=warranty_admin, code="other", note="Audit: no photo.")
    assert (rejected.status, rejected.rejection_code, rejected.note) == (
        Status.REJECTED,
        "other",
        "Audit: no photo.",
    )
    with pytest.raises(DomainError) as exc:
        claim_reject(claim_id=held.pk, user=warranty_admin, code="other", note="again")
    assert exc.value.code == "conflict"
    with pytest.raises(DomainError):
        claim_reject(claim_id=held.pk, user=warranty_admin, code="nonsense", note="x")
    events = list(ClaimEvent.objects.filter(claim=held).order_by("pk").values_list("to_status", "code", "by"))
    assert events == [
        (Status.REVIEW, "labor_operation", service_manager_a.pk),
        (Status.APPROVED, "", warranty_admin.pk),
        (Status.REJECTED, "other", warranty_admin.pk),
    ]


def test_a_dealer_cannot_decide(setup, dealer_a, service_manager_a, principal_a):
    claim = claim_submit(repair_order_id=completed_ro(setup, dealer_a).pk, user=service_manager_a)
    for user in (service_manager_a, principal_a):
        with pytest.raises(DomainError) as exc:
            claim_reject(claim_id=claim.pk, user=user, code="other", note="mine")
        assert exc.value.code == "forbidden"


def test_a_paid_claim_is_final(setup, dealer_a, service_manager_a, warranty_admin):
    from repairs.claim_payments import claims_pay

    claim = claim_submit(repair_order_id=completed_ro(setup, dealer_a).pk, user=service_manager_a)
    claims_pay(run_on=timezone.localdate())
    with pytest.raises(DomainError) as exc:
        claim_reject(claim_id=claim.pk, user=warranty_admin, code="other", note="late")
    assert exc.value.code == "conflict"


def test_return_then_resubmit_with_corrections(setup, dealer_a, service_manager_a, warranty_admin):
    ro = completed_ro(setup, dealer_a)
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a, labor_hours=Decimal("8.0"))
    assert claim.status == Status.REVIEW
    claim_return(claim_id=claim.pk, user=warranty_admin, note="Claim the flat rate.")
    with pytest.raises(DomainError):  # only the reviewer's state allows it
        claim_approve(claim_id=claim.pk, user=service_manager_a)
    again = claim_resubmit(
        claim_id=claim.pk,
        user=service_manager_a,
        labor_hours=Decimal("6.0"),
        correction="Replaced 24 springs.",
    )
    assert (again.status, again.labor_amount, again.correction) == (
        Status.APPROVED,
        Decimal("720.00"),
        "Replaced 24 springs.",
    )
    with pytest.raises(DomainError) as exc:
        claim_resubmit(claim_id=claim.pk, user=service_manager_a)
    assert exc.value.code == "conflict"


def test_resubmit_keeps_what_is_not_corrected(setup, dealer_a, service_manager_a, warranty_admin):
    ro = completed_ro(setup, dealer_a)
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a, labor_hours=Decimal("8.0"))
    claim_return(claim_id=claim.pk, user=warranty_admin, note="Photo of the springs, please.")
    again = claim_resubmit(claim_id=claim.pk, user=service_manager_a, cause="Contaminated springs (photo).")
    assert (again.status, again.labor_hours) == (Status.REVIEW, Decimal("8.0"))


def test_resubmit_window_counts_from_the_first_submission(setup, dealer_a, service_manager_a, warranty_admin):
    ro = completed_ro(setup, dealer_a, completed_on=timezone.localdate() - dt.timedelta(days=29))
    claim = claim_submit(repair_order_id=ro.pk, user=service_manager_a, labor_hours=Decimal("8.0"))
    claim_return(claim_id=claim.pk, user=warranty_admin, note="Flat rate.")
    ro.completed_on -= dt.timedelta(days=5)  # now outside the window counted from today…
    ro.save()
    WarrantyClaim.objects.filter(pk=claim.pk).update(submitted_at=timezone.now() - dt.timedelta(days=5))
    # …but it was filed in time.
    assert (
        claim_resubmit(claim_id=claim.pk, user=service_manager_a, labor_hours=Decimal("6.0")).status
        == Status.APPROVED
    )
