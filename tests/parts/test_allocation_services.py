"""Allocation services: the policies' figures, the proposal, editing, confirming once, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaign.errors import DomainError
from parts.allocation import allocation_confirm, allocation_create, allocation_lines_update
from parts.allocation_selectors import dealer_figures
from parts.models import Allocation, InboundShipment, StockBalance, StockMovement
from tests.factories import DealerFactory
from tests.parts.factories_alloc import V8, affected, consumed, held_unit, kit, ledger_sums, stock, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def v6(ale):
    return kit(ale)


@pytest.fixture
def dealer_c(region_west):
    return DealerFactory(code="10003", name="Lexus of Santa Monica", region=region_west)


def _lines(allocation):
    return {line.dealer.code: line for line in allocation.lines.select_related("dealer")}


def test_figures_count_each_kit_apart(ale, v6, dealer_a, dealer_b):
    waiting(ale, dealer_a, 3)
    waiting(ale, dealer_a, 2, part_number=V8)  # another kit: not this one's demand
    affected(ale, dealer_b)
    affected(ale, dealer_b, part_number=V8)
    affected(ale, dealer_b, status="remedied")
    held_unit(ale, dealer_b)
    stock(dealer_b, v6, 4)
    consumed(dealer_b, v6, 7)
    consumed(dealer_b, v6, 5, days_ago=20)  # outside the 14 days
    rows = {r.code: r for r in dealer_figures(kit=v6)}
    a, b = rows["10001"], rows["20002"]
    assert (a.waiting, a.open_vehicles, a.stop_sale, a.on_hand) == (3, 3, 0, 0)
    # B: one open V6 vehicle plus the held unit's (open, serviced by B); the V8 and the remedied one do not count.
    assert (b.waiting, b.open_vehicles, b.stop_sale, b.on_hand, b.available) == (0, 2, 1, 4, 4)
    assert b.consumed == 7
    assert b.days_of_supply == Decimal("8.0")  # 4 available ÷ (7 / 14 per day)
    assert a.days_of_supply is None


def test_figures_are_a_fixed_number_of_queries(ale, v6, dealer_a, dealer_b, django_assert_num_queries):
    waiting(ale, dealer_a, 2)
    waiting(ale, dealer_b, 2)
    # ranges, waiting, open vehicles, held units, balances, consumption, dealer names
    with django_assert_num_queries(7):
        dealer_figures(kit=v6)


def test_waiting_demand_shares_by_need_net_of_inbound(ale, v6, dealer_a, dealer_b, campaign_admin):
    waiting(ale, dealer_a, 6)
    waiting(ale, dealer_b, 2)
    allocation = allocation_create(kit_id=v6.pk, quantity=5, policy="waiting_demand", user=campaign_admin)
    lines = _lines(allocation)
    assert (lines["10001"].demand, lines["10001"].proposed) == (6, 4)  # 5 × 6/8 = 3.75
    assert (lines["20002"].demand, lines["20002"].proposed) == (2, 1)
    assert sum(line.quantity for line in lines.values()) == 5
    assert allocation.status == Allocation.Status.DRAFT and allocation.created_by == campaign_admin


def test_stop_sale_units_first_then_waiting(ale, v6, dealer_a, dealer_b, campaign_admin):
    held_unit(ale, dealer_b)
    held_unit(ale, dealer_b)
    waiting(ale, dealer_a, 4)
    allocation = allocation_create(kit_id=v6.pk, quantity=3, policy="stop_sale_first", user=campaign_admin)
    lines = _lines(allocation)
    assert lines["20002"].proposed == 2 and lines["10001"].proposed == 1


def test_open_vehicles_net_of_stock(ale, v6, dealer_a, dealer_b, campaign_admin):
    for _ in range(4):
        affected(ale, dealer_a)
        affected(ale, dealer_b)
    stock(dealer_b, v6, 4)  # B's open vehicles are covered
    allocation = allocation_create(kit_id=v6.pk, quantity=4, policy="open_vehicles", user=campaign_admin)
    lines = _lines(allocation)
    assert lines["10001"].proposed == 4 and lines["20002"].proposed == 0
    assert lines["20002"].on_hand == 4 and lines["20002"].available == 4


def test_mix_blends_the_three(ale, v6, dealer_a, dealer_b, campaign_admin):
    waiting(ale, dealer_a, 2)
    held_unit(ale, dealer_b)
    allocation = allocation_create(kit_id=v6.pk, quantity=10, policy="mix", user=campaign_admin)
    lines = _lines(allocation)
    # A: ½ of waiting + 3/10 × 2/3 of open = 0.7; B: 3/10 × 1/3 + 1/5 = 0.3 (of 1.0).
    assert lines["10001"].proposed == 7 and lines["20002"].proposed == 3


def test_regional_staff_allocate_in_their_region_only(
    ale, v6, dealer_a, dealer_b, regional_west, region_east
):
    waiting(ale, dealer_a, 2)
    waiting(ale, dealer_b, 2)
    allocation = allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=regional_west)
    assert allocation.region_id == dealer_a.region_id
    assert set(_lines(allocation)) == {"10001"}
    with pytest.raises(DomainError) as refused:
        allocation_create(
            kit_id=v6.pk, quantity=2, policy="waiting_demand", region_id=region_east.pk, user=regional_west
        )
    assert refused.value.code == "forbidden"
    assert Allocation.objects.count() == 1


def test_dealer_staff_may_not_allocate(ale, v6, parts_manager_a):
    with pytest.raises(DomainError) as refused:
        allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=parts_manager_a)
    assert refused.value.code == "forbidden"


def test_edits_may_not_exceed_n(ale, v6, dealer_a, dealer_b, campaign_admin):
    waiting(ale, dealer_a, 3)
    waiting(ale, dealer_b, 3)
    allocation = allocation_create(kit_id=v6.pk, quantity=4, policy="waiting_demand", user=campaign_admin)
    lines = _lines(allocation)
    with pytest.raises(DomainError, match="add up to 5"):
        allocation_lines_update(
            allocation_id=allocation.pk,
            quantities={lines["10001"].pk: 3, lines["20002"].pk: 2},
            user=campaign_admin,
        )
    allocation_lines_update(
        allocation_id=allocation.pk,
        quantities={lines["10001"].pk: 3, lines["20002"].pk: 0},
        user=campaign_admin,
    )
    lines = _lines(allocation)
    assert (lines["10001"].quantity, lines["10001"].proposed, lines["20002"].quantity) == (3, 2, 0)


def test_confirm_ships_to_each_dealer_once(ale, v6, dealer_a, dealer_b, dealer_c, campaign_admin):
    waiting(ale, dealer_a, 3)
    waiting(ale, dealer_b, 1)
    stock(dealer_c, v6, 1)  # a line with nothing proposed: no shipment
    allocation = allocation_create(kit_id=v6.pk, quantity=4, policy="waiting_demand", user=campaign_admin)
    done = allocation_confirm(allocation_id=allocation.pk, user=campaign_admin)
    assert done.status == Allocation.Status.CONFIRMED and done.confirmed_by == campaign_admin
    shipments = {s.dealer.code: s for s in InboundShipment.objects.select_related("dealer")}
    assert {code: s.quantity for code, s in shipments.items()} == {"10001": 3, "20002": 1}
    assert all(s.allocation_id == allocation.pk and s.status == "open" for s in shipments.values())
    assert StockBalance.objects.get(dealer=dealer_a, kit=v6).inbound == 3
    assert ledger_sums(dealer_a, v6)[2] == 3
    with pytest.raises(DomainError) as again:
        allocation_confirm(allocation_id=allocation.pk, user=campaign_admin)
    assert again.value.code == "conflict"
    assert InboundShipment.objects.count() == 2
    assert StockMovement.objects.filter(kind="inbound").count() == 2


def test_confirm_is_all_or_nothing(ale, v6, dealer_a, campaign_admin):
    waiting(ale, dealer_a, 2)
    allocation = allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=campaign_admin)
    allocation.lines.update(quantity=0)
    with pytest.raises(DomainError, match="No dealer gets a kit"):
        allocation_confirm(allocation_id=allocation.pk, user=campaign_admin)
    allocation.refresh_from_db()
    assert allocation.status == Allocation.Status.DRAFT and allocation.confirmed_at is None
    assert not InboundShipment.objects.exists()


def test_confirm_refuses_another_region(ale, v6, dealer_b, campaign_admin, regional_west, region_east):
    waiting(ale, dealer_b, 2)
    allocation = allocation_create(
        kit_id=v6.pk, quantity=2, policy="waiting_demand", region_id=region_east.pk, user=campaign_admin
    )
    with pytest.raises(DomainError) as refused:
        allocation_confirm(allocation_id=allocation.pk, user=regional_west)
    assert refused.value.code == "forbidden"
    assert not InboundShipment.objects.exists()
