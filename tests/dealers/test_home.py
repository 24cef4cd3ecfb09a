"""The home page each role lands on: what it can act on now, its navigation, its notices."""

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile

from campaign.models import AffectedVehicle, Campaign, CampaignDocument
from dealers.models import DealerNotice, InventoryUnit, ServicingDealer
from dealers.navigation import nav_for_user
from tests.factories import AffectedVehicleFactory, DealerFactory, UserFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db
OPEN, REMEDIED = AffectedVehicle.Status.OPEN, AffectedVehicle.Status.REMEDIED


def serviced(ale, dealer, *statuses):
    for status in statuses:
        vehicle = VehicleFactory()
        AffectedVehicleFactory(campaign=ale, vehicle=vehicle, status=status)
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)


def held_unit(dealer, serial, *, stop_sale=True, status=InventoryUnit.Status.IN_STOCK):
    return InventoryUnit.objects.create(
        dealer=dealer,
        vin=ale_vin(serial),
        stock_number=f"U{serial}",
        received_on=dt.date(2010, 7, 1),
        stop_sale=stop_sale,
        status=status,
    )


@pytest.fixture
def fleet(ale, dealer_a, dealer_b):
    """Dealer A services 3 open and 1 remedied ALE vehicles; dealer B 2 open."""
    serviced(ale, dealer_a, OPEN, OPEN, OPEN, REMEDIED)
    serviced(ale, dealer_b, OPEN, OPEN)


def page(client_for, user, path="/") -> str:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_user_without_a_role_is_told_politely(client_for):
    html = page(client_for, UserFactory())
    assert "No access yet" in html
    assert "ask your administrator" in html
    assert "check a VIN for open recalls" in html  # the public look-up is still theirs


def test_service_manager_home(client_for, service_manager_a, fleet):
    html = page(client_for, service_manager_a)
    # The VIN check box, a GET to the vehicle record page.
    assert 'action="/vehicles/"' in html and 'name="vin"' in html
    assert "Lexus of Pasadena" in html
    assert '<div class="display-6">4</div>' in html  # affected, assigned to dealer A
    assert '<div class="display-6 text-danger">3</div>' in html  # open
    assert '<div class="display-6 text-success">1</div>' in html  # remedied
    assert "Lexus of Manhattan" not in html
    # The phase and what it means at the service desk.
    assert "Preliminary notice" in html and "wait-list them" in html
    # Not theirs: held units, the regional table, the campaigns table.
    assert "Pre-owned stop-sale" not in html and "Dealers in your region" not in html
    assert "Parts information" not in html


def test_the_phase_guidance_follows_the_campaign(client_for, service_manager_a, ale):
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.PARTS_AVAILABLE)
    html = page(client_for, service_manager_a)
    assert "Parts available" in html and "start scheduling repairs" in html
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.CLOSED)
    assert "No campaign is in progress" in page(client_for, service_manager_a)


def test_parts_manager_home_lists_the_parts_documents(client_for, parts_manager_a, ale, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = page(client_for, parts_manager_a)
    assert "No parts information published yet" in html
    for kind, title in (("parts", "Valve spring part numbers"), ("technical", "Technical instructions T-SB")):
        doc = CampaignDocument(campaign=ale, kind=kind, title=title)
        doc.file.save("doc.pdf", ContentFile(b"%PDF"), save=True)
    html = page(client_for, parts_manager_a)
    assert "Valve spring part numbers" in html
    assert "Technical instructions T-SB" not in html
    assert "Preliminary notice" in html
    assert 'name="vin"' not in html and "affected vehicles assigned" not in html


def test_preowned_manager_home_counts_held_units(client_for, preowned_manager_a, dealer_a, dealer_b):
    held_unit(dealer_a, 1)
    held_unit(dealer_a, 2)
    held_unit(dealer_a, 3, stop_sale=False)
    held_unit(dealer_a, 4, stop_sale=False, status=InventoryUnit.Status.DELIVERED)
    held_unit(dealer_b, 5)
    html = page(client_for, preowned_manager_a)
    assert ">2</span>" in html and "units on hold" in html
    assert 'href="/inventory/held/"' in html and 'href="/inventory/"' in html
    assert 'name="vin"' not in html


def test_principal_home_summarises_the_dealership(client_for, principal_a, dealer_a, fleet):
    held_unit(dealer_a, 1)
    html = page(client_for, principal_a)
    assert "Your dealership at a glance" in html
    assert '<div class="display-6">4</div>' in html
    assert "unit on hold" in html
    assert "Parts information" in html
    assert 'name="vin"' in html


def test_regional_home_tables_the_regions_dealers(
    client_for, regional_west, dealer_a, dealer_b, fleet, region_west
):
    other = DealerFactory(code="10009", name="Lexus of Fresno", region=region_west)
    response = client_for(regional_west).get("/")
    html = response.content.decode()
    assert "Dealers in your region" in html
    assert "Lexus of Pasadena" in html and "Lexus of Fresno" in html
    assert "Lexus of Manhattan" not in html
    rows = {d.code: d for d in response.context["region_table"].page.object_list.data}
    assert (rows["10001"].affected, rows["10001"].open, rows["10001"].remedied) == (4, 3, 1)
    assert rows[other.code].affected == 0
    chart = json.loads(response.context["chart"] and json.dumps(response.context["chart"]))
    assert chart["labels"] == ["10001", "10009"] and chart["open"] == [3, 0]
    assert "chart.umd.js" in html


def test_regional_table_sorts_and_pages(client_for, regional_west, region_west):
    for n in range(30):
        DealerFactory(code=f"{11000 + n}", name=f"Lexus of West {n:02d}", region=region_west)
    client = client_for(regional_west)
    first = client.get("/?sort=name").context["region_table"]
    assert [d.name for d in first.page.object_list.data][:2] == ["Lexus of West 00", "Lexus of West 01"]
    assert first.page.paginator.num_pages == 2
    desc = client.get("/?sort=-name&page=2").context["region_table"]
    assert [d.name for d in desc.page.object_list.data] == [f"Lexus of West {n:02d}" for n in (4, 3, 2, 1, 0)]


def dealers_in_west(region_west, count, ale):
    for n in range(count):
        dealer = DealerFactory(code=f"{12000 + n}", region=region_west)
        serviced(ale, dealer, OPEN, REMEDIED)


@pytest.mark.parametrize("dealers", [1, 12])
def test_regional_dashboard_query_count_does_not_grow_with_dealers(
    client_for, regional_west, region_west, ale, dealers, django_assert_num_queries
):
    dealers_in_west(region_west, dealers, ale)
    client = client_for(regional_west)
    # 1 session, 2 user, 3 memberships (user_scope), 4 memberships with dealer/region
    # (the badges), 5 open campaigns, 6 the entry counts grouped by dealer, 7 the
    # region's dealers (table, totals and chart read the same rows), 8-9 the user's and
    # the groups' permissions (navigation). No notices query: regional staff have no
    # dealer memberships, so it is known empty without asking.
    with django_assert_num_queries(9):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("dealers", [1, 12])
def test_admin_home_query_count_does_not_grow_with_dealers(
    client_for, campaign_admin, region_west, ale, dealers, django_assert_num_queries
):
    dealers_in_west(region_west, dealers, ale)
    client = client_for(campaign_admin)
    # session, user, memberships, badges, open campaigns, entry counts by dealer, the
    # dealers (for the region totals), campaigns with their counts, two permission queries.
    with django_assert_num_queries(10):
        assert client.get("/").status_code == 200


def test_regional_table_sorts_by_completion(client_for, regional_west, region_west, ale):
    done = DealerFactory(code="13001", name="Lexus of Done", region=region_west)
    half = DealerFactory(code="13002", name="Lexus of Half", region=region_west)
    serviced(ale, done, REMEDIED, REMEDIED)
    serviced(ale, half, OPEN, REMEDIED, OPEN, OPEN)
    table = client_for(regional_west).get("/?sort=-completion").context["region_table"]
    assert [d.name for d in table.page.object_list.data][:2] == ["Lexus of Done", "Lexus of Half"]
    assert "100.0&nbsp;%" in client_for(regional_west).get("/?sort=-completion").content.decode()


@pytest.mark.parametrize("vehicles", [1, 10])
def test_service_home_query_count_does_not_grow_with_vehicles(
    client_for, service_manager_a, dealer_a, ale, vehicles, django_assert_num_queries
):
    serviced(ale, dealer_a, *([OPEN] * vehicles))
    client = client_for(service_manager_a)
    # session, user, memberships, campaigns, notices, membership badges, the grouped
    # counts, the dealers for their names, and the two permission queries of the navigation;
    # the booking panel: its dealers, today's and tomorrow's appointments, the call list's count;
    # the parts panel: its dealers, the at-risk appointments, the count of owners to call.
    with django_assert_num_queries(16):
        assert client.get("/").status_code == 200


def test_admin_home_lists_campaigns_with_counts_and_links(client_for, campaign_admin, fleet, ale):
    campaign_admin.is_staff = True
    campaign_admin.save()
    response = client_for(campaign_admin).get("/")
    html = response.content.decode()
    (row,) = response.context["admin_campaigns"]
    assert (row.code, row.affected, row.open) == ("ALE", 6, 5)
    assert "Safety Recall ALE" in html and "Preliminary notice" in html
    assert 'href="/admin/' in html
    regions = {r.name: r for r in response.context["regions"]}
    assert regions["Western Area"].open == 3 and regions["Eastern Area"].open == 2
    assert "Dealers in your region" not in html


def test_notices_show_to_the_dealers_staff_until_dismissed(
    client_for, service_manager_a, preowned_manager_a, service_manager_b, dealer_a
):
    notice = DealerNotice.objects.create(
        dealer=dealer_a,
        kind=DealerNotice.Kind.STOP_SALE,
        message="2 units newly on stop-sale",
        link="/inventory/held/",
    )
    assert "2 units newly on stop-sale" in page(client_for, preowned_manager_a)
    assert "2 units newly on stop-sale" not in page(client_for, service_manager_b)

    # Dealer B's staff cannot dismiss it (404), dealer A's can, once for the whole dealership.
    assert client_for(service_manager_b).post(f"/notices/{notice.pk}/dismiss/").status_code == 404
    response = client_for(service_manager_a).post(f"/notices/{notice.pk}/dismiss/", follow=True)
    assert "Notice dismissed" in response.content.decode()
    notice.refresh_from_db()
    assert notice.dismissed_by == service_manager_a and notice.dismissed_at is not None
    assert "2 units newly on stop-sale" not in page(client_for, preowned_manager_a)
    # A dismissed notice is gone from the scope too: a second dismissal is a 404.
    assert client_for(preowned_manager_a).post(f"/notices/{notice.pk}/dismiss/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "entries"),
    [
        (
            "service_manager_a",
            [
                "Home",
                "Completion",
                "Vehicle record",
                "Appointments",
                "Wait-list",
                "Campaigns",
                "Repair orders",
                "Parts",
                "Claims",
                "Dealer settings",
            ],
        ),
        (
            "parts_manager_a",
            [
                "Home",
                "Vehicle record",
                "Appointments",
                "Wait-list",
                "Campaigns",
                "Repair orders",
                "Parts",
            ],
        ),
        ("preowned_manager_a", ["Home", "Vehicle record", "Campaigns", "Inventory", "Held units"]),
        (
            "principal_a",
            [
                "Home",
                "Completion",
                "Vehicle record",
                "Appointments",
                "Campaigns",
                "Inventory",
                "Held units",
                "Repair orders",
                "Parts",
                "Claims",
                "Dealer settings",
            ],
        ),
        (
            "regional_west",
            [
                "Home",
                "Completion",
                "Vehicle record",
                "Appointments",
                "Campaigns",
                "Inventory",
                "Held units",
                "Repair orders",
                "Parts",
                "Claims",
                "Mailings",
            ],
        ),
        (
            "campaign_admin",
            [
                "Home",
                "Completion",
                "Vehicle record",
                "Appointments",
                "Campaigns",
                "Inventory",
                "Held units",
                "Repair orders",
                "Parts",
                "Claims",
                "Mailings",
            ],
        ),
        (
            "warranty_admin",
            [
                "Home",
                "Vehicle record",
                "Appointments",
                "Campaigns",
                "Repair orders",
                "Claims",
                "Claim review",
                "Reimbursements",
            ],
        ),
    ],
)
def test_navigation_is_built_from_permissions(request, persona, entries):
    user = request.getfixturevalue(persona)
    assert [link.label for link in nav_for_user(user=user)] == entries


def test_staff_see_the_admin_entry_and_the_active_entry_is_marked(campaign_admin):
    campaign_admin.is_staff = True
    links = nav_for_user(user=campaign_admin, path="/inventory/held/")
    assert [link.label for link in links][-1] == "Admin"
    assert [link.label for link in links if link.active] == ["Held units"]
    assert [
        link.label for link in nav_for_user(user=campaign_admin, path="/inventory/7/") if link.active
    ] == ["Inventory"]
    assert [link.label for link in nav_for_user(user=campaign_admin, path="/") if link.active] == ["Home"]


def test_users_without_a_role_get_no_navigation(db):
    assert nav_for_user(user=UserFactory()) == []


def test_the_rendered_menu_matches_the_permissions(client_for, service_manager_a, preowned_manager_a):
    html = page(client_for, service_manager_a)
    assert 'href="/vehicles/"' in html and 'href="/inventory/"' not in html
    html = page(client_for, preowned_manager_a)
    assert 'href="/inventory/"' in html
    assert "Sign out" in html and 'action="/accounts/logout/"' in html


def test_an_entry_naming_no_url_fails_loudly_rather_than_vanishing(campaign_admin, monkeypatch):
    from django.urls import NoReverseMatch

    from dealers import navigation

    entry = navigation.NavEntry("Nowhere", "no-such-page", navigation.MEMBER, "receipt")
    monkeypatch.setattr(navigation, "NAV_ENTRIES", (*navigation.NAV_ENTRIES, entry))
    with pytest.raises(NoReverseMatch):
        nav_for_user(user=campaign_admin)
