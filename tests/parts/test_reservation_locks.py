"""Lock order: a vehicle moving between dealers touches two balances. Both are locked in one
order (dealer, kit) before any reservation row, so two moves in opposite directions wait for
each other instead of deadlocking (the foundation locked its own dealer first)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parts.models import KitReservation, StockBalance
from parts.reservations import waitlist_join
from tests.parts.waitlist_factories import book, receive, tracked
from tests.repairs.factories_booking import affected, open_shop

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)


def _locked_dealers(queries) -> list[int]:
    """Dealer ids of the balance rows locked FOR UPDATE, in the order the locks were taken."""
    found = []
    for q in queries:
        sql = q["sql"]
        if "FOR UPDATE" in sql and '"parts_stockbalance"' in sql.split("FROM", 1)[1][:40]:
            found.append(int(re.search(r'"dealer_id" = (\d+)', sql).group(1)))
    return found


@pytest.mark.django_db
def test_a_move_to_a_higher_dealer_still_locks_the_lower_balance_first(
    ale, dealer_a, dealer_b, service_manager_a
):
    kit = tracked(ale)
    high, low = sorted((dealer_a, dealer_b), key=lambda d: d.pk, reverse=True)
    receive(low, kit, 1)
    mover = waitlist_join(dealer_id=low.pk, vin=affected(ale, dealer=low).vin, campaign_id=ale.pk, user=None)
    assert mover.status == "reserved"
    open_shop(high, hours="999.0", weekdays=range(7))
    with CaptureQueriesContext(connection) as queries:
        # Booked at the higher dealer: its own balance must not be the first lock.
        book(ale, high, vin=mover.vehicle_id, user=service_manager_a)
    assert _locked_dealers(queries)[:2] == [low.pk, high.pk]


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_opposite_moves_at_once_all_complete(ale, dealer_a, dealer_b, service_manager_a, service_manager_b):
    kit = tracked(ale)
    for dealer in (dealer_a, dealer_b):
        receive(dealer, kit, 3)
        open_shop(dealer, hours="999.0", weekdays=range(7))
    pairs = []
    for _ in range(3):
        at_a = waitlist_join(
            dealer_id=dealer_a.pk, vin=affected(ale, dealer=dealer_a).vin, campaign_id=ale.pk, user=None
        )
        at_b = waitlist_join(
            dealer_id=dealer_b.pk, vin=affected(ale, dealer=dealer_b).vin, campaign_id=ale.pk, user=None
        )
        pairs.append((at_a, at_b))
    errors: list = []

    def move(vin, dealer, user, barrier):
        try:
            barrier.wait(10)
            book(ale, dealer, vin=vin, user=user)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    for at_a, at_b in pairs:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=move, args=(at_a.vehicle_id, dealer_b, service_manager_b, barrier)),
            threading.Thread(target=move, args=(at_b.vehicle_id, dealer_a, service_manager_a, barrier)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert not errors, errors
    # Every mover holds a kit at its new dealer; the ledgers still add up.
    assert KitReservation.objects.filter(status="reserved", appointment__isnull=False).count() == 6
    for dealer in (dealer_a, dealer_b):
        b = StockBalance.objects.get(dealer=dealer, kit=kit)
        assert (b.on_hand, b.reserved) == (3, 3)
