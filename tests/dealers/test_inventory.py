"""Pre-owned inventory services: add by VIN, stop-sale at once, delivery refused and recorded."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from campaign.errors import DomainError
from dealers.inventory import inventory_add, inventory_deliver
from dealers.models import InventoryEvent, InventoryUnit
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

RECEIVED = dt.date(2010, 7, 1)


def affected(ale, serial: int, status: str = "open") -> str:
    vehicle = VehicleFactory(vin=ale_vin(serial))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle, status=status)
    return vehicle.vin


def kinds(unit: InventoryUnit) -> list[str]:
    return list(unit.events.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def clean_vin():
    """A valid VIN no campaign covers (a 2009 RX 350: another VDS, another year)."""
    from campaign import vin as vinlib

    return vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial="C100001")


@pytest.mark.django_db
def test_adding_a_clean_unit_records_it_without_a_hold(dealer_a, preowned_manager_a, clean_vin, ale):
    unit = inventory_add(
        dealer_id=dealer_a.pk,
        vin=clean_vin.lower(),
        stock_number=" P100 ",
        received_on=RECEIVED,
        user=preowned_manager_a,
    )
    assert (unit.vin, unit.stock_number, unit.stop_sale) == (clean_vin, "P100", False)
    assert kinds(unit) == ["added"]


@pytest.mark.django_db
def test_an_affected_unit_is_on_stop_sale_the_moment_it_is_added(dealer_a, preowned_manager_a, ale):
    vin = affected(ale, 20001)
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=vin, stock_number="P101", received_on=RECEIVED, user=preowned_manager_a
    )
    assert unit.stop_sale and unit.stop_sale_since is not None
    assert unit.stop_sale_campaigns == "ALE"
    assert kinds(unit) == ["added", "flagged"]
    assert "Stop sale — do not deliver until remedied" in unit.events.get(kind="flagged").note


@pytest.mark.django_db
def test_a_remedied_vin_is_not_held(dealer_a, preowned_manager_a, ale):
    vin = affected(ale, 20002, status="remedied")
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=vin, stock_number="P102", received_on=RECEIVED, user=preowned_manager_a
    )
    assert not unit.stop_sale


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("vin", "stock", "received", "field", "words"),
    [
        ("JTHBE96S07000793", "P1", RECEIVED, "vin", "17 characters"),
        ("JTHBE96SX70007930", "P1", RECEIVED, "vin", "check digit"),
        (ale_vin(20003), "  ", RECEIVED, "stock_number", "stock number"),
        (ale_vin(20003), "P1", None, "received_on", "date"),
        (ale_vin(20003), "P1", dt.date.today() + dt.timedelta(days=3), "received_on", "future"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(
    dealer_a, preowned_manager_a, ale, vin, stock, received, field, words
):
    with pytest.raises(DomainError) as refused:
        inventory_add(
            dealer_id=dealer_a.pk, vin=vin, stock_number=stock, received_on=received, user=preowned_manager_a
        )
    assert refused.value.field == field
    assert words in refused.value.message
    assert not InventoryUnit.objects.exists()


@pytest.mark.django_db
def test_the_same_vin_or_stock_number_cannot_be_in_stock_twice(
    dealer_a, dealer_b, preowned_manager_a, clean_vin, ale
):
    inventory_add(
        dealer_id=dealer_a.pk, vin=clean_vin, stock_number="P1", received_on=RECEIVED, user=preowned_manager_a
    )
    with pytest.raises(DomainError, match="already in stock here as stock number P1"):
        inventory_add(
            dealer_id=dealer_a.pk,
            vin=clean_vin,
            stock_number="P2",
            received_on=RECEIVED,
            user=preowned_manager_a,
        )
    with pytest.raises(DomainError, match="Stock number P1 is already used"):
        inventory_add(
            dealer_id=dealer_a.pk,
            vin=ale_vin(20004),
            stock_number="P1",
            received_on=RECEIVED,
            user=preowned_manager_a,
        )
    # Another dealer may hold the same VIN (it was traded) and use the same stock number.
    inventory_add(dealer_id=dealer_b.pk, vin=clean_vin, stock_number="P1", received_on=RECEIVED, user=None)
    assert InventoryUnit.objects.count() == 2


@pytest.mark.django_db
def test_delivering_a_clean_unit_works_and_is_recorded(dealer_a, preowned_manager_a, clean_vin, ale):
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=clean_vin, stock_number="P1", received_on=RECEIVED, user=preowned_manager_a
    )
    delivered = inventory_deliver(unit_id=unit.pk, user=preowned_manager_a, note="Deal 5521")
    assert delivered.status == InventoryUnit.Status.DELIVERED
    event = unit.events.get(kind="delivered")
    assert (event.by, event.note) == (preowned_manager_a, "Deal 5521")
    # Double submission: the second click is refused, nothing is delivered twice.
    with pytest.raises(DomainError, match="no longer in stock"):
        inventory_deliver(unit_id=unit.pk, user=preowned_manager_a)
    assert unit.events.filter(kind="delivered").count() == 1


@pytest.mark.django_db
def test_delivering_a_held_unit_is_refused_with_the_reason_and_the_refusal_is_recorded(
    dealer_a, preowned_manager_a, ale
):
    unit = inventory_add(
        dealer_id=dealer_a.pk,
        vin=affected(ale, 20005),
        stock_number="P1",
        received_on=RECEIVED,
        user=preowned_manager_a,
    )
    with pytest.raises(DomainError) as refused:
        inventory_deliver(unit_id=unit.pk, user=preowned_manager_a)
    message = refused.value.message
    assert "Stop sale — do not deliver until remedied" in message
    assert "ALE (Safety Recall ALE – Valve Spring)" in message
    # ALE is in its preliminary phase: no parts yet, so the reason says to keep holding.
    assert "not available yet" in message
    unit.refresh_from_db()
    assert unit.status == InventoryUnit.Status.IN_STOCK
    refusal = unit.events.get(kind="delivery_refused")
    assert refusal.by == preowned_manager_a and refusal.note == message


@pytest.mark.django_db
def test_a_unit_whose_list_arrived_before_the_recheck_ran_is_still_refused(
    dealer_a, preowned_manager_a, clean_vin, ale
):
    """Delivery reads the open campaigns live, under the row lock: a queued re-check cannot let it out."""
    vin = ale_vin(20006)
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=vin, stock_number="P1", received_on=RECEIVED, user=preowned_manager_a
    )
    assert not unit.stop_sale
    affected_vehicle = AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=vin))
    with pytest.raises(DomainError, match="Stop sale"):
        inventory_deliver(unit_id=unit.pk, user=preowned_manager_a)
    unit.refresh_from_db()
    assert unit.stop_sale and unit.stop_sale_campaigns == "ALE"
    assert kinds(unit) == ["added", "flagged", "delivery_refused"]
    # Remedied afterwards: the hold is lifted as it goes out.
    affected_vehicle.status = "remedied"
    affected_vehicle.save()
    assert inventory_deliver(unit_id=unit.pk, user=preowned_manager_a).status == "delivered"
    assert kinds(unit)[-2:] == ["cleared", "delivered"]


@pytest.mark.django_db
def test_the_database_refuses_a_delivered_unit_under_stop_sale(dealer_a, ale):
    unit = InventoryUnit.objects.create(
        dealer=dealer_a, vin=ale_vin(20007), stock_number="P1", received_on=RECEIVED, stop_sale=True
    )
    unit.status = InventoryUnit.Status.DELIVERED
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


# SQLite's in-memory test database cannot serve two connections writing at once; CI runs
# these on PostgreSQL, where they exercise the row lock.
needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)


def _in_thread(target, *args):
    errors: list[BaseException] = []

    def run():
        try:
            target(*args)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_clerks_delivering_at_once_deliver_once(dealer_a, preowned_manager_a, clean_vin, ale):
    """Two threads, two connections, one unit: exactly one delivery, the other refused."""
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=clean_vin, stock_number="P1", received_on=RECEIVED, user=preowned_manager_a
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk():
        barrier.wait()
        try:
            inventory_deliver(unit_id=unit.pk, user=preowned_manager_a)
            outcomes.append("delivered")
        except DomainError:
            outcomes.append("refused")

    runs = [_in_thread(clerk) for _ in range(2)]
    for thread, errors in runs:
        thread.join(30)
        assert not errors
    assert sorted(outcomes) == ["delivered", "refused"]
    assert InventoryEvent.objects.filter(unit=unit, kind="delivered").count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_delivery_racing_a_new_flag_waits_for_it_and_is_refused(dealer_a, preowned_manager_a, ale):
    """The list import (and its flag) commits while the clerk's delivery waits on the row lock."""
    vin = ale_vin(20008)
    unit = inventory_add(
        dealer_id=dealer_a.pk, vin=vin, stock_number="P1", received_on=RECEIVED, user=preowned_manager_a
    )
    locked, release = threading.Event(), threading.Event()

    def importer():
        with transaction.atomic():
            InventoryUnit.objects.select_for_update().get(pk=unit.pk)
            AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=vin))
            InventoryUnit.objects.filter(pk=unit.pk).update(stop_sale=True, stop_sale_campaigns="ALE")
            locked.set()
            release.wait(10)

    outcome: list[str] = []

    def clerk():
        locked.wait(10)
        try:
            inventory_deliver(unit_id=unit.pk, user=preowned_manager_a)
            outcome.append("delivered")
        except DomainError as exc:
            outcome.append(exc.message)

    importing, import_errors = _in_thread(importer)
    delivering, deliver_errors = _in_thread(clerk)
    locked.wait(10)
    delivering.join(1)
    assert delivering.is_alive(), "the delivery should be waiting on the importer's row lock"
    release.set()
    importing.join(30)
    delivering.join(30)
    assert not import_errors and not deliver_errors
    assert outcome and outcome[0].startswith("Stop sale")
    unit.refresh_from_db()
    assert unit.status == InventoryUnit.Status.IN_STOCK


@pytest.mark.django_db
def test_delivering_a_unit_that_is_gone_is_not_found(preowned_manager_a):
    with pytest.raises(DomainError) as refused:
        inventory_deliver(unit_id=987654, user=preowned_manager_a)
    assert refused.value.code == "not_found"
