"""The dashboard tables' fast body and export (parts/dashboard_table_body.py) give what
django-tables2 itself would: the same cells, with the same ``<td>`` attributes, in the same
order, per page; the same export rows."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig, Table

from dealers.models import Dealer
from parts.dashboard_selectors import parts_dashboard
from parts.dashboard_table_body import table_body_rows
from parts.dashboard_tables import DealerTable, KitTable, RegionTable
from tests.factories import DealerFactory
from tests.parts.dashboard_fixtures import consume, kit, receive, wait

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(ale, dealer_a, dealer_b):
    v6 = kit(ale)
    receive(dealer_a, v6, 12, days_ago=5)
    consume(dealer_a, v6, 2, days_ago=2)
    wait(dealer_b, v6, ale, n=6)
    wait(dealer_b, v6, ale, n=2, appointment=True)
    return v6


TD = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)


def _library_cells(table) -> list[list[tuple[str, str]]]:
    """Each row's (td attributes, cell HTML) as django-tables2 renders them."""
    return [
        [
            (f" {column.attrs['td'].as_html()}" if column.attrs.get("td") else "", str(cell))
            for column, cell in row.items()
        ]
        for row in table.paginated_rows
    ]


def _fast_cells(table) -> list[list[tuple[str, str]]]:
    return [TD.findall(html) for html in table_body_rows(table)]


@pytest.mark.parametrize("sort", ["", "-surplus", "name", "days_of_supply"])
def test_the_fast_body_matches_django_tables2(stocked, region_west, sort):
    for n in range(30):  # more than a page
        DealerFactory(code=f"3{n:04d}", name=f"Lexus & Sons <{n}>", region=region_west)
    board = parts_dashboard(dealers=Dealer.objects.all())
    request = RequestFactory().get("/parts/dashboard/", {"d-sort": sort, "d-page": 2} if sort else {})
    for table in (
        DealerTable(board.rows, today=board.today, prefix="d-"),
        RegionTable(board.regions, today=board.today, prefix="r-"),
    ):
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
        assert _fast_cells(table) == _library_cells(table)
        assert _fast_cells(table)  # something was compared
        assert list(table.as_values()) == list(Table.as_values(table))


def test_a_dealers_kit_table_matches_too(stocked, dealer_a):
    board = parts_dashboard(dealers=Dealer.objects.filter(pk=dealer_a.pk), by_kit=True)
    table = KitTable(board.rows, today=board.today, prefix="k-")
    RequestConfig(RequestFactory().get("/"), paginate={"per_page": 25}).configure(table)
    assert _fast_cells(table) == _library_cells(table) and len(board.rows) >= 1
    assert list(table.as_values()) == list(Table.as_values(table))
