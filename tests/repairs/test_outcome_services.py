"""Outcome services: remedied elsewhere, not needed, unreachable, undo — each a recorded row,
each with its permission and scope, and the stop-sale re-check for the VIN."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaign.errors import DomainError
from campaign.models import AffectedVehicle
from campaign.selectors import vin_lookup
from dealers.models import InventoryEvent, InventoryUnit
from repairs.models import OutcomeChange
from repairs.outcomes import outcome_not_needed, outcome_remedied_elsewhere, outcome_undo, outcome_unreachable
from repairs.repair_orders import repair_order_check_in, repair_order_complete
from tests.repairs.factories_ro import affected_vin, ale_ready, appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(ale):
    return ale_ready(ale)


def entry_of(vin: str) -> AffectedVehicle:
    return AffectedVehicle.objects.get(vehicle_id=vin)


def held_unit(dealer, vin: str) -> InventoryUnit:
    return InventoryUnit.objects.create(
        dealer=dealer,
        vin=vin,
        stock_number=f"P{vin[-4:]}",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_campaigns="ALE",
    )


def test_remedied_elsewhere_records_the_other_dealers_ro_and_releases_the_unit(
    ready, dealer_a, dealer_b, service_manager_a
):
    vin = affected_vin(ready, dealer_a)
    unit = held_unit(dealer_a, vin)
    change = outcome_remedied_elsewhere(
        entry_id=entry_of(vin).pk,
        other_dealer_code=dealer_b.code,
        other_ro_number="NY-88",
        reason="Owner's invoice from Manhattan",
        user=service_manager_a,
    )
    assert (change.kind, change.from_status, change.to_status) == ("remedied_elsewhere", "open", "remedied")
    assert (change.other_dealer, change.other_ro_number, change.by) == (dealer_b, "NY-88", service_manager_a)
    assert entry_of(vin).status == "remedied" and entry_of(vin).status_changed_at is not None
    assert vin_lookup(vin=vin).open_recalls == []
    unit.refresh_from_db()
    assert not unit.stop_sale and unit.events.filter(kind=InventoryEvent.Kind.CLEARED).exists()


def test_remedied_elsewhere_needs_another_dealer_and_its_ro(ready, dealer_a, service_manager_a):
    entry = entry_of(affected_vin(ready, dealer_a))
    for code, ro, field in ((dealer_a.code, "X1", "other_dealer_code"), ("99999", "X1", "other_dealer_code")):
        with pytest.raises(DomainError) as exc:
            outcome_remedied_elsewhere(
                entry_id=entry.pk,
                other_dealer_code=code,
                other_ro_number=ro,
                reason="r",
                user=service_manager_a,
            )
        assert exc.value.field == field
    assert not OutcomeChange.objects.exists()


def test_not_needed_needs_a_reason_and_closes_the_recall(ready, dealer_a, service_manager_a):
    entry = entry_of(affected_vin(ready, dealer_a))
    with pytest.raises(DomainError) as exc:
        outcome_not_needed(entry_id=entry.pk, reason=" ", user=service_manager_a)
    assert exc.value.field == "reason"
    change = outcome_not_needed(entry_id=entry.pk, reason="Springs of the new design", user=service_manager_a)
    assert (change.kind, change.to_status, change.reason) == (
        "not_needed",
        "not_needed",
        "Springs of the new design",
    )


def test_outcomes_of_another_dealers_vin_are_not_found_and_other_roles_are_refused(
    ready, dealer_a, service_manager_b, principal_a
):
    entry = entry_of(affected_vin(ready, dealer_a))
    with pytest.raises(DomainError) as exc:
        outcome_not_needed(entry_id=entry.pk, reason="r", user=service_manager_b)
    assert exc.value.code == "not_found"
    with pytest.raises(DomainError) as exc:
        outcome_not_needed(entry_id=entry.pk, reason="r", user=principal_a)
    assert exc.value.code == "forbidden"
    assert entry_of(entry.vehicle_id).status == "open"


def test_unreachable_is_regional_keeps_the_recall_open_and_the_unit_held(
    ready, dealer_a, dealer_b, regional_west, service_manager_a
):
    vin = affected_vin(ready, dealer_a)
    unit = held_unit(dealer_a, vin)
    entry = entry_of(vin)
    with pytest.raises(DomainError) as exc:
        outcome_unreachable(
            entry_id=entry.pk, unreachable_reason="exported", reason="", user=service_manager_a
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        outcome_unreachable(entry_id=entry.pk, unreachable_reason="other", reason="", user=regional_west)
    assert exc.value.field == "reason"  # "other" says what
    change = outcome_unreachable(
        entry_id=entry.pk, unreachable_reason="exported", reason="", user=regional_west
    )
    assert (change.kind, change.to_status, change.unreachable_reason) == (
        "unreachable",
        "unreachable",
        "exported",
    )
    assert [s.campaign.code for s in vin_lookup(vin=vin).open_recalls] == ["ALE"]
    unit.refresh_from_db()
    assert unit.stop_sale
    # An East vehicle is outside West's region.
    east = entry_of(affected_vin(ready, dealer_b))
    with pytest.raises(DomainError) as exc:
        outcome_unreachable(entry_id=east.pk, unreachable_reason="stolen", reason="", user=regional_west)
    assert exc.value.code == "not_found"


def test_a_status_moved_under_the_clerk_is_a_conflict(ready, dealer_a, dealer_b, service_manager_a):
    entry = entry_of(affected_vin(ready, dealer_a))
    outcome_not_needed(entry_id=entry.pk, reason="Inspected", user=service_manager_a)
    with pytest.raises(DomainError) as exc:
        outcome_remedied_elsewhere(
            entry_id=entry.pk,
            other_dealer_code=dealer_b.code,
            other_ro_number="X",
            reason="r",
            user=service_manager_a,
        )
    assert exc.value.code == "conflict"
    assert OutcomeChange.objects.count() == 1


def test_the_conditional_update_refuses_a_stale_status(ready, dealer_a, service_manager_a):
    """Two clerks read "open"; the first moves it; the second's update matches no row."""
    from repairs.outcomes import STILL_TO_DO, outcome_move

    vin = affected_vin(ready, dealer_a)
    stale = AffectedVehicle.objects.select_related("campaign").get(vehicle_id=vin)
    outcome_not_needed(entry_id=stale.pk, reason="Inspected", user=service_manager_a)
    with pytest.raises(DomainError) as exc:
        outcome_move(
            entry=stale,
            from_statuses=STILL_TO_DO,
            to_status="remedied",
            kind="remedied_elsewhere",
            user=service_manager_a,
            reason="late",
        )
    assert exc.value.code == "conflict" and "Someone else" in exc.value.message
    assert entry_of(vin).status == "not_needed"


def test_undo_goes_back_to_open_and_puts_the_unit_back_on_stop_sale(ready, dealer_a, service_manager_a):
    vin = affected_vin(ready, dealer_a)
    unit = held_unit(dealer_a, vin)
    entry = entry_of(vin)
    outcome_not_needed(entry_id=entry.pk, reason="Inspected", user=service_manager_a)
    unit.refresh_from_db()
    assert not unit.stop_sale
    change = outcome_undo(entry_id=entry.pk, reason="Wrong VIN inspected", user=service_manager_a)
    assert (change.kind, change.from_status, change.to_status) == ("undone", "not_needed", "open")
    unit.refresh_from_db()
    assert (
        unit.stop_sale and unit.events.filter(kind=InventoryEvent.Kind.FLAGGED, by=service_manager_a).exists()
    )
    assert list(OutcomeChange.objects.filter(entry=entry).order_by("pk").values_list("kind", flat=True)) == [
        "not_needed",
        "undone",
    ]


def test_undo_of_an_unreachable_stays_with_regional_staff(ready, dealer_a, regional_west, service_manager_a):
    entry = entry_of(affected_vin(ready, dealer_a))
    outcome_unreachable(entry_id=entry.pk, unreachable_reason="scrapped", reason="", user=regional_west)
    with pytest.raises(DomainError) as exc:
        outcome_undo(entry_id=entry.pk, reason="Found", user=service_manager_a)
    assert exc.value.code == "forbidden"
    assert outcome_undo(entry_id=entry.pk, reason="Owner found", user=regional_west).to_status == "open"


def test_undo_is_refused_while_a_completed_ro_stands(ready, dealer_a, service_manager_a, regional_west):
    appt = appointment(ready, dealer_a)
    ro = repair_order_check_in(appointment_id=appt.pk, ro_number="R1", mileage_in=1, user=service_manager_a)
    repair_order_complete(
        repair_order_id=ro.pk,
        completed_on=None,
        mileage_out=2,
        technician="T",
        labor_hours=Decimal("6"),
        user=service_manager_a,
    )
    entry = entry_of(appt.vehicle_id)
    for user in (service_manager_a, regional_west):
        with pytest.raises(DomainError) as exc:
            outcome_undo(entry_id=entry.pk, reason="Mistake", user=user)
        assert exc.value.code == "conflict" and "R1" in exc.value.message
    assert entry_of(appt.vehicle_id).status == "remedied"


def test_no_outcome_while_an_ro_is_open(ready, dealer_a, service_manager_a):
    appt = appointment(ready, dealer_a)
    repair_order_check_in(appointment_id=appt.pk, ro_number="R1", mileage_in=1, user=service_manager_a)
    with pytest.raises(DomainError) as exc:
        outcome_not_needed(entry_id=entry_of(appt.vehicle_id).pk, reason="r", user=service_manager_a)
    assert exc.value.code == "conflict" and "R1" in exc.value.message
