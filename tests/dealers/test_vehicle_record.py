"""The dealer's vehicle record: eligibility by VIN for any dealer, owner data only in scope, logged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.selectors import campaign_screen
from dealers.models import OwnerDataAccess, ServicingDealer
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

URL = reverse("vehicle-record")


@pytest.fixture
def posted(ale):
    ale.affected_list_posted_at = timezone.now()
    ale.save(update_fields=["affected_list_posted_at"])
    return ale


@pytest.fixture
def owned(posted, dealer_a):
    """An affected 2007 GS 350 with a registered owner, serviced by dealer A."""
    vehicle = VehicleFactory(
        vin=ale_vin(12345),
        owner_name="Margaret Hale",
        address1="12 Orange Grove Blvd",
        city="Pasadena",
        phone="626-555-0142",
        email="m.hale@example.com",
    )
    AffectedVehicleFactory(campaign=posted, vehicle=vehicle)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
    return vehicle


def look_up(client, vin: str):
    response = client.get(URL, {"vin": vin})
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.django_db
def test_the_servicing_dealers_service_manager_sees_the_record_with_its_owner(
    client_for, service_manager_a, owned
):
    response, html = look_up(client_for(service_manager_a), owned.vin.lower())
    record = response.context["record"]
    assert (record.vin, record.model_label, record.model_year) == (owned.vin, "GS 350", 2007)
    assert [(s.campaign.code, s.state) for s in record.statuses] == [("ALE", "affected")]
    assert "Affected — recall open" in html
    assert "Remedy not yet available (parts pending)" in html  # ALE is in its preliminary phase
    assert "Lexus of Pasadena" in html
    assert "Margaret Hale" in html and "626-555-0142" in html and "m.hale@example.com" in html
    assert "Repair history" in html and "No repair orders recorded" in html
    access = OwnerDataAccess.objects.get()
    assert (access.user, access.vehicle, access.context) == (service_manager_a, owned, "vehicle record")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["regional_west", "campaign_admin", "principal_a"])
def test_the_region_the_nation_and_the_principal_see_the_owner_and_are_logged(
    request, client_for, owned, persona
):
    user = request.getfixturevalue(persona)
    _, html = look_up(client_for(user), owned.vin)
    assert "Margaret Hale" in html
    assert OwnerDataAccess.objects.filter(user=user, vehicle=owned).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["service_manager_b", "preowned_manager_b", "parts_manager_a", "preowned_manager_a"]
)
def test_others_check_eligibility_but_not_the_owner(request, client_for, owned, persona):
    """Any dealer checks any VIN; owner details stay with the servicing dealer's service side."""
    _, html = look_up(client_for(request.getfixturevalue(persona)), owned.vin)
    assert "Affected — recall open" in html
    assert "Owner details are held by Lexus of Pasadena." in html
    assert "Margaret Hale" not in html and "626-555-0142" not in html and "Orange Grove" not in html
    assert not OwnerDataAccess.objects.exists()


@pytest.mark.django_db
def test_a_scanned_barcode_string_finds_the_vin_inside(client_for, service_manager_b, owned):
    response, _ = look_up(client_for(service_manager_b), f"I{owned.vin}  0012")
    assert response.context["record"].vin == owned.vin


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("JTHBE96S07000793", "A VIN has 17 characters; this one has 16."),
        ("JTHBE96SO70007930", "Position 9 is the letter O, which never appears in a VIN"),
        (ale_vin(12345)[:8] + "X" + ale_vin(12345)[9:], "Position 9 should be"),
        (
            "NOT A VIN AT ALL, JUST TEXT 123",
            "If you scanned a barcode, no VIN with a valid check digit was found",
        ),
    ],
)
def test_an_invalid_vin_gets_the_clerk_friendly_message(client_for, service_manager_a, ale, typed, message):
    response = client_for(service_manager_a).get(URL, {"vin": typed})
    assert response.status_code == 200
    assert response.context["record"] is None
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_vin_no_campaign_covers_says_so(client_for, service_manager_a, posted):
    from campaign import vin as vinlib

    rx = vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial="C100001")
    response, html = look_up(client_for(service_manager_a), rx)
    assert response.context["record"].known is False
    assert "No campaign we track covers this VIN." in html
    assert "model year 2009" in html


@pytest.mark.django_db
def test_in_range_but_not_on_the_posted_list_is_not_affected(client_for, service_manager_a, posted):
    _, html = look_up(client_for(service_manager_a), ale_vin(12400))
    assert "In range, not affected" in html
    assert "No servicing dealer is assigned" in html


@pytest.mark.django_db
def test_in_range_before_the_list_is_posted_says_so(client_for, service_manager_a, ale):
    _, html = look_up(client_for(service_manager_a), ale_vin(12400))
    assert "affected list not yet posted" in html


@pytest.mark.django_db
def test_a_remedied_vin_shows_remedied(client_for, service_manager_a, owned):
    owned.campaign_entries.update(status="remedied")
    _, html = look_up(client_for(service_manager_a), owned.vin)
    assert "Remedied" in html and "No open recall" in html


@pytest.mark.django_db
def test_the_form_can_be_posted_too(client_for, service_manager_a, owned):
    response = client_for(service_manager_a).post(URL, {"vin": owned.vin})
    assert response.status_code == 200 and response.context["record"].vin == owned.vin


@pytest.mark.django_db
def test_the_record_page_costs_a_fixed_number_of_queries(
    client_for, service_manager_a, owned, django_assert_num_queries
):
    client = client_for(service_manager_a)
    campaign_screen(
        owned.campaign_entries.get().campaign
    )  # the per-process VIN-table cache, warm as in production
    # ... and the parts card: the VIN's claims on kits in the user's scope (one query).
    with django_assert_num_queries(18):
        # session, user, user and group permissions (2), vin_lookup (2: every campaign's
        # verdict on the VIN, then the covering campaigns' texts), the vehicle with its
        # servicing dealer and region, the user's memberships (scope), the owner-data log insert,
        # and the repair history (5: appointments, ROs, claims, campaign entries, outcome
        # changes), whose appointments the appointments card shows (no query of its own);
        # the messages card: the owner's contact preference and the VIN's messages (2); and
        # the letters card: the VIN's owner letters with their returns (one query).
        look_up(client, owned.vin)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, ale):
    response = client.get(URL, {"vin": ale_vin(12345)})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_pre_owned_manager_sees_the_vin_in_their_own_stock(
    client_for, preowned_manager_a, preowned_manager_b, owned, dealer_a
):
    from dealers.inventory import inventory_add

    inventory_add(
        dealer_id=dealer_a.pk, vin=owned.vin, stock_number="P9", received_on=timezone.localdate(), user=None
    )
    _, html = look_up(client_for(preowned_manager_a), owned.vin)
    assert "In your pre-owned inventory" in html and "Stock P9" in html and "Stop sale — ALE" in html
    _, html = look_up(client_for(preowned_manager_b), owned.vin)
    assert "In your pre-owned inventory" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("units", [1, 8])
def test_the_principals_record_with_inventory_costs_the_same_queries_for_1_or_8_units(
    client_for, principal_a, dealer_a, owned, units, django_assert_num_queries
):
    import datetime as dt

    from dealers.models import InventoryUnit

    for n in range(units):
        InventoryUnit.objects.create(
            dealer=dealer_a,
            vin=owned.vin,
            stock_number=f"R{n}",
            received_on=dt.date(2010, 7, 1) + dt.timedelta(days=n),
            status="in_stock" if n == 0 else "delivered",
        )
    client = client_for(principal_a)
    campaign_screen(owned.campaign_entries.get().campaign)  # the per-process VIN-table cache, warm
    with django_assert_num_queries(19):
        # As the service manager's record (18), plus the principal's inventory units with this VIN
        # (one query, at most 10 rows) — the scope is read once for both.
        response, _ = look_up(client, owned.vin)
    assert len(response.context["record"].inventory) == units


@pytest.mark.django_db
def test_regional_staff_check_another_regions_vehicle_without_its_owner(
    client_for, regional_west, posted, dealer_b
):
    """West's regional staff meeting a vehicle dealer B (East) services: eligibility, no owner, no log."""
    vehicle = VehicleFactory(vin=ale_vin(12399), owner_name="Eastern Owner", phone="212-555-0100")
    AffectedVehicleFactory(campaign=posted, vehicle=vehicle)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_b)
    response, html = look_up(client_for(regional_west), vehicle.vin)
    assert "Affected — recall open" in html
    assert "Eastern Owner" not in html and "212-555-0100" not in html
    assert not response.context["record"].owner_visible
    assert not OwnerDataAccess.objects.exists()
    assert "no-store" not in response.get("Cache-Control", "")
