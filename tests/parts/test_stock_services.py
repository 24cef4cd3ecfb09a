"""Receiving and adjusting: what the parts manager's writes do to the ledger and the line."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from campaign.errors import DomainError
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import InboundShipment, KitReservation, PartsArrivedNotice, StockBalance, StockMovement
from parts.reservations import waitlist_join
from parts.stock import stock_adjust, stock_receive
from repairs.models import Appointment
from tests.parts.factories_stock import KIT, booked, shipment, slip, stocked, tracked
from tests.repairs.factories_booking import affected

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(ale):
    return tracked(ale)


def _balance(dealer, kit) -> StockBalance:
    return StockBalance.objects.get(dealer=dealer, kit=kit)


def _ledger_sums(dealer, kit) -> tuple[int, int, int]:
    rows = StockMovement.objects.filter(dealer=dealer, kit=kit)
    return tuple(
        sum(getattr(m, f) for m in rows) for f in ("on_hand_delta", "reserved_delta", "inbound_delta")
    )


def test_an_unplanned_receipt_puts_kits_on_hand_attributed(kit, dealer_a, parts_manager_a):
    change = stock_receive(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=5, reference=" PS-1 ", user=parts_manager_a
    )
    balance = _balance(dealer_a, kit)
    assert (balance.on_hand, balance.reserved, balance.inbound) == (5, 0, 0)
    movement = change.movement
    assert movement.kind == Kind.RECEIPT and movement.by == parts_manager_a and movement.reference == "PS-1"
    assert movement.shipment is None and "unplanned" in movement.reason
    assert not change.replayed and change.distributed == 0


def test_a_shipment_received_in_two_parts(kit, dealer_a, parts_manager_a):
    shp = shipment(dealer_a, kit, 20)
    assert _balance(dealer_a, kit).inbound == 20
    stock_receive(
        dealer_id=dealer_a.pk, quantity=12, reference="PS-A", shipment_id=shp.pk, user=parts_manager_a
    )
    shp.refresh_from_db()
    balance = _balance(dealer_a, kit)
    assert (shp.received_quantity, shp.status) == (12, InboundShipment.Status.OPEN)
    assert (balance.on_hand, balance.inbound) == (12, 8)
    stock_receive(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=8, reference="PS-B", shipment_id=shp.pk, user=None
    )
    shp.refresh_from_db()
    balance = _balance(dealer_a, kit)
    assert (shp.received_quantity, shp.status) == (20, InboundShipment.Status.RECEIVED)
    assert (balance.on_hand, balance.inbound) == (20, 0)
    assert set(shp.movements.values_list("kind", flat=True)) == {Kind.INBOUND, Kind.RECEIPT}


def test_more_than_the_shipment_has_to_come_is_refused_and_nothing_moves(kit, dealer_a):
    shp = shipment(dealer_a, kit, 10)
    stock_receive(dealer_id=dealer_a.pk, quantity=7, reference="PS-1", shipment_id=shp.pk, user=None)
    count = StockMovement.objects.count()
    with pytest.raises(DomainError) as refused:
        stock_receive(dealer_id=dealer_a.pk, quantity=4, reference="PS-2", shipment_id=shp.pk, user=None)
    assert refused.value.code == "invalid" and refused.value.field == "quantity"
    assert "Only 3 of the shipment's 10 kits" in refused.value.message
    assert StockMovement.objects.count() == count
    shp.refresh_from_db()
    assert shp.received_quantity == 7


def test_a_received_shipment_takes_no_more(kit, dealer_a):
    shp = shipment(dealer_a, kit, 2)
    stock_receive(dealer_id=dealer_a.pk, quantity=2, reference="PS-1", shipment_id=shp.pk, user=None)
    with pytest.raises(DomainError) as refused:
        stock_receive(dealer_id=dealer_a.pk, quantity=1, reference="PS-2", shipment_id=shp.pk, user=None)
    assert refused.value.code == "conflict" and "received" in refused.value.message


def test_another_dealers_shipment_is_not_found(kit, dealer_a, dealer_b):
    shp = shipment(dealer_b, kit, 5)
    with pytest.raises(DomainError) as refused:
        stock_receive(dealer_id=dealer_a.pk, quantity=1, reference="PS-1", shipment_id=shp.pk, user=None)
    assert refused.value.code == "not_found"
    assert not StockMovement.objects.filter(dealer=dealer_a).exists()


def test_the_same_packing_slip_twice_counts_once(kit, dealer_a):
    shp = shipment(dealer_a, kit, 10)
    first = stock_receive(dealer_id=dealer_a.pk, quantity=4, reference="PS-9", shipment_id=shp.pk, user=None)
    again = stock_receive(dealer_id=dealer_a.pk, quantity=4, reference="PS-9", shipment_id=shp.pk, user=None)
    assert again.replayed and again.movement.pk == first.movement.pk
    shp.refresh_from_db()
    assert shp.received_quantity == 4 and _balance(dealer_a, kit).on_hand == 4
    # The same slip with other figures is a typo to check, not a replay.
    with pytest.raises(DomainError) as refused:
        stock_receive(dealer_id=dealer_a.pk, quantity=5, reference="PS-9", shipment_id=shp.pk, user=None)
    assert refused.value.code == "conflict" and "already received" in refused.value.message


def test_the_database_refuses_a_packing_slip_counted_twice(kit, dealer_a):
    """The backstop under the service's look-up: the conditional unique constraint."""
    stocked(dealer_a, kit, 1)
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer_a.pk, kit_id=kit.pk)
        stock_move(balance=balance, kind=Kind.RECEIPT, on_hand=1, reference="PS-DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        balance = balance_locked(dealer_id=dealer_a.pk, kit_id=kit.pk)
        stock_move(balance=balance, kind=Kind.RECEIPT, on_hand=1, reference="PS-DUP")
    # Other kinds may share a reference (an RO number on a reservation and its consumption).
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer_a.pk, kit_id=kit.pk)
        stock_move(balance=balance, kind=Kind.RESERVATION, reserved=1, reference="PS-DUP")
        stock_move(balance=balance, kind=Kind.RELEASE, reserved=-1, reference="PS-DUP")


def test_a_receipt_serves_the_waiting_vehicles_in_priority_order(ale, kit, dealer_a, service_manager_a):
    plain = booked(ale, dealer_a, user=service_manager_a)
    urgent = booked(ale, dealer_a, user=service_manager_a, symptomatic=True)
    listed = waitlist_join(dealer_id=dealer_a.pk, vin=affected(ale).vin, campaign_id=ale.pk, user=None)
    assert {plain.parts_status, urgent.parts_status} == {Appointment.Parts.WAITING}
    change = stock_receive(dealer_id=dealer_a.pk, part_number=KIT, quantity=2, reference=slip(), user=None)
    assert change.distributed == 2
    urgent.refresh_from_db()
    plain.refresh_from_db()
    listed.refresh_from_db()
    # Symptomatic first, then first come: the wait-list entry joined last and still waits.
    assert urgent.parts_status == plain.parts_status == Appointment.Parts.RESERVED
    assert listed.status == KitReservation.Status.WAITING
    balance = _balance(dealer_a, kit)
    assert (balance.on_hand, balance.reserved, balance.available) == (2, 2, 0)
    assert PartsArrivedNotice.objects.filter(reservation__appointment__in=[plain, urgent]).count() == 2
    assert _ledger_sums(dealer_a, kit) == (balance.on_hand, balance.reserved, balance.inbound)


def test_an_adjustment_may_not_take_reserved_kits(ale, kit, dealer_a, service_manager_a, parts_manager_a):
    stocked(dealer_a, kit, 3)
    booked(ale, dealer_a, user=service_manager_a)
    booked(ale, dealer_a, user=service_manager_a)
    with pytest.raises(DomainError) as refused:
        stock_adjust(
            dealer_id=dealer_a.pk, part_number=KIT, quantity=-2, reason_code="damaged", user=parts_manager_a
        )
    assert refused.value.code == "invalid" and refused.value.http_status == 400
    assert "Only 1" in refused.value.message and "would leave -1" in refused.value.message
    assert not StockMovement.objects.filter(kind=Kind.ADJUSTMENT).exists()
    change = stock_adjust(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=-1, reason_code="damaged", user=parts_manager_a
    )
    balance = _balance(dealer_a, kit)
    assert (balance.on_hand, balance.reserved, balance.available) == (2, 2, 0)
    assert change.movement.reason == "Damaged" and change.movement.by == parts_manager_a


def test_an_adjustment_needs_a_reason_and_a_change(kit, dealer_a):
    with pytest.raises(DomainError) as no_reason:
        stock_adjust(dealer_id=dealer_a.pk, part_number=KIT, quantity=2, reason_code="other", user=None)
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as zero:
        stock_adjust(dealer_id=dealer_a.pk, part_number=KIT, quantity=0, reason="count", user=None)
    assert zero.value.field == "quantity"
    with pytest.raises(DomainError) as unknown:
        stock_adjust(dealer_id=dealer_a.pk, part_number="NOPE", quantity=1, reason="count", user=None)
    assert unknown.value.field == "part_number"
    assert not StockMovement.objects.exists()


def test_kits_found_in_a_count_go_to_the_line(ale, kit, dealer_a, service_manager_a):
    appointment = booked(ale, dealer_a, user=service_manager_a)
    change = stock_adjust(
        dealer_id=dealer_a.pk,
        part_number=KIT,
        quantity=1,
        reason_code="cycle_count",
        reason="Shelf B",
        user=None,
    )
    appointment.refresh_from_db()
    assert change.distributed == 1 and appointment.parts_status == Appointment.Parts.RESERVED
    assert change.movement.reason == "Cycle count: Shelf B"


def test_a_count_sheet_reference_counts_once(kit, dealer_a):
    first = stock_adjust(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=3, reason="count", reference="CS-7", user=None
    )
    again = stock_adjust(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=3, reason="count", reference="CS-7", user=None
    )
    assert again.replayed and again.movement.pk == first.movement.pk
    assert _balance(dealer_a, kit).on_hand == 3
