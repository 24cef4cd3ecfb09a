"""The Django admin cannot go around the domain rules: statuses move only through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from campaign.models import AffectedVehicle
from dealers.models import InventoryEvent, InventoryUnit
from tests.factories import AffectedVehicleFactory, UserFactory, VehicleFactory, ale_vin


@pytest.fixture
def root(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def entry(ale):
    return AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=ale_vin(8642)))


@pytest.fixture
def held_unit(ale, dealer_a, entry):
    return InventoryUnit.objects.create(
        dealer=dealer_a,
        vin=entry.vehicle.vin,
        stock_number="P8642",
        received_on=timezone.localdate(),
        stop_sale=True,
        stop_sale_since=timezone.now(),
        stop_sale_campaigns="ALE",
    )


def test_status_and_stop_sale_fields_are_read_only_in_every_admin_that_shows_them():
    request = None
    av_admin = admin.site._registry[AffectedVehicle]
    assert {"status", "status_changed_at"} <= set(av_admin.get_readonly_fields(request))
    unit_admin = admin.site._registry[InventoryUnit]
    assert {"status", "stop_sale", "stop_sale_since", "stop_sale_campaigns", "vin", "dealer"} <= set(
        unit_admin.get_readonly_fields(request)
    )
    for model_admin in admin.site._registry.values():
        for inline in model_admin.inlines:
            if inline.model is AffectedVehicle:
                assert {"status", "status_changed_at"} <= set(inline.readonly_fields), inline


@pytest.mark.django_db
def test_an_entry_on_the_posted_list_cannot_be_remedied_in_the_admin(root, entry):
    url = reverse("admin:campaign_affectedvehicle_change", args=[entry.pk])
    page = root.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    response = root.post(url, {"status": "remedied", "status_changed_at_0": "2010-08-01"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == AffectedVehicle.Status.OPEN and entry.status_changed_at is None
    assert root.get(reverse("admin:campaign_affectedvehicle_add")).status_code == 403


@pytest.mark.django_db
def test_the_vehicle_page_shows_its_entries_without_a_way_to_edit_them(root, entry):
    page = root.get(reverse("admin:campaign_vehicle_change", args=[entry.vehicle.pk])).content.decode()
    assert "campaign_entries-0-status" not in page and "Open (remedy not done)" in page


@pytest.mark.django_db
def test_a_held_unit_cannot_be_delivered_or_cleared_in_the_admin(root, held_unit):
    url = reverse("admin:dealers_inventoryunit_change", args=[held_unit.pk])
    page = root.get(url).content.decode()
    assert 'name="status"' not in page and 'name="stop_sale"' not in page and 'name="vin"' not in page
    response = root.post(
        url,
        {
            "stock_number": "P8642-X",
            "received_on": held_unit.received_on.isoformat(),
            "status": "delivered",
            "stop_sale": "",
            "vin": ale_vin(1),
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302  # the correction of the stock number is saved…
    held_unit.refresh_from_db()
    # …and nothing the domain decides moved.
    assert (held_unit.stock_number, held_unit.status, held_unit.stop_sale, held_unit.vin) == (
        "P8642-X",
        InventoryUnit.Status.IN_STOCK,
        True,
        ale_vin(8642),
    )
    assert not InventoryEvent.objects.filter(unit=held_unit, kind="delivered").exists()


@pytest.mark.django_db
def test_units_are_not_added_in_the_admin_but_on_the_inventory_page(root, held_unit):
    assert root.get(reverse("admin:dealers_inventoryunit_add")).status_code == 403
    changelist = root.get(reverse("admin:dealers_inventoryunit_changelist")).content.decode()
    assert reverse("inventory-add") in changelist
    assert reverse("admin:dealers_inventoryunit_add") not in changelist
    assert root.get(reverse("admin:dealers_inventoryunit_delete", args=[held_unit.pk])).status_code == 403
