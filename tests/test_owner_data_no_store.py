"""A page that shows an owner's data is never stored by a browser or proxy cache."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dealers.models import OwnerDataAccess, ServicingDealer
from dealers.owner_data import OwnerDataNoStoreMiddleware, owner_data_access_record
from tests.factories import AffectedVehicleFactory, UserFactory, VehicleFactory, ale_vin

URL = reverse("vehicle-record")


@pytest.fixture
def owned(ale, dealer_a):
    ale.affected_list_posted_at = timezone.now()
    ale.save(update_fields=["affected_list_posted_at"])
    vehicle = VehicleFactory(vin=ale_vin(31337), owner_name="Ada Okafor", phone="626-555-0111")
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
    return vehicle


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
def test_the_vehicle_record_with_its_owner_is_no_store(client_for, service_manager_a, owned):
    response = client_for(service_manager_a).get(URL, {"vin": owned.vin})
    assert "Ada Okafor" in response.content.decode()
    assert {"no-store", "no-cache", "must-revalidate", "private"} <= cache_control(response)
    assert OwnerDataAccess.objects.filter(vehicle=owned).count() == 1


@pytest.mark.django_db
def test_the_posted_vehicle_record_is_no_store_too(client_for, principal_a, owned):
    response = client_for(principal_a).post(URL, {"vin": owned.vin})
    assert "Ada Okafor" in response.content.decode() and "no-store" in cache_control(response)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["parts_manager_a", "service_manager_b"])
def test_the_same_record_without_owner_data_needs_no_no_store(request, client_for, owned, persona):
    response = client_for(request.getfixturevalue(persona)).get(URL, {"vin": owned.vin})
    assert response.status_code == 200 and "Ada Okafor" not in response.content.decode()
    assert "no-store" not in cache_control(response)
    assert not OwnerDataAccess.objects.exists()


@pytest.mark.django_db
def test_pages_without_owner_data_are_not_marked(client_for, service_manager_a, ale):
    for url in (reverse("home"), URL, reverse("campaign-list")):
        assert "no-store" not in cache_control(client_for(service_manager_a).get(url)), url


@pytest.mark.django_db
def test_any_view_that_logs_an_owner_view_is_marked_and_the_mark_ends_with_the_request(owned):
    """The mark comes from the log call itself, whatever view makes it (an export, a later page)."""
    viewer = UserFactory(username="viewer")

    def export_view(request):
        owner_data_access_record(user=viewer, vehicle=owned, context="export")
        return HttpResponse("owner list")

    middleware = OwnerDataNoStoreMiddleware(export_view)
    assert "no-store" in cache_control(middleware(RequestFactory().get("/export/")))
    plain = OwnerDataNoStoreMiddleware(lambda request: HttpResponse("no owners"))
    assert "no-store" not in cache_control(plain(RequestFactory().get("/other/")))
    # Outside a request (a Celery task), logging still works and marks nothing.
    assert owner_data_access_record(user=viewer, vehicle=owned, context="task").pk
