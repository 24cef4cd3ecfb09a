"""The dealer settings page: the time zone the service manager sets, the rates the manufacturer sets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from campaign.errors import DomainError
from dealers.dealer_settings import dealer_time_zone_set
from dealers.navigation import nav_for_user

URL = reverse("dealer-settings")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rated(dealer_a):
    dealer_a.warranty_labor_rate = Decimal("142.50")
    dealer_a.parts_allowance_percent = Decimal("35.00")
    dealer_a.time_zone = "America/Los_Angeles"
    dealer_a.save()
    return dealer_a


@pytest.mark.django_db
def test_the_service_manager_sees_the_rates_read_only_and_a_time_zone_form(service_manager_a, rated):
    page = client_for(service_manager_a).get(URL).content.decode()
    assert rated.name in page
    assert "$142.50" in page and "35%" in page
    assert 'name="time_zone"' in page
    # The rates are shown, never offered for editing on the dealer's side.
    assert 'name="warranty_labor_rate"' not in page and 'name="parts_allowance_percent"' not in page


@pytest.mark.django_db
def test_the_principal_reads_the_settings_without_a_form(principal_a, rated):
    page = client_for(principal_a).get(URL).content.decode()
    assert "Pacific (Los Angeles)" in page and "$142.50" in page
    assert 'name="time_zone"' not in page
    response = client_for(principal_a).post(URL, {"dealer": rated.pk, "time_zone": "America/Chicago"})
    assert response.status_code == 403
    rated.refresh_from_db()
    assert rated.time_zone == "America/Los_Angeles"


@pytest.mark.django_db
def test_a_zone_outside_the_us_list_is_refused_on_the_form(service_manager_a, rated):
    response = client_for(service_manager_a).post(URL, {"dealer": rated.pk, "time_zone": "Europe/Paris"})
    assert response.status_code == 400
    assert "Europe/Paris is not one of the available choices" in response.content.decode()
    rated.refresh_from_db()
    assert rated.time_zone == "America/Los_Angeles"


@pytest.mark.django_db
def test_the_service_refuses_a_zone_and_a_dealer_not_the_users(service_manager_a, service_manager_b, rated):
    with pytest.raises(DomainError) as refused:
        dealer_time_zone_set(user=service_manager_a, dealer_id=rated.pk, time_zone="Mars/Olympus")
    assert (refused.value.code, refused.value.field) == ("invalid", "time_zone")
    with pytest.raises(DomainError) as stranger:
        dealer_time_zone_set(user=service_manager_b, dealer_id=rated.pk, time_zone="America/Chicago")
    assert stranger.value.code == "not_found"
    rated.refresh_from_db()
    assert rated.time_zone == "America/Los_Angeles"


@pytest.mark.django_db
def test_the_menu_offers_the_page_to_principal_and_service_not_to_parts(
    principal_a, service_manager_a, parts_manager_a
):
    def labels(user):
        return [link.label for link in nav_for_user(user=user)]

    assert "Dealer settings" in labels(principal_a)
    assert "Dealer settings" in labels(service_manager_a)
    assert "Dealer settings" not in labels(parts_manager_a)


@pytest.mark.django_db
def test_the_manufacturer_sets_the_rates_in_django_admin(campaign_admin, rated):
    campaign_admin.is_staff = True
    campaign_admin.save(update_fields=["is_staff"])
    client = client_for(campaign_admin)
    url = reverse("admin:dealers_dealer_change", args=[rated.pk])
    form = client.get(url).content.decode()
    assert 'name="warranty_labor_rate"' in form and 'name="parts_allowance_percent"' in form
    data = {
        "code": rated.code,
        "name": rated.name,
        "address1": rated.address1,
        "city": rated.city,
        "state": rated.state,
        "postal_code": rated.postal_code,
        "phone": rated.phone,
        "region": rated.region_id,
        "active": "on",
        "time_zone": "America/Denver",
        "warranty_labor_rate": "155.00",
        "parts_allowance_percent": "38.5",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rated.refresh_from_db()
    assert (rated.warranty_labor_rate, rated.parts_allowance_percent, rated.time_zone) == (
        Decimal("155.00"),
        Decimal("38.50"),
        "America/Denver",
    )


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_one_dealer_or_three(service_manager_a, rated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealers.models import Membership
    from dealers.services import membership_grant
    from tests.factories import DealerFactory

    client = client_for(service_manager_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    # session, user, user + group permissions (2), the user's memberships (the scope, which the
    # navigation bar reuses), the dealers
    assert count() == 6
    for _ in range(2):
        membership_grant(user=service_manager_a, role=Membership.Role.SERVICE_MANAGER, dealer=DealerFactory())
    assert count() == 6
