"""The admin's big lists cost the same queries for 5 or 50 rows (138,869 vehicles in production)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.models import InventoryEvent, InventoryUnit, ServicingDealer
from dealers.owner_data import owner_data_access_record
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin


def fleet(ale, dealer, viewer, start: int, count: int) -> None:
    for n in range(start, start + count):
        vehicle = VehicleFactory(vin=ale_vin(50000 + n))
        AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)
        owner_data_access_record(user=viewer, vehicle=vehicle, context="vehicle record")
        unit = InventoryUnit.objects.create(
            dealer=dealer, vin=vehicle.vin, stock_number=f"Q{n}", received_on=timezone.localdate()
        )
        InventoryEvent.objects.create(unit=unit, kind="added", by=viewer)


# Every list starts with the session and the user (2), then (the paginator's count makes one
# more when the admin also shows the full count, show_full_result_count):
PINS = {
    # count, page, the model-year and model filter choices
    "campaign_vehicle": 6,
    # campaign filter choices, count, page (campaign joined; the VIN is the row's own key)
    "campaign_affectedvehicle": 5,
    # region filter choices, count, page (dealer joined)
    "dealers_servicingdealer": 5,
    # count, full count, page (user joined), date range and days (date_hierarchy), context choices
    "dealers_ownerdataaccess": 8,
    # region filter choices, count, full count, page (dealer joined)
    "dealers_inventoryunit": 6,
    # count, full count, page (unit and user joined)
    "dealers_inventoryevent": 5,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "queries"), PINS.items(), ids=list(PINS))
def test_a_big_admin_list_costs_the_same_queries_for_5_or_50_rows(
    client, superuser, ale, dealer_a, model, queries, django_assert_num_queries
):
    client.force_login(superuser)
    url = reverse(f"admin:{model}_changelist")
    fleet(ale, dealer_a, superuser, 0, 5)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    fleet(ale, dealer_a, superuser, 5, 45)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.context["cl"].result_count >= 50
