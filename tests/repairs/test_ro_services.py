"""Repair-order services: check-in, walk-in, start, cancel, completion and its effects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from campaign.selectors import vin_lookup
from dealers.models import InventoryEvent, InventoryUnit
from dealers.selectors import dealer_vehicle_counts
from repairs.models import Appointment, OutcomeChange, RepairOrder
from repairs.repair_orders import (
    repair_order_cancel,
    repair_order_check_in,
    repair_order_complete,
    repair_order_start,
    repair_order_walk_in,
)
from tests.repairs.factories_ro import affected_vin, ale_ready, appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(ale):
    return ale_ready(ale)


def check_in(appt, user, ro_number="RO1", mileage_in=61_000):
    return repair_order_check_in(
        appointment_id=appt.pk, ro_number=ro_number, mileage_in=mileage_in, user=user
    )


def complete(ro, user, **overrides):
    kwargs = dict(
        repair_order_id=ro.pk,
        completed_on=None,
        mileage_out=61_012,
        technician="T. Tech",
        labor_hours=Decimal("6.2"),
        user=user,
    )
    kwargs.update(overrides)
    return repair_order_complete(**kwargs)


def transitions(ro):
    return list(ro.events.order_by("pk").values_list("from_status", "to_status", "by__username"))


def test_check_in_opens_the_ro_with_the_labor_operation_and_checks_the_appointment_in(
    ready, dealer_a, service_manager_a
):
    appt = appointment(ready, dealer_a)
    ro = check_in(appt, service_manager_a, ro_number=" ro 1 ")
    assert (ro.ro_number, ro.labor_operation, ro.flat_rate_hours, ro.mileage_in) == (
        "RO1",
        "ALE010",
        Decimal("6.0"),
        61_000,
    )
    assert (ro.dealer, ro.appointment, ro.status) == (dealer_a, appt, "open")
    assert transitions(ro) == [("", "open", "svc_a")]
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CHECKED_IN
    event = appt.events.get()
    assert (event.from_status, event.to_status, event.by) == ("scheduled", "checked_in", service_manager_a)


def test_a_second_check_in_is_a_conflict_and_opens_nothing(ready, dealer_a, service_manager_a):
    appt = appointment(ready, dealer_a)
    check_in(appt, service_manager_a)
    with pytest.raises(DomainError) as exc:
        check_in(appt, service_manager_a, ro_number="RO2")
    assert exc.value.code == "conflict"
    assert RepairOrder.objects.count() == 1


def test_another_dealers_appointment_is_not_found(ready, dealer_b, service_manager_a):
    appt = appointment(ready, dealer_b)
    with pytest.raises(DomainError) as exc:
        check_in(appt, service_manager_a)
    assert exc.value.code == "not_found"


def test_the_principal_sees_the_appointment_but_does_not_check_in(ready, dealer_a, principal_a):
    with pytest.raises(DomainError) as exc:
        check_in(appointment(ready, dealer_a), principal_a)
    assert exc.value.code == "forbidden"


def test_an_ro_number_is_used_once_per_dealer(
    ready, dealer_a, dealer_b, service_manager_a, service_manager_b
):
    check_in(appointment(ready, dealer_a), service_manager_a, ro_number="RO7")
    with pytest.raises(DomainError) as exc:
        check_in(appointment(ready, dealer_a), service_manager_a, ro_number="RO7")
    assert (exc.value.code, exc.value.field) == ("conflict", "ro_number")
    # Another dealer's numbering is its own.
    assert check_in(appointment(ready, dealer_b), service_manager_b, ro_number="RO7").dealer == dealer_b


def test_no_ro_before_parts_are_available(ale, dealer_a, service_manager_a):
    ale_ready(ale)
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.PRELIMINARY)
    with pytest.raises(DomainError) as exc:
        check_in(appointment(ale, dealer_a), service_manager_a)
    assert exc.value.code == "conflict" and "not available" in exc.value.message


def test_walk_in_opens_an_ro_for_an_affected_vin(ready, dealer_a, service_manager_a):
    vin = affected_vin(ready, dealer_a)
    ro = repair_order_walk_in(
        dealer_id=dealer_a.pk,
        vin=vin.lower(),
        campaign_id=ready.pk,
        ro_number="W1",
        mileage_in=5,
        user=service_manager_a,
    )
    assert (ro.vehicle_id, ro.appointment, ro.status) == (vin, None, "open")


def test_walk_in_refuses_a_vin_off_the_list_and_a_remedied_one(ready, dealer_a, service_manager_a):
    from tests.factories import VehicleFactory, ale_vin

    off_list = VehicleFactory(vin=ale_vin(39999)).vin
    with pytest.raises(DomainError) as exc:
        repair_order_walk_in(
            dealer_id=dealer_a.pk,
            vin=off_list,
            campaign_id=ready.pk,
            ro_number="W1",
            mileage_in=5,
            user=service_manager_a,
        )
    assert exc.value.field == "vin"
    remedied = affected_vin(ready, dealer_a, status="remedied")
    with pytest.raises(DomainError) as exc:
        repair_order_walk_in(
            dealer_id=dealer_a.pk,
            vin=remedied,
            campaign_id=ready.pk,
            ro_number="W2",
            mileage_in=5,
            user=service_manager_a,
        )
    assert exc.value.code == "conflict"
    assert not RepairOrder.objects.exists()


def test_a_second_open_ro_for_the_vin_is_a_conflict(ready, dealer_a, service_manager_a):
    vin = affected_vin(ready, dealer_a)
    kwargs = dict(dealer_id=dealer_a.pk, vin=vin, campaign_id=ready.pk, mileage_in=5, user=service_manager_a)
    repair_order_walk_in(ro_number="W1", **kwargs)
    with pytest.raises(DomainError) as exc:
        repair_order_walk_in(ro_number="W2", **kwargs)
    assert exc.value.code == "conflict" and "W1" in exc.value.message


def test_start_and_cancel_are_recorded_with_the_reason(ready, dealer_a, service_manager_a):
    ro = check_in(appointment(ready, dealer_a), service_manager_a)
    repair_order_start(repair_order_id=ro.pk, user=service_manager_a)
    with pytest.raises(DomainError):
        repair_order_cancel(repair_order_id=ro.pk, reason="  ", user=service_manager_a)
    repair_order_cancel(repair_order_id=ro.pk, reason="Owner left", user=service_manager_a)
    assert transitions(ro) == [
        ("", "open", "svc_a"),
        ("open", "in_progress", "svc_a"),
        ("in_progress", "cancelled", "svc_a"),
    ]
    assert ro.events.latest("pk").reason == "Owner left"
    with pytest.raises(DomainError) as exc:
        repair_order_start(repair_order_id=ro.pk, user=service_manager_a)
    assert exc.value.code == "conflict"


def test_completion_records_the_remedy_everywhere(ready, dealer_a, service_manager_a):
    vin = affected_vin(ready, dealer_a)
    assert [s.campaign.code for s in vin_lookup(vin=vin).open_recalls] == ["ALE"]
    unit = InventoryUnit.objects.create(
        dealer=dealer_a,
        vin=vin,
        stock_number="P1",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_since=timezone.now(),
        stop_sale_campaigns="ALE",
    )
    before_counts = dealer_vehicle_counts(dealer_ids=frozenset({dealer_a.pk}))[0]
    updated_before = Campaign.objects.get(pk=ready.pk).data_updated_at
    ro = check_in(appointment(ready, dealer_a, vin), service_manager_a)

    done = complete(ro, service_manager_a)

    assert (done.status, done.mileage_out, done.technician, done.labor_hours) == (
        "completed",
        61_012,
        "T. Tech",
        Decimal("6.2"),
    )
    assert done.completed_on == timezone.localdate()
    assert list(done.parts.values_list("part_number", "quantity", "lot")) == [
        ("13711-31110", 1, "")
    ]  # the kit
    assert transitions(done)[-1] == ("open", "completed", "svc_a")
    entry = AffectedVehicle.objects.get(vehicle_id=vin, campaign=ready)
    assert entry.status == "remedied" and entry.status_changed_at is not None
    change = OutcomeChange.objects.get(entry=entry)
    assert (change.kind, change.from_status, change.to_status, change.repair_order, change.by) == (
        "remedied",
        "open",
        "remedied",
        done,
        service_manager_a,
    )
    # The public look-up stops listing the recall at once, with a later "last updated".
    lookup = vin_lookup(vin=vin)
    assert lookup.open_recalls == [] and lookup.last_updated > updated_before
    # The held unit is released, and the release is recorded.
    unit.refresh_from_db()
    assert not unit.stop_sale and unit.stop_sale_campaigns == ""
    cleared = unit.events.get(kind=InventoryEvent.Kind.CLEARED)
    assert cleared.by == service_manager_a and "ALE" in cleared.note
    # The dealer's counts move.
    after = dealer_vehicle_counts(dealer_ids=frozenset({dealer_a.pk}))[0]
    assert (after.open, after.remedied) == (before_counts.open - 1, before_counts.remedied + 1)


def test_completion_takes_the_parts_used(ready, dealer_a, service_manager_a):
    ro = check_in(appointment(ready, dealer_a), service_manager_a)
    done = complete(ro, service_manager_a, parts=[("13711-31110", 2, "L2407"), (" ", 1, "")])
    assert list(done.parts.values_list("part_number", "quantity", "lot")) == [("13711-31110", 2, "L2407")]


def test_mileage_out_below_mileage_in_is_refused_and_nothing_moves(ready, dealer_a, service_manager_a):
    ro = check_in(appointment(ready, dealer_a), service_manager_a, mileage_in=61_000)
    with pytest.raises(DomainError) as exc:
        complete(ro, service_manager_a, mileage_out=60_999)
    assert (exc.value.code, exc.value.field) == ("invalid", "mileage_out")
    ro.refresh_from_db()
    assert ro.status == "open" and not OutcomeChange.objects.exists()


def test_a_second_completion_is_a_conflict(ready, dealer_a, service_manager_a):
    ro = check_in(appointment(ready, dealer_a), service_manager_a)
    complete(ro, service_manager_a)
    with pytest.raises(DomainError) as exc:
        complete(ro, service_manager_a)
    assert exc.value.code == "conflict"
    assert OutcomeChange.objects.count() == 1 and ro.parts.count() == 1


def test_a_cancelled_ro_is_not_completed(ready, dealer_a, service_manager_a):
    ro = check_in(appointment(ready, dealer_a), service_manager_a)
    repair_order_cancel(repair_order_id=ro.pk, reason="Opened in error", user=service_manager_a)
    with pytest.raises(DomainError) as exc:
        complete(ro, service_manager_a)
    assert exc.value.code == "conflict"
