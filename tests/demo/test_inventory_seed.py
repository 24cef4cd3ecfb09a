"""The demo inventory: deterministic, idempotent, flagged by the same re-check as a list import."""

from __future__ import annotations

import io

import pytest

from dealers.models import DealerNotice, InventoryEvent, InventoryUnit
from demo.inventory import inventory_seed
from tests.factories import AffectedVehicleFactory, DealerFactory, VehicleFactory, ale_vin


@pytest.fixture
def network(ale, dealer_a, preowned_manager_a):
    for serial in range(8000, 8400):
        AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=ale_vin(serial)))
    return [dealer_a, *(DealerFactory() for _ in range(40))]


def units() -> set[tuple[str, str, str, bool]]:
    return set(InventoryUnit.objects.values_list("dealer__code", "stock_number", "vin", "stop_sale"))


@pytest.mark.django_db
def test_the_seed_stocks_every_dealer_and_holds_the_affected_units(network, dealer_a):
    out = io.StringIO()
    inventory_seed(stdout=out, seed=2010)

    total = InventoryUnit.objects.count()
    held = InventoryUnit.objects.filter(stop_sale=True)
    assert 40 + 24 <= total <= 3 * 40 + 24
    assert set(InventoryUnit.objects.values_list("dealer", flat=True)) == {d.pk for d in network}
    assert InventoryUnit.objects.filter(dealer=dealer_a).count() == 24  # demo staff's dealer: a full lot
    assert 0.04 * total <= held.count() <= 0.25 * total
    assert set(held.values_list("stop_sale_campaigns", flat=True)) == {"ALE"}
    assert InventoryUnit.objects.values("vin").distinct().count() == total
    # Flagged by the re-check: each dealer with held units has a stop-sale notice.
    assert DealerNotice.objects.filter(kind="stop_sale").count() == held.values("dealer").distinct().count()
    assert "units added" in out.getvalue() and "on stop sale" in out.getvalue()


@pytest.mark.django_db
def test_the_seed_is_idempotent_and_deterministic(network):
    inventory_seed(stdout=io.StringIO(), seed=7)
    first = units()
    notices = DealerNotice.objects.count()
    inventory_seed(stdout=io.StringIO(), seed=7)
    assert units() == first and DealerNotice.objects.count() == notices

    # A fresh database: events first, since a unit's history PROTECTs it from deletion.
    InventoryEvent.objects.all().delete()
    InventoryUnit.objects.all().delete()
    inventory_seed(stdout=io.StringIO(), seed=7)
    assert units() == first


@pytest.mark.django_db
def test_without_dealers_the_seed_says_so(ale):
    out = io.StringIO()
    inventory_seed(stdout=out, seed=1)
    assert "no dealers yet" in out.getvalue()
