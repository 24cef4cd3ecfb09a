"""Fifty clerks book at once at a dealer with ten kits, on PostgreSQL with real connections:
the balance's row lock hands out exactly ten kits; the other forty bookings wait for parts.

The shop has room for every booking (capacity is not the limit here), the bookings are spread
over five days so the shop's day rows do not serialise them before the kit's balance does, and
a watcher on its own connection samples the balance while they run.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import Sum

from parts.models import KitReservation, StockBalance, StockMovement
from repairs.appointments import appointment_book
from repairs.models import Appointment
from tests.parts.factories_stock import stocked, tracked
from tests.repairs.factories_booking import affected, next_weekday, open_shop

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)
CLERKS = 50
KITS = 10


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_at_once_for_ten_kits(ale, dealer_a, service_manager_a):
    kit = tracked(ale)
    open_shop(dealer_a, hours="999.0")
    stocked(dealer_a, kit, KITS)
    vins = [affected(ale, dealer=dealer_a).vin for _ in range(CLERKS)]
    monday = next_weekday(0)
    barrier = threading.Barrier(CLERKS + 1)
    errors: list[BaseException] = []
    lowest: list[int] = []
    done = threading.Event()

    def clerk(n: int, vin: str) -> None:
        try:
            barrier.wait(30)
            appointment_book(
                dealer_id=dealer_a.pk,
                vin=vin,
                campaign_id=ale.pk,
                date=monday + dt.timedelta(days=n % 5),
                time=dt.time(8 + n % 8, 0),
                transport="drop_off",
                user=service_manager_a,
            )
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    def watcher() -> None:
        try:
            barrier.wait(30)
            while not done.is_set():
                row = (
                    StockBalance.objects.filter(dealer=dealer_a, kit=kit).values("on_hand", "reserved").get()
                )
                lowest.append(row["on_hand"] - row["reserved"])
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(n, vin)) for n, vin in enumerate(vins)]
    watch = threading.Thread(target=watcher)
    for thread in [*threads, watch]:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    watch.join(10)
    assert not errors, errors[:3]

    appointments = Appointment.objects.filter(dealer=dealer_a)
    assert appointments.count() == CLERKS
    assert appointments.filter(parts_status="reserved").count() == KITS
    assert appointments.filter(parts_status="waiting").count() == CLERKS - KITS
    reservations = KitReservation.objects.filter(dealer=dealer_a, kit=kit)
    assert reservations.filter(status="reserved").count() == KITS
    assert reservations.filter(status="waiting").count() == CLERKS - KITS

    balance = StockBalance.objects.get(dealer=dealer_a, kit=kit)
    assert (balance.on_hand, balance.reserved, balance.available) == (KITS, KITS, 0)
    sums = StockMovement.objects.filter(dealer=dealer_a, kit=kit).aggregate(
        o=Sum("on_hand_delta"), r=Sum("reserved_delta"), i=Sum("inbound_delta")
    )
    assert (sums["o"], sums["r"], sums["i"] or 0) == (balance.on_hand, balance.reserved, balance.inbound)
    # Never below zero: not in any state a movement left, nor in any the watcher saw.
    afters = StockMovement.objects.filter(dealer=dealer_a, kit=kit).values_list(
        "on_hand_after", "reserved_after"
    )
    assert all(on_hand - reserved >= 0 for on_hand, reserved in afters)
    assert lowest and min(lowest) >= 0
