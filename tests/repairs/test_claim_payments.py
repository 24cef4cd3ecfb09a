"""The weekly payment run: one credit per dealer, idempotent per date, all-or-nothing per dealer."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

from repairs import claim_payments
from repairs.claim_payments import claims_pay
from repairs.models import ClaimEvent, ClaimPayment, WarrantyClaim
from repairs.tasks import claims_pay_task
from tests.repairs.factories import WarrantyClaimFactory
from tests.repairs.factories_claims import completed_ro

Status = WarrantyClaim.Status
RUN = dt.date(2026, 3, 2)


def _claim(ale, dealer, status=Status.APPROVED, total="984.00"):
    return WarrantyClaimFactory(
        repair_order=completed_ro(ale, dealer),
        status=status,
        labor_amount=Decimal(total) - Decimal("264.00"),
        total=Decimal(total),
    )


@pytest.mark.django_db
def test_one_credit_per_dealer_listing_its_approved_claims(ale, dealer_a, dealer_b):
    a1, a2 = _claim(ale, dealer_a), _claim(ale, dealer_a, total="1000.00")
    b1 = _claim(ale, dealer_b)
    held = _claim(ale, dealer_a, status=Status.REVIEW)
    payments = claims_pay(run_on=RUN)
    assert sorted((p.dealer_id, p.total) for p in payments) == sorted(
        [(dealer_a.pk, Decimal("1984.00")), (dealer_b.pk, Decimal("984.00"))]
    )
    credit_a = ClaimPayment.objects.get(dealer=dealer_a)
    assert set(credit_a.claims.values_list("pk", flat=True)) == {a1.pk, a2.pk}
    assert set(WarrantyClaim.objects.filter(status=Status.PAID).values_list("pk", flat=True)) == {
        a1.pk,
        a2.pk,
        b1.pk,
    }
    held.refresh_from_db()
    assert held.status == Status.REVIEW and held.payment is None
    assert ClaimEvent.objects.filter(to_status=Status.PAID).count() == 3


@pytest.mark.django_db
def test_a_second_run_the_same_day_pays_nothing_twice(ale, dealer_a):
    _claim(ale, dealer_a)
    assert len(claims_pay(run_on=RUN)) == 1
    late = _claim(ale, dealer_a)  # approved after the dealer's credit was issued
    assert claims_pay(run_on=RUN) == []
    late.refresh_from_db()
    assert late.status == Status.APPROVED  # waits for next week's run
    assert ClaimPayment.objects.count() == 1
    assert [p.total for p in claims_pay(run_on=RUN + dt.timedelta(days=7))] == [Decimal("984.00")]


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_midway_leaves_no_dealer_half_paid(ale, dealer_a, dealer_b):
    a, b = _claim(ale, dealer_a), _claim(ale, dealer_b)
    real = claim_payments._dealer_pay
    calls = []

    def dying(*, dealer_id, run_on):
        calls.append(dealer_id)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker is killed paying the second dealer
        return real(dealer_id=dealer_id, run_on=run_on)

    with mock.patch.object(claim_payments, "_dealer_pay", dying), pytest.raises(KeyboardInterrupt):
        claims_pay(run_on=RUN)
    first, second = (a, b) if calls[0] == dealer_a.pk else (b, a)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.PAID and second.status == Status.APPROVED and second.payment is None
    assert [p.dealer_id for p in claims_pay(run_on=RUN)] == [second.dealer_id]  # the rerun finishes it
    assert ClaimPayment.objects.count() == 2


@pytest.mark.django_db
def test_pay_claims_command_prints_the_credits(ale, dealer_a):
    _claim(ale, dealer_a)
    out = StringIO()
    call_command("pay_claims", "--date", "2026-03-02", stdout=out)
    assert f"dealer {dealer_a.code} {dealer_a.name}: 1 claims, 984.00" in out.getvalue()
    assert "1 credit for 2026-03-02." in out.getvalue()
    assert ClaimPayment.objects.get().run_on == RUN


def test_the_beat_runs_weekly_on_monday_at_six():
    entry = settings.CELERY_BEAT_SCHEDULE["claims-pay-weekly"]
    assert entry["task"] == claims_pay_task.name
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({6}, {0}, {1})
    assert entry["options"]["expires"] > 0


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_task_pays_on_a_real_worker(celery_worker, ale, dealer_a):
    claim = _claim(ale, dealer_a)
    claims_pay_task.delay("2026-03-02")
    claims_pay_task.delay("2026-03-02")  # a duplicate delivery of the same run
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not ClaimPayment.objects.exists():
        time.sleep(0.2)
    time.sleep(1)  # the second message is consumed after the first (concurrency 1)
    claim.refresh_from_db()
    assert claim.status == Status.PAID and claim.payment.run_on == RUN
    assert ClaimPayment.objects.count() == 1
