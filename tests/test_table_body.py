"""The figure tables' fast body and export (campaign/table_body.py) give what django-tables2
itself gives: the same rendered table (header, rows with their classes, cells with their
``<td>`` attributes, empty text, pagination), page by page and sorted; the same export rows.
Every table that uses it is here: the parts dashboard's and the completion dashboard's."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig, Table

from dealers.models import Dealer
from parts.dashboard_selectors import parts_dashboard
from parts.dashboard_tables import DealerTable as PartsDealerTable
from parts.dashboard_tables import KitTable
from parts.dashboard_tables import RegionTable as PartsRegionTable
from reports.dashboard_forecast import forecast_for
from reports.dashboard_selectors import DealerLine, GroupLine
from reports.dashboard_tables import BottomTable, DealerTable, GroupTable, RegionTable
from tests.factories import DealerFactory
from tests.parts.dashboard_fixtures import consume, kit, receive, wait

LIBRARY = "django_tables2/bootstrap5.html"  # the project's DJANGO_TABLES2_TEMPLATE
TODAY = dt.date(2026, 12, 2)


def _html(table, request) -> str:
    """The table as rendered, whitespace between tags dropped (the two templates indent apart)."""
    html = re.sub(r"\s+", " ", str(table.as_html(request)))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).replace(" >", ">")


def _same_as_django_tables2(make, request, *, paginate) -> str:
    """Render ``make(template_name)`` through the fast body and through django-tables2's own
    template; both must be equal, and so must their export rows. Returns the fast HTML."""
    fast, library = make(None), make(LIBRARY)
    for table in (fast, library):
        RequestConfig(request, paginate=paginate).configure(table)
    assert fast.template_name == "tables/figures_table.html" and library.template_name == LIBRARY
    html = _html(fast, request)
    assert html == _html(library, request)
    assert list(fast.as_values()) == list(Table.as_values(library))
    return html


# --- the parts dashboard ---------------------------------------------------------------------


@pytest.fixture
def stocked(ale, dealer_a, dealer_b):
    v6 = kit(ale)
    receive(dealer_a, v6, 12, days_ago=5)
    consume(dealer_a, v6, 2, days_ago=2)
    wait(dealer_b, v6, ale, n=6)
    wait(dealer_b, v6, ale, n=2, appointment=True)
    return v6


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "-surplus", "name", "days_of_supply"])
def test_the_parts_tables_match_django_tables2(stocked, region_west, sort):
    for n in range(30):  # more than a page
        DealerFactory(code=f"3{n:04d}", name=f"Lexus & Sons <{n}>", region=region_west)
    board = parts_dashboard(dealers=Dealer.objects.all())
    request = RequestFactory().get("/parts/dashboard/", {"d-sort": sort, "d-page": 2} if sort else {})
    dealers = _same_as_django_tables2(
        lambda t: PartsDealerTable(board.rows, today=board.today, prefix="d-", template_name=t),
        request,
        paginate={"per_page": 25},
    )
    assert "Lexus &amp; Sons &lt;" in dealers and dealers.count("<tr class=") > 1
    _same_as_django_tables2(
        lambda t: PartsRegionTable(board.regions, today=board.today, prefix="r-", template_name=t),
        request,
        paginate={"per_page": 25},
    )


@pytest.mark.django_db
def test_a_dealers_kit_table_matches_too(stocked, dealer_a):
    board = parts_dashboard(dealers=Dealer.objects.filter(pk=dealer_a.pk), by_kit=True)
    assert len(board.rows) >= 1
    _same_as_django_tables2(
        lambda t: KitTable(board.rows, today=board.today, prefix="k-", template_name=t),
        RequestFactory().get("/"),
        paginate={"per_page": 25},
    )


# --- the completion dashboard ----------------------------------------------------------------


def _dealer_lines(n: int = 30) -> list[DealerLine]:
    """Lines of every kind the page shows: names to escape, a dealer with no region (the empty
    value's dash), none involved, no pace (no dates, flagged "never"), flagged, on time."""
    lines = []
    for i in range(n):
        line = DealerLine(
            dealer_id=i + 1,
            code=f"7{i:04d}",
            name=f"Lexus & Sons <{i}>" if i % 3 else f"Lexus of Town {i}",
            region_id=i % 3,
            region="" if i == 4 else ("Western Area", "Eastern Area", "Central")[i % 3],
            involved=0 if i == 7 else 100 + 37 * i,
            remedied=0 if i == 7 else (13 * i) % 120,
            not_needed=i % 4,
            unreachable=i % 5,
            scheduled=i % 6,
            waiting_parts=i % 2,
            remedied_8w=0 if i % 5 == 0 else 3 * i,
            kits_on_hand=i % 7,
            kits_inbound=1200 if i == 9 else 0,
        )
        line.forecast = None if i == 2 else forecast_for(line, today=TODAY, unserved_weeks=26)
        lines.append(line)
    return lines


def _links(*, present: bool) -> dict:
    """Each number's link, or none (``""``): the view gives none where the user may not go."""

    def link(path: str):
        return (
            (lambda d: f"{path}?{urlencode({'dealer': d.code, 'campaign': 1})}")
            if present
            else (lambda d: "")
        )

    return {
        "dealer": lambda d: f"/reports/?{urlencode({'dealer': d.code, 'weeks': 26})}",
        "open": link("/appointments/call-list/"),
        "remedied": link("/repair-orders/"),
        "scheduled": link("/appointments/calendar/"),
    }


@pytest.mark.parametrize("present", [True, False], ids=["links", "no links"])
@pytest.mark.parametrize(
    ("sort", "page"), [("", 1), ("", 2), ("-completion", 1), ("name", 2), ("open", 1), ("-weekly_rate", 2)]
)
def test_the_completion_dealer_tables_match_django_tables2(present, sort, page):
    lines, links = _dealer_lines(), _links(present=present)
    request = RequestFactory().get("/reports/", {"d-sort": sort, "d-page": page, "b-sort": sort})
    html = _same_as_django_tables2(
        lambda t: DealerTable(lines, links=links, prefix="d-", template_name=t),
        request,
        paginate={"per_page": 25},
    )
    assert ('href="/appointments/call-list/?dealer=' in html) is present
    assert html.count("<tr class=") == (25 if page == 1 else 5)
    bottom = sorted((d for d in lines if d.involved), key=lambda d: (d.completion, -d.to_do, d.code))[:10]
    _same_as_django_tables2(
        lambda t: BottomTable(bottom, links=links, prefix="b-", orderable=False, template_name=t),
        request,
        paginate=False,
    )


def test_the_completion_group_tables_match_django_tables2():
    groups = []
    for i, label in enumerate(["Western Area", "Eastern & Central", "<Pacific>", "Gulf"]):
        group = GroupLine(key=str(i + 1), label=label, involved=500 * i, remedied=120 * i, remedied_8w=9 * i)
        group.forecast = forecast_for(group, today=TODAY, unserved_weeks=26)
        groups.append(group)
    for query in ({}, {"r-sort": "-completion", "m-sort": "label"}):
        request = RequestFactory().get("/reports/", query)
        regions = _same_as_django_tables2(
            lambda t: RegionTable(
                groups, link=lambda **q: f"/reports/?{urlencode(q)}", prefix="r-", template_name=t
            ),
            request,
            paginate={"per_page": 25},
        )
        assert 'href="/reports/?region=2"' in regions and "&lt;Pacific&gt;" in regions
        _same_as_django_tables2(
            lambda t: GroupTable(groups, heading="Model", prefix="m-", template_name=t),
            request,
            paginate={"per_page": 25},
        )


def test_an_empty_table_says_so_as_django_tables2_does():
    html = _same_as_django_tables2(
        lambda t: DealerTable([], links=_links(present=True), prefix="d-", template_name=t),
        RequestFactory().get("/reports/"),
        paginate={"per_page": 25},
    )
    assert "No dealers in view." in html


def test_the_completion_exports_are_plain_figures():
    """What a spreadsheet gets: numbers and names, never the page's links."""
    lines = _dealer_lines()
    table = DealerTable(lines, links=_links(present=True), prefix="d-")
    rows = list(table.as_values())
    assert not [cell for row in rows for cell in row if "href" in str(cell)]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Dealer"], first["Remedied"], first["Per week (8 wk)"]) == ("Lexus of Town 0", 0, 0.0)
    assert list(table.as_values(exclude_columns=("flag", "name"))) == list(
        Table.as_values(table, exclude_columns=("flag", "name"))
    )
