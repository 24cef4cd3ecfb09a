"""The parts dashboard's figures (parts.dashboard_selectors): what a planner reads off the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dealers.models import Dealer
from parts.dashboard_selectors import parts_dashboard
from parts.ledger import Kind
from tests.factories import DealerFactory
from tests.parts.dashboard_fixtures import V8, consume, kit, move, receive, wait

pytestmark = pytest.mark.django_db


def _row(board, dealer):
    return next(r for r in board.rows if r.dealer_id == dealer.pk)


def test_stock_and_demand_per_dealer(ale, dealer_a, dealer_b):
    v6 = kit(ale)
    receive(dealer_a, v6, 10)
    move(dealer_a, v6, Kind.RESERVATION, reserved=2)
    move(dealer_a, v6, Kind.INBOUND, inbound=5)
    wait(dealer_b, v6, ale, n=3)
    wait(dealer_b, v6, ale, n=1, appointment=True)
    board = parts_dashboard(dealers=Dealer.objects.all())
    a, b = _row(board, dealer_a), _row(board, dealer_b)
    assert (a.on_hand, a.reserved, a.available, a.inbound) == (10, 2, 8, 5)
    assert (b.waitlist, b.waiting_appointments, b.waiting) == (3, 1, 4)
    assert (a.surplus, b.surplus) == (8, -4)
    assert (board.total.on_hand, board.total.waiting) == (10, 4)
    assert {r.region: r.dealers for r in board.regions} == {"Eastern Area": 1, "Western Area": 1}


def test_days_of_supply_at_the_last_14_days_rate(ale, dealer_a):
    v6 = kit(ale)
    receive(dealer_a, v6, 20, days_ago=30)
    consume(dealer_a, v6, 7, days_ago=3)  # 0.5 a day
    consume(dealer_a, v6, 5, days_ago=20)  # before the 14 days: not in the rate
    row = _row(parts_dashboard(dealers=Dealer.objects.all()), dealer_a)
    assert (row.available, row.consumed_14d, row.days_of_supply) == (8, 7, 16.0)


def test_no_consumption_means_no_days_of_supply(ale, dealer_a):
    receive(dealer_a, kit(ale), 4)
    assert _row(parts_dashboard(dealers=Dealer.objects.all()), dealer_a).days_of_supply is None


def test_wait_list_clears_at_the_last_four_weeks_inbound_rate(ale, dealer_a, dealer_b):
    v6 = kit(ale)
    receive(dealer_a, v6, 28, days_ago=10)  # one a day over 4 weeks
    consume(dealer_a, v6, 28, days_ago=1)
    wait(dealer_a, v6, ale, n=4)
    wait(dealer_b, v6, ale, n=2)  # no receipts at B
    board = parts_dashboard(dealers=Dealer.objects.all())
    today = timezone.localdate()
    assert _row(board, dealer_a).clears_on(today) == today + dt.timedelta(days=4)
    assert _row(board, dealer_b).clears_on(today) is None
    receive(dealer_b, v6, 9, days_ago=40)  # older than 4 weeks: no rate either
    assert _row(parts_dashboard(dealers=Dealer.objects.all()), dealer_b).clears_on(today) is None


def test_misallocation_ranks_surpluses_and_shortfalls(ale, region_west):
    v6 = kit(ale)
    dealers = [DealerFactory(region=region_west) for _ in range(4)]
    receive(dealers[0], v6, 9)
    receive(dealers[1], v6, 3)
    wait(dealers[2], v6, ale, n=5)
    wait(dealers[3], v6, ale, n=1)
    board = parts_dashboard(dealers=Dealer.objects.all())
    assert [(r.dealer_id, r.surplus) for r in board.surpluses()] == [(dealers[0].pk, 9), (dealers[1].pk, 3)]
    assert [(r.dealer_id, r.surplus) for r in board.shortfalls()] == [
        (dealers[2].pk, -5),
        (dealers[3].pk, -1),
    ]


def test_kit_filter_and_rows_per_kit(ale, dealer_a):
    v6, v8 = kit(ale), kit(ale, V8)
    receive(dealer_a, v6, 4)
    receive(dealer_a, v8, 1)
    wait(dealer_a, v8, ale, n=2)
    dealers = Dealer.objects.filter(pk=dealer_a.pk)
    assert _row(parts_dashboard(dealers=dealers), dealer_a).on_hand == 5
    only_v8 = _row(parts_dashboard(dealers=dealers, kit_id=v8.pk), dealer_a)
    assert (only_v8.on_hand, only_v8.waiting) == (1, 2)
    per_kit = parts_dashboard(dealers=dealers, by_kit=True).rows
    assert [(r.part_number, r.on_hand, r.waiting) for r in per_kit] == [
        ("04906-31021", 4, 0),
        ("04906-38011", 1, 2),
    ]


def test_consumption_per_week_for_the_chart(ale, dealer_a):
    v6 = kit(ale)
    receive(dealer_a, v6, 10, days_ago=100)
    consume(dealer_a, v6, 2, days_ago=0)
    consume(dealer_a, v6, 3, days_ago=7)
    consume(dealer_a, v6, 1, days_ago=200)  # before the 12 weeks
    board = parts_dashboard(dealers=Dealer.objects.all())
    assert len(board.weeks) == 12 and board.weeks[-1].weekday() == 0
    assert sum(board.weekly_consumption) == 5
    assert board.weekly_consumption[-1] == 2 and board.weekly_consumption[-2] == 3
