"""The demo's remedy activity: consistent states, as the services would leave them, dated from today."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from campaign.models import AffectedVehicle
from demo.activity import activity_seed
from demo.fleet import demo_fleet_write_csv
from demo.network import network_seed
from repairs.models import (
    Appointment,
    AppointmentSlot,
    ClaimPayment,
    OutcomeChange,
    RepairOrder,
    ShopDay,
    WarrantyClaim,
)

FLEET = 3000


@pytest.fixture
def active(ale, tmp_path):
    path = tmp_path / "fleet.csv"
    demo_fleet_write_csv(campaign=ale, vehicles=FLEET, path=path)
    call_command("import_affected_vins", "ALE", str(path), stdout=io.StringIO())
    network_seed(stdout=io.StringIO(), seed=1)
    out = io.StringIO()
    assert activity_seed(campaign=ale, seed=1, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_about_a_quarter_is_remedied_each_on_a_completed_ro_with_its_outcome(ale, active):
    remedied = AffectedVehicle.objects.filter(campaign=ale, status="remedied")
    assert 0.18 * FLEET < remedied.count() < 0.32 * FLEET
    ros = RepairOrder.objects.filter(campaign=ale, status="completed")
    assert set(ros.values_list("vehicle_id", flat=True)) == set(remedied.values_list("vehicle_id", flat=True))
    outcomes = OutcomeChange.objects.filter(kind="remedied", from_status="open", to_status="remedied")
    assert set(outcomes.values_list("repair_order_id", flat=True)) == set(ros.values_list("pk", flat=True))
    today = timezone.localdate()
    assert all(0 < (today - d).days <= 56 for d in ros.values_list("completed_on", flat=True))
    # Uneven by dealer: some dealers well ahead of others.
    shares = defaultdict(lambda: [0, 0])
    for dealer_id, status in AffectedVehicle.objects.filter(campaign=ale).values_list(
        "vehicle__servicing__dealer_id", "status"
    ):
        shares[dealer_id][1] += 1
        shares[dealer_id][0] += status == "remedied"
    rates = [done / n for done, n in shares.values() if n >= 20]
    assert max(rates) - min(rates) > 0.2
    assert "remedied" in active


@pytest.mark.django_db
def test_claims_in_every_status_paid_ones_in_runs_that_add_up(ale, active):
    claims = WarrantyClaim.objects.filter(campaign=ale)
    assert set(claims.values_list("status", flat=True)) == set(WarrantyClaim.Status.values)
    for payment in ClaimPayment.objects.all():
        assert payment.total == payment.claims.aggregate(t=Sum("total"))["t"]
    claim = claims.select_related("dealer", "repair_order").first()
    assert claim.labor_amount == (claim.labor_hours * claim.dealer.warranty_labor_rate).quantize(
        Decimal("0.01")
    )
    assert claim.repair_order.status == "completed"


@pytest.mark.django_db
def test_bookings_hold_their_hours_day_by_day_within_each_days_capacity(ale, active):
    assert Appointment.objects.filter(status="scheduled").count() > 0
    slot_hours = dict(AppointmentSlot.objects.values("day").annotate(h=Sum("hours")).values_list("day", "h"))
    for day in ShopDay.objects.all():
        assert day.booked_hours == slot_hours.get(day.pk, 0) <= day.capacity_hours
    for appointment in Appointment.objects.all()[:300]:
        assert appointment.slots.aggregate(h=Sum("hours"))["h"] == appointment.hours
    booked = set(Appointment.objects.values_list("vehicle_id", flat=True))
    assert not AffectedVehicle.objects.filter(vehicle_id__in=booked).exclude(status="open").exists()
    # An LS 600h L (22 h) carries over: some appointment holds hours on more than one day.
    assert AppointmentSlot.objects.values("appointment").annotate(n=Sum(1)).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_a_second_run_writes_nothing(ale, active):
    before = (RepairOrder.objects.count(), WarrantyClaim.objects.count(), Appointment.objects.count())
    out = io.StringIO()
    assert not activity_seed(campaign=ale, seed=1, stdout=out)
    assert (RepairOrder.objects.count(), WarrantyClaim.objects.count(), Appointment.objects.count()) == before


@pytest.mark.django_db
def test_rows_added_after_the_seed_get_fresh_pks(ale, active):
    """The seed picked the pks itself; the database's own sequences must have moved past them."""
    day = ShopDay.objects.order_by("pk").last()
    later = ShopDay.objects.create(
        dealer=day.dealer, date=day.date + dt.timedelta(days=30), capacity_hours=day.capacity_hours
    )
    assert later.pk > day.pk
    payment = ClaimPayment.objects.order_by("pk").last()
    assert (
        ClaimPayment.objects.create(
            dealer=payment.dealer, run_on=payment.run_on.replace(year=2030), total=0
        ).pk
        > payment.pk
    )


@pytest.mark.django_db
def test_reimbursement_requests_in_every_state_with_receipts_decided_by_the_warranty_administrator(
    ale, active
):
    from django.core.files.storage import default_storage

    from demo.campaign_progress import reimbursement_window_seed
    from demo.reimbursements import REQUESTS, reimbursements_seed
    from repairs.models import ReimbursementRequest
    from repairs.reimbursement_receipts import receipt_kind

    out = io.StringIO()
    assert reimbursement_window_seed(campaign=ale, stdout=out)
    ale.refresh_from_db()
    today = timezone.localdate()
    # ALE's illustrative window (2005-2011) moved onto the demo's calendar, checked by the reader.
    assert ale.reimbursement_from < today - dt.timedelta(days=900) and ale.reimbursement_until > today
    assert "reimbursement window moved" in out.getvalue()
    assert reimbursements_seed(campaign=ale, seed=1, stdout=out) == REQUESTS

    requests = ReimbursementRequest.objects.filter(campaign=ale)
    assert set(requests.values_list("status", flat=True)) == set(ReimbursementRequest.Status.values)
    for request in requests:
        assert ale.reimbursement_from <= request.repair_date <= today - dt.timedelta(days=75)
        assert request.submitted_at <= timezone.now() and (today - request.submitted_at.date()).days <= 45
        with default_storage.open(request.receipt.name) as receipt:
            kind = receipt_kind(receipt.read(16))
        assert kind is not None and kind.content_type == request.receipt_content_type
        events = list(
            request.events.order_by("at", "pk").values_list("from_status", "to_status", "by__username")
        )
        assert events[0] == ("", "submitted", None) and events[-1][1] == request.status
        assert all(by == "warranty" for *_, by in events[1:])
        assert [at for at in request.events.order_by("pk").values_list("at", flat=True)] == sorted(
            request.events.values_list("at", flat=True)
        )
        if request.status == "approved":
            assert 0 < request.approved_amount <= request.amount_paid and request.decided_at
        elif request.status in ("denied", "more_info"):
            assert request.decision_reason and request.decided_at
        else:
            assert request.decided_at is None
    # Asked for more, then approved: both decisions in the history.
    assert requests.filter(status="approved", events__to_status="more_info").exists()
    # A second run files nothing, and the window stays where it is.
    assert reimbursements_seed(campaign=ale, seed=1, stdout=out) == 0
    assert not reimbursement_window_seed(campaign=ale, stdout=out)
    assert requests.count() == REQUESTS
