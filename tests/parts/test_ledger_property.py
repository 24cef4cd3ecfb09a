"""A property of the ledger (hypothesis): whatever the parts counter and the service drive do,
in whatever order, every balance is the sum of its movements, available never drops below 0,
reserved is exactly the kits the RESERVED reservations hold, and no kit sits available while
a vehicle at the same dealer waits for it.

The operations are the real services: receipts (unplanned and against shipments), bookings
and wait-list joins (reservations), cancellations and withdrawals (releases), check-in and
completion (consumption), adjustments, and transfers. The transfer services are another
branch's, so a transfer here is the two ledger movements ``stock_move`` makes for one
(TRANSFER_OUT at the sender, TRANSFER_IN at the receiver, the receiver's line served).
A refusal (``DomainError``) is a legal outcome of any step; the invariants hold after it too.
"""

from __future__ import annotations

import itertools
import os
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import DomainError
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import InboundShipment, KitReservation, StockBalance, StockMovement
from parts.reservations import kits_distribute, waitlist_join, waitlist_withdraw
from parts.stock import stock_adjust, stock_receive
from repairs.appointments import appointment_cancel
from repairs.models import Appointment
from repairs.repair_orders import repair_order_check_in, repair_order_complete
from tests.parts.factories_stock import KIT, booked, shipment, slip, tracked
from tests.repairs.factories_booking import affected

pytestmark = pytest.mark.django_db

DEALERS = st.sampled_from(["a", "b"])
STEP = st.one_of(
    st.tuples(st.just("receive"), DEALERS, st.integers(1, 8)),
    st.tuples(st.just("announce"), DEALERS, st.integers(1, 6)),
    st.tuples(st.just("receive_shipment"), DEALERS, st.integers(1, 6)),
    st.tuples(st.just("book"), st.booleans()),
    st.tuples(st.just("join"), DEALERS, st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("withdraw"), st.integers(0, 20)),
    st.tuples(st.just("complete"), st.integers(0, 20)),
    st.tuples(st.just("transfer"), DEALERS, st.integers(1, 3)),
    st.tuples(st.just("adjust"), DEALERS, st.integers(-3, 3).filter(bool)),
)
_ro = itertools.count(1)


def _pick(queryset, i):
    rows = list(queryset.order_by("pk").values_list("pk", flat=True))
    return rows[i % len(rows)] if rows else None


class Shop:
    def __init__(self, ale, kit, dealers, service_manager):
        self.ale, self.kit, self.dealers, self.user = ale, kit, dealers, service_manager

    def run(self, step) -> None:
        name, *args = step
        getattr(self, name)(*args)

    def receive(self, d, n):
        stock_receive(dealer_id=self.dealers[d].pk, part_number=KIT, quantity=n, reference=slip(), user=None)

    def announce(self, d, n):
        shipment(self.dealers[d], self.kit, n)

    def receive_shipment(self, d, n):
        open_ = InboundShipment.objects.filter(dealer=self.dealers[d], status="open").first()
        if open_ is not None:
            stock_receive(
                dealer_id=open_.dealer_id, quantity=n, reference=slip(), shipment_id=open_.pk, user=None
            )

    def book(self, symptomatic):
        booked(self.ale, self.dealers["a"], user=self.user, symptomatic=symptomatic)

    def join(self, d, symptomatic):
        vin = affected(self.ale).vin
        waitlist_join(
            dealer_id=self.dealers[d].pk, vin=vin, campaign_id=self.ale.pk, symptomatic=symptomatic, user=None
        )

    def cancel(self, i):
        pk = _pick(Appointment.objects.filter(status="scheduled"), i)
        if pk:
            appointment_cancel(
                appointment_id=pk, dealer_ids={self.dealers["a"].pk}, reason="Owner", user=self.user
            )

    def withdraw(self, i):
        live = KitReservation.objects.filter(status__in=["waiting", "reserved"], appointment__isnull=True)
        pk = _pick(live, i)
        if pk:
            waitlist_withdraw(
                reservation_id=pk, dealer_ids=[d.pk for d in self.dealers.values()], reason="Sold", user=None
            )

    def complete(self, i):
        pk = _pick(Appointment.objects.filter(status="scheduled", repair_order__isnull=True), i)
        if pk is None:
            return
        ro = repair_order_check_in(
            appointment_id=pk, ro_number=f"P{next(_ro):06d}", mileage_in=60_000, user=self.user
        )
        repair_order_complete(
            repair_order_id=ro.pk,
            completed_on=None,
            mileage_out=60_010,
            technician="T. Tech",
            labor_hours=Decimal("6.0"),
            user=self.user,
        )

    @transaction.atomic
    def transfer(self, d, n):
        sender, receiver = self.dealers[d], self.dealers["b" if d == "a" else "a"]
        # Both locks in dealer order, as a transfer service would take them (no deadlock).
        first, second = sorted([sender, receiver], key=lambda x: x.pk)
        locked = {x.pk: balance_locked(dealer_id=x.pk, kit_id=self.kit.pk) for x in (first, second)}
        out, into = locked[sender.pk], locked[receiver.pk]
        stock_move(balance=out, kind=Kind.TRANSFER_OUT, on_hand=-n, reason="Transfer", reference="T")
        stock_move(balance=into, kind=Kind.TRANSFER_IN, on_hand=n, reason="Transfer", reference="T")
        kits_distribute(balance=into, reason="Transfer in.")

    def adjust(self, d, n):
        stock_adjust(dealer_id=self.dealers[d].pk, part_number=KIT, quantity=n, reason="Count", user=None)


def balance_as_movement(balance):
    return StockMovement(on_hand_after=0, reserved_after=0, inbound_after=0)


def assert_ledger_holds() -> None:
    for balance in StockBalance.objects.select_related("kit"):
        moves = StockMovement.objects.filter(dealer_id=balance.dealer_id, kit_id=balance.kit_id)
        sums = moves.aggregate(o=Sum("on_hand_delta"), r=Sum("reserved_delta"), i=Sum("inbound_delta"))
        # A balance a waiting booking created has no movement yet: its sums are zero.
        assert (balance.on_hand, balance.reserved, balance.inbound) == tuple(
            sums[k] or 0 for k in ("o", "r", "i")
        )
        assert balance.available >= 0 and balance.inbound >= 0
        last = moves.order_by("-at", "-pk").first() or balance_as_movement(balance)
        assert (last.on_hand_after, last.reserved_after, last.inbound_after) == (
            balance.on_hand,
            balance.reserved,
            balance.inbound,
        )
        reservations = KitReservation.objects.filter(dealer_id=balance.dealer_id, kit_id=balance.kit_id)
        held = reservations.filter(status="reserved").aggregate(n=Sum("quantity"))["n"] or 0
        assert balance.reserved == held
        if balance.available >= balance.kit.quantity_per_vehicle:
            assert not reservations.filter(status="waiting").exists(), "a kit sits idle while a vehicle waits"
    for shp in InboundShipment.objects.all():
        assert shp.received_quantity <= shp.quantity
        assert (shp.status == "received") == (shp.received_quantity == shp.quantity)


@pytest.fixture
def shop(ale, dealer_a, dealer_b, service_manager_a):
    return Shop(ale, tracked(ale), {"a": dealer_a, "b": dealer_b}, service_manager_a)


@settings(
    max_examples=int(os.environ.get("LEDGER_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=5, max_size=30))
def test_any_sequence_keeps_the_ledger_whole(shop, steps):
    with transaction.atomic():  # each example starts from the fixtures' state
        for step in steps:
            try:
                with transaction.atomic():
                    shop.run(step)
            except DomainError:
                pass  # a refusal is a legal answer; it must have changed nothing the ledger shows
            assert_ledger_holds()
        transaction.set_rollback(True)
