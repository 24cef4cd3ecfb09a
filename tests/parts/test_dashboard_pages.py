"""The parts dashboard pages: who sees which level, drill-down, filters, exports, and a query
count that does not grow with the fleet."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.factories import DealerFactory
from tests.parts.dashboard_fixtures import V8, consume, kit, receive, wait

pytestmark = pytest.mark.django_db
URL = "/parts/dashboard/"


@pytest.fixture
def stocked(ale, dealer_a, dealer_b):
    """Dealer A (West) holds kits nobody waits for; dealer B (East) has a line and no kits."""
    v6 = kit(ale)
    receive(dealer_a, v6, 12, days_ago=5)
    consume(dealer_a, v6, 2, days_ago=2)
    wait(dealer_b, v6, ale, n=6)
    wait(dealer_b, v6, ale, n=2, appointment=True)
    return v6


def test_national_view_rolls_up_regions_and_shows_the_misallocation(client_for, campaign_admin, stocked):
    response = client_for(campaign_admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    regions = {r.region: r for r in response.context["board"].regions}
    assert regions["Western Area"].available == 10 and regions["Eastern Area"].waiting == 8
    assert [r.name for r in response.context["surpluses"]] == ["Lexus of Pasadena"]
    assert [r.name for r in response.context["shortfalls"]] == ["Lexus of Manhattan"]
    assert "By region" in html and "not at the current rate" in html
    assert 'src="/static/vendor/chart.js/chart.umd.js"' in html and "parts-chart-data" in html


def test_regional_staff_see_their_region_only(client_for, regional_west, stocked, region_west, region_east):
    client = client_for(regional_west)
    response = client.get(URL)
    assert [r.name for r in response.context["board"].rows] == ["Lexus of Pasadena"]
    assert client.get(f"{URL}region/{region_west.pk}/").status_code == 200
    assert client.get(f"{URL}region/{region_east.pk}/").status_code == 404


def test_drill_down_national_to_region_to_dealer(client_for, campaign_admin, stocked, region_east, dealer_b):
    client = client_for(campaign_admin)
    assert f'href="{URL}region/{region_east.pk}/"' in client.get(URL).content.decode()
    region_page = client.get(f"{URL}region/{region_east.pk}/")
    assert [r.name for r in region_page.context["board"].rows] == ["Lexus of Manhattan"]
    assert f'href="{URL}dealer/{dealer_b.pk}/"' in region_page.content.decode()
    dealer_page = client.get(f"{URL}dealer/{dealer_b.pk}/")
    (row,) = dealer_page.context["board"].rows
    assert (row.part_number, row.waitlist, row.waiting_appointments) == ("04906-31021", 6, 2)


def test_a_parts_manager_lands_on_their_dealer(client_for, parts_manager_a, stocked, dealer_a, dealer_b):
    client = client_for(parts_manager_a)
    response = client.get(URL)
    assert response.status_code == 302 and response.url == f"{URL}dealer/{dealer_a.pk}/"
    assert client.get(response.url).status_code == 200
    assert client.get(f"{URL}dealer/{dealer_b.pk}/").status_code == 404


def test_roles_without_the_dashboard_are_refused(client_for, service_manager_a, dealer_a):
    assert client_for(service_manager_a).get(f"{URL}dealer/{dealer_a.pk}/").status_code == 403


def test_kit_filter_narrows_every_figure(client_for, campaign_admin, stocked, ale, dealer_a):
    receive(dealer_a, kit(ale, V8), 3)
    client = client_for(campaign_admin)
    assert client.get(URL).context["board"].total.on_hand == 13
    narrowed = client.get(URL, {"kit": kit(ale, V8).pk}).context["board"]
    assert (narrowed.total.on_hand, narrowed.total.waiting) == (3, 0)


def test_region_filter(client_for, campaign_admin, stocked, region_west):
    board = client_for(campaign_admin).get(URL, {"region": region_west.pk}).context["board"]
    assert [r.name for r in board.rows] == ["Lexus of Pasadena"]


def test_dealer_table_sorts_by_surplus(client_for, campaign_admin, stocked):
    table = client_for(campaign_admin).get(URL, {"d-sort": "surplus"}).context["dealers_table"]
    assert [r.name for r in table.page.object_list.data] == ["Lexus of Manhattan", "Lexus of Pasadena"]


def test_exports_csv_and_xlsx(client_for, campaign_admin, stocked):
    client = client_for(campaign_admin)
    csv = client.get(URL, {"table": "dealers", "_export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Code,Dealer,Region,On hand,Reserved,Available")
    assert any("Lexus of Manhattan" in line and "not at the current rate" in line for line in lines)
    xlsx = client.get(URL, {"table": "regions", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["Region", "Dealers"]
    assert client.get(URL, {"table": "vins", "_export": "csv"}).status_code == 400


def _fleet(ale, region, dealers: int) -> None:
    v6, v8 = kit(ale), kit(ale, V8)
    for i in range(dealers):
        dealer = DealerFactory(region=region)
        receive(dealer, v6 if i % 2 else v8, 5, days_ago=3)
        consume(dealer, v6 if i % 2 else v8, 1, days_ago=1)
        wait(dealer, v6, ale, n=1 + i % 3, appointment=bool(i % 2))


# session, user, the two permission queries (user's, groups'; the navigation reuses them),
# memberships (user_scope), the regions for the filter's choices, the dealers in view,
# balances, waiting reservations, the 14/28-day pace, the weekly consumption, the kits for
# the filter's choices.
NATIONAL_QUERIES = 12


@pytest.mark.parametrize("dealers", [2, 12])
def test_national_query_count_does_not_grow(
    client_for, campaign_admin, ale, region_west, dealers, django_assert_num_queries
):
    _fleet(ale, region_west, dealers)
    client = client_for(campaign_admin)
    with django_assert_num_queries(NATIONAL_QUERIES):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("dealers", [2, 12])
def test_region_query_count_does_not_grow(
    client_for, regional_west, ale, region_west, dealers, django_assert_num_queries
):
    _fleet(ale, region_west, dealers)
    client = client_for(regional_west)
    # The national page's, with the region itself in place of the region choices (the
    # region page has no region filter).
    with django_assert_num_queries(NATIONAL_QUERIES):
        assert client.get(f"{URL}region/{region_west.pk}/").status_code == 200


@pytest.mark.parametrize("dealers", [2, 12])
def test_dealer_query_count_does_not_grow(
    client_for, campaign_admin, ale, region_west, dealers, django_assert_num_queries
):
    _fleet(ale, region_west, dealers)
    dealer = region_west.dealers.order_by("code").last()
    client = client_for(campaign_admin)
    # The national page's with the dealer itself (its region joined) added and the region
    # for the breadcrumb's link in place of the region choices; no per-row queries.
    with django_assert_num_queries(NATIONAL_QUERIES + 1):
        assert client.get(f"{URL}dealer/{dealer.pk}/").status_code == 200


@pytest.mark.parametrize(
    "column",
    [
        "code",
        "name",
        "region",
        "on_hand",
        "available",
        "surplus",
        "days_of_supply",
        "consumed_14d",
        "waitlist",
    ],
)
def test_every_column_sorts_both_ways_with_blanks(client_for, campaign_admin, stocked, column):
    # Dealer B has no consumption (no days of supply): a blank must sort, not fail.
    client = client_for(campaign_admin)
    for sort in (column, f"-{column}"):
        assert client.get(URL, {"d-sort": sort, "r-sort": sort.replace("code", "region")}).status_code == 200
