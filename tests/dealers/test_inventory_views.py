"""The inventory pages: list, add, upload, a unit, delivery, held units (scope, messages, queries)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign import vin as vinlib
from dealers.inventory import inventory_recheck
from dealers.models import DealerNotice, InventoryUnit
from tests.factories import AffectedVehicleFactory, DealerFactory, VehicleFactory, ale_vin

RECEIVED = dt.date(2010, 6, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clean(n: int) -> str:
    return vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial=f"C{n:06d}")


def unit(dealer, serial: int, *, affected_by=None, **fields) -> InventoryUnit:
    vin = ale_vin(serial)
    if affected_by is not None:
        AffectedVehicleFactory(campaign=affected_by, vehicle=VehicleFactory(vin=vin))
    return InventoryUnit.objects.create(
        dealer=dealer, vin=vin, stock_number=f"S{serial}", received_on=RECEIVED, **fields
    )


@pytest.mark.django_db
def test_the_list_shows_only_the_users_dealers_units_and_flags_held_ones(
    client_for, preowned_manager_a, dealer_a, dealer_b, ale
):
    unit(dealer_a, 40001)
    unit(dealer_a, 40002, affected_by=ale)
    unit(dealer_b, 40003)
    inventory_recheck(campaign_id=ale.pk)

    response = client_for(preowned_manager_a).get(reverse("inventory-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "S40001" in html and "S40002" in html and "S40003" not in html
    assert "Stop sale · ALE" in html
    # The recheck's notice is shown at the top of the list.
    assert "1 unit newly on stop sale (ALE)" in html


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_3_or_60_units(
    client_for, preowned_manager_a, dealer_a, ale, django_assert_num_queries
):
    client = client_for(preowned_manager_a)
    for i in range(3):
        unit(dealer_a, 41000 + i)
    # session, user, user + group permissions (2), memberships (scope), notices, count, page
    with django_assert_num_queries(8):
        client.get(reverse("inventory-list"))
    for i in range(3, 60):
        unit(dealer_a, 41000 + i)
    with django_assert_num_queries(8):
        response = client.get(reverse("inventory-list"))
    assert len(response.context["table"].page.object_list) == 25


@pytest.mark.django_db
def test_the_list_filters_and_exports_csv(client_for, preowned_manager_a, dealer_a, ale):
    unit(dealer_a, 40011)
    unit(dealer_a, 40012, affected_by=ale)
    unit(dealer_a, 40013, status="delivered")
    inventory_recheck(campaign_id=ale.pk)
    client = client_for(preowned_manager_a)

    held = client.get(reverse("inventory-list"), {"stop_sale": "held"}).content.decode()
    assert "S40012" in held and "S40011" not in held
    delivered = client.get(reverse("inventory-list"), {"status": "delivered"}).content.decode()
    assert "S40013" in delivered and "S40011" not in delivered

    export = client.get(reverse("inventory-list"), {"_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["Stock #", "VIN", "Received"]
    assert {r[0] for r in rows[1:]} == {"S40011", "S40012"}
    assert [r[4] for r in rows[1:] if r[0] == "S40012"] == ["ALE"]


@pytest.mark.django_db
def test_adding_an_affected_unit_says_stop_sale_at_once(client_for, preowned_manager_a, dealer_a, ale):
    vin = ale_vin(40021)
    AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=vin))
    response = client_for(preowned_manager_a).post(
        reverse("inventory-add"),
        {"dealer": dealer_a.pk, "vin": vin, "stock_number": "P77", "received_on": "2010-07-08"},
        follow=True,
    )
    html = response.content.decode()
    added = InventoryUnit.objects.get(vin=vin)
    assert response.redirect_chain[-1][0] == reverse("inventory-detail", args=[added.pk])
    assert "put on STOP SALE (ALE)" in html
    assert "Stop sale — do not deliver until remedied" in html
    assert added.dealer == dealer_a and added.created_by == preowned_manager_a


@pytest.mark.django_db
def test_adding_with_bad_input_shows_the_reason_on_the_field(client_for, preowned_manager_a, dealer_a, ale):
    client = client_for(preowned_manager_a)
    client.post(
        reverse("inventory-add"),
        {"dealer": dealer_a.pk, "vin": clean(1), "stock_number": "P1", "received_on": "2010-07-08"},
    )
    response = client.post(
        reverse("inventory-add"),
        {"dealer": dealer_a.pk, "vin": clean(1), "stock_number": "P2", "received_on": "2010-07-08"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["vin"] == [
        f"{clean(1)} is already in stock here as stock number P1."
    ]
    response = client.post(
        reverse("inventory-add"),
        {
            "dealer": dealer_a.pk,
            "vin": "JTHBE96SO70007930",
            "stock_number": "P2",
            "received_on": "2010-07-08",
        },
    )
    assert "the letter O" in response.context["form"].errors["vin"][0]


@pytest.mark.django_db
def test_a_pre_owned_manager_cannot_add_to_another_dealer(client_for, preowned_manager_a, dealer_b, ale):
    response = client_for(preowned_manager_a).post(
        reverse("inventory-add"),
        {"dealer": dealer_b.pk, "vin": clean(2), "stock_number": "P2", "received_on": "2010-07-08"},
    )
    assert response.status_code == 200
    assert "dealer" in response.context["form"].errors
    assert not InventoryUnit.objects.exists()


@pytest.mark.django_db
def test_uploading_a_csv_reports_the_summary_and_offers_the_rejects(
    client_for, preowned_manager_a, dealer_a, ale
):
    content = (
        f"vin,stock_number,received_on\n{clean(1)},P1,2010-07-01\nBAD,P2,2010-07-01\n{clean(3)},,2010-07-01\n"
    )
    client = client_for(preowned_manager_a)
    response = client.post(
        reverse("inventory-upload"),
        {"dealer": dealer_a.pk, "file": SimpleUploadedFile("stock.csv", content.encode(), "text/csv")},
    )
    html = response.content.decode()
    result = response.context["result"]
    assert (result.read, result.added, result.rejected) == (3, 1, 2)
    assert "missing stock number" in html and "invalid VIN" in html
    rejects_url = reverse("inventory-upload-rejects", args=[result.rejects_token])
    assert rejects_url in html
    download = client.get(rejects_url)
    assert download.status_code == 200
    assert b"missing stock number" in b"".join(download.streaming_content)


@pytest.mark.django_db
def test_an_unreadable_upload_is_refused_on_the_form(client_for, preowned_manager_a, dealer_a, ale):
    response = client_for(preowned_manager_a).post(
        reverse("inventory-upload"),
        {"dealer": dealer_a.pk, "file": SimpleUploadedFile("stock.csv", b"vin\nX\n", "text/csv")},
    )
    assert "has no 'stock_number', 'received_on' columns" in response.context["form"].errors["file"][0]


@pytest.mark.django_db
def test_delivering_a_held_unit_is_refused_on_screen_with_the_reason(
    client_for, preowned_manager_a, dealer_a, ale
):
    held = unit(dealer_a, 40031, affected_by=ale)
    inventory_recheck(campaign_id=ale.pk)
    client = client_for(preowned_manager_a)

    page = client.get(reverse("inventory-detail", args=[held.pk])).content.decode()
    assert "a delivery will be refused and recorded" in page
    response = client.post(reverse("inventory-deliver", args=[held.pk]), {"note": "Deal 1"}, follow=True)

    html = response.content.decode()
    assert "Stop sale — do not deliver until remedied: open safety recall ALE" in html
    assert "Delivery refused (stop sale)" in html  # the recorded refusal in the unit's history
    held.refresh_from_db()
    assert held.status == "in_stock"


@pytest.mark.django_db
def test_delivering_a_clean_unit_works_and_a_second_click_is_harmless(
    client_for, preowned_manager_a, dealer_a, ale
):
    clean_unit = unit(dealer_a, 40041)
    client = client_for(preowned_manager_a)
    first = client.post(reverse("inventory-deliver", args=[clean_unit.pk]), follow=True).content.decode()
    assert f"Stock {clean_unit.stock_number} marked delivered." in first
    second = client.post(reverse("inventory-deliver", args=[clean_unit.pk]), follow=True).content.decode()
    assert "no longer in stock" in second
    assert clean_unit.events.filter(kind="delivered").count() == 1


@pytest.mark.django_db
def test_dealer_b_staff_get_404_for_dealer_a_units(client_for, preowned_manager_b, dealer_a, ale):
    other = unit(dealer_a, 40051)
    client = client_for(preowned_manager_b)
    assert client.get(reverse("inventory-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("inventory-deliver", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == "in_stock" and not other.events.exists()


@pytest.mark.django_db
def test_the_held_view_counts_per_dealer_in_the_users_scope(
    client_for, regional_west, campaign_admin, dealer_a, dealer_b, region_west, ale
):
    dealer_a2 = DealerFactory(code="10009", name="Lexus of Glendale", region=region_west)
    for serial in (40061, 40062):
        unit(dealer_a, serial, affected_by=ale)
    unit(dealer_a2, 40063, affected_by=ale)
    unit(dealer_b, 40064, affected_by=ale)
    unit(dealer_a, 40065)  # not held
    inventory_recheck(campaign_id=ale.pk)

    west = client_for(regional_west).get(reverse("inventory-held"))
    counts = {row["dealer__code"]: row["held"] for row in west.context["counts"].data}
    assert counts == {"10001": 2, "10009": 1}
    assert west.context["table"].page.paginator.count == 3

    national = client_for(campaign_admin).get(reverse("inventory-held"))
    assert {row["dealer__code"]: row["held"] for row in national.context["counts"].data} == {
        "10001": 2,
        "10009": 1,
        "20002": 1,
    }


@pytest.mark.django_db
def test_the_held_view_filters_by_dealer_region_campaign_and_date(
    client_for, campaign_admin, dealer_a, dealer_b, region_east, ale
):
    unit(dealer_a, 40071, affected_by=ale)
    unit(dealer_b, 40072, affected_by=ale)
    inventory_recheck(campaign_id=ale.pk)
    InventoryUnit.objects.filter(vin=ale_vin(40071)).update(
        stop_sale_since=timezone.now() - dt.timedelta(days=30)
    )
    client = client_for(campaign_admin)

    def held(**params) -> set[str]:
        response = client.get(reverse("inventory-held"), params)
        assert response.status_code == 200
        return {u.stock_number for u in response.context["table"].data}

    assert held() == {"S40071", "S40072"}
    assert held(dealer=dealer_a.pk) == {"S40071"}
    assert held(region=region_east.pk) == {"S40072"}
    assert held(campaign="ALE") == {"S40071", "S40072"}
    assert held(since=(timezone.localdate() - dt.timedelta(days=2)).isoformat()) == {"S40072"}


@pytest.mark.django_db
def test_a_dealer_outside_the_scope_is_not_a_filter_choice(client_for, regional_west, dealer_b, ale):
    response = client_for(regional_west).get(reverse("inventory-held"), {"dealer": dealer_b.pk})
    assert "dealer" in response.context["filter"].errors


@pytest.mark.django_db
def test_the_held_view_exports_both_tables_as_csv(client_for, campaign_admin, dealer_a, ale):
    unit(dealer_a, 40081, affected_by=ale)
    inventory_recheck(campaign_id=ale.pk)
    client = client_for(campaign_admin)
    units = list(
        csv.reader(io.StringIO(client.get(reverse("inventory-held"), {"_export": "csv"}).content.decode()))
    )
    assert units[0][:5] == ["Dealer code", "Dealer", "Region", "Stock #", "VIN"]
    assert units[1][3:5] == ["S40081", ale_vin(40081)]
    per_dealer = client.get(
        reverse("inventory-held"), {"_export": "csv", "table": "dealers"}
    ).content.decode()
    rows = list(csv.reader(io.StringIO(per_dealer)))
    assert rows[0][:5] == ["Dealer code", "Dealer", "City", "Region", "Held units"]
    assert rows[1][:5] == ["10001", "Lexus of Pasadena", "Pasadena, CA", "Western Area", "1"]


@pytest.mark.django_db
def test_the_held_view_costs_the_same_queries_for_few_or_many_dealers(
    client_for, campaign_admin, ale, django_assert_num_queries
):
    client = client_for(campaign_admin)
    dealers = [DealerFactory() for _ in range(40)]

    def hold(start: int, count: int) -> None:
        for i in range(count):
            unit(dealers[i % len(dealers)], start + i, affected_by=ale)
        inventory_recheck(campaign_id=ale.pk)

    hold(42000, 2)
    # session, user, user + group permissions (2), memberships (scope; a national user has no
    # dealer notices, so no query for them), per-dealer groups count, held units count,
    # dealer / region / campaign filter choices (3), per-dealer page, units page.
    with django_assert_num_queries(12):
        client.get(reverse("inventory-held"))
    hold(43000, 80)
    with django_assert_num_queries(12):
        client.get(reverse("inventory-held"))


@pytest.mark.django_db
def test_roles_without_inventory_permission_are_refused(client_for, service_manager_a, parts_manager_a, ale):
    for user in (service_manager_a, parts_manager_a):
        client = client_for(user)
        assert client.get(reverse("inventory-list")).status_code == 403
        assert client.get(reverse("inventory-held")).status_code == 403
        assert client.get(reverse("inventory-add")).status_code == 403


@pytest.mark.django_db
def test_a_notice_shows_on_the_inventory_list_of_the_dealers_users(client_for, principal_a, dealer_a, ale):
    DealerNotice.objects.create(
        dealer=dealer_a,
        kind="stop_sale",
        message="3 units newly on stop sale (ALE) — do not deliver until remedied.",
        link="/inventory/held/",
    )
    html = client_for(principal_a).get(reverse("inventory-list")).content.decode()
    assert "3 units newly on stop sale (ALE)" in html


@pytest.mark.django_db
def test_a_dealers_own_held_view_is_one_list_with_fixed_queries(
    client_for, preowned_manager_a, dealer_a, dealer_b, ale, django_assert_num_queries
):
    client = client_for(preowned_manager_a)
    for serial in range(44000, 44003):
        unit(dealer_a, serial, affected_by=ale)
    unit(dealer_b, 44010, affected_by=ale)
    inventory_recheck(campaign_id=ale.pk)
    # session, user, user + group permissions (2), memberships (scope), held units count,
    # the dealer's open stop-sale notices, campaign filter choices, units page
    with django_assert_num_queries(9):
        response = client.get(reverse("inventory-held"))
    html = response.content.decode()
    assert "Held units per dealer" not in html
    assert {u.stock_number for u in response.context["table"].data} == {"S44000", "S44001", "S44002"}
    for serial in range(44100, 44140):
        unit(dealer_a, serial, affected_by=ale)
    inventory_recheck(campaign_id=ale.pk)
    with django_assert_num_queries(9):
        client.get(reverse("inventory-held"))
