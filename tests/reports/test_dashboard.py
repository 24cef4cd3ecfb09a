"""The completion dashboard: its figures against a hand-built fleet, who sees which level,
the forecast, drill-down links, filters, exports, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from repairs.models import Appointment, WarrantyClaim
from reports.tallies import tallies_refresh
from tests.factories import DealerFactory
from tests.repairs.factories import AppointmentFactory
from tests.reports.fleet import at, change, entry

pytestmark = pytest.mark.django_db
URL = "/reports/"


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


@pytest.fixture
def fleet(ale, dealer_a, dealer_b):
    """Dealer A (West): 10 vehicles, 4 remedied (2 in the last 8 weeks), 1 not needed, 1
    unreachable, 1 removed (not counted), 4 open of which one booked and waiting for a kit.
    Dealer B (East): 4 vehicles, none remedied, one LS 460 2008. One VIN with no dealer."""
    today = timezone.localdate()
    a = [entry(ale, dealer=dealer_a, added=today - dt.timedelta(days=200)) for _ in range(11)]
    for e, days in zip(a[:4], (150, 120, 20, 10), strict=True):
        change(e, "remedied", days_ago(days))
    change(a[4], "not_needed", days_ago(30))
    change(a[5], "unreachable", days_ago(30), reason="scrapped")
    change(a[10], "removed", days_ago(5))
    AppointmentFactory(
        dealer=dealer_a, campaign=ale, vehicle=a[6].vehicle, parts_status=Appointment.Parts.WAITING
    )
    b = [entry(ale, dealer=dealer_b, added=today - dt.timedelta(days=100)) for _ in range(3)]
    b.append(
        entry(ale, dealer=dealer_b, added=today - dt.timedelta(days=100), model_label="LS 460", year=2008)
    )
    entry(ale, added=today - dt.timedelta(days=100))
    tallies_refresh(campaign_id=ale.pk)  # as a posted list does (the rows above bypass the services)
    return {"a": a, "b": b}


def test_the_national_figures(client_for, campaign_admin, fleet, dealer_a, dealer_b):
    response = client_for(campaign_admin).get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    t = board.total
    assert (t.involved, t.remedied, t.not_needed, t.unreachable, t.open) == (15, 4, 1, 1, 9)
    assert (t.scheduled, t.waiting_parts) == (1, 1)
    lines = {d.code: d for d in board.dealers}
    a, b = lines[dealer_a.code], lines[dealer_b.code]
    assert (a.involved, a.remedied, a.open, a.completion) == (10, 4, 4, 40.0)
    assert (b.involved, b.remedied, b.completion) == (4, 0, 0.0)
    assert {r.label: r.involved for r in board.regions} == {"Western Area": 10, "Eastern Area": 4}
    assert {m.label: (m.involved, m.remedied) for m in board.models} == {"GS 350": (14, 4), "LS 460": (1, 0)}
    assert {y.label: y.involved for y in board.years} == {"2007": 14, "2008": 1}
    assert [d.code for d in board.bottom()] == [dealer_b.code, dealer_a.code]
    # The burn-up: cumulative remedied ends at 4, involved at 15 (the removed VIN gone).
    assert board.cumulative_remedied[-1] == 4 and board.cumulative_involved[-1] == 15
    assert board.cumulative_remedied == sorted(board.cumulative_remedied)
    assert board.letters == {
        "mailed": 0,
        "returned": 0,
    }  # no letter yet (tests/reports/test_letter_figures.py)


def test_the_forecast_at_the_last_8_weeks_pace(client_for, campaign_admin, fleet, dealer_a, dealer_b):
    board = client_for(campaign_admin).get(URL, {"weeks": "10"}).context["board"]
    a = next(d for d in board.dealers if d.code == dealer_a.code)
    assert a.remedied_8w == 2 and a.weekly_rate == 0.25
    today = board.today
    # 50 % of 10 is 5: one more remedy at 0.25 a week is 28 days; 75 %: 4 more, 112 days.
    assert a.forecast.dates == {
        50: today + dt.timedelta(days=28),
        75: today + dt.timedelta(days=112),
        90: today + dt.timedelta(days=140),
    }
    # 5 still to do (4 open, 1 unreachable) at 0.25 a week: 20 weeks, beyond 10: flagged.
    assert (a.forecast.weeks_to_serve, a.forecast.flagged) == (20.0, True)
    b = next(d for d in board.dealers if d.code == dealer_b.code)
    assert b.forecast.dates[50] is None and b.forecast.flagged and b.forecast.weeks_to_serve is None
    assert a.kits_needed == 5  # no kits on hand or inbound
    relaxed = client_for(campaign_admin).get(URL, {"weeks": "30"}).context["board"]
    assert not next(d for d in relaxed.dealers if d.code == dealer_a.code).forecast.flagged


def test_regional_staff_see_their_region_and_dealer_staff_their_dealer(
    client_for, regional_west, service_manager_b, parts_manager_a, fleet, dealer_a, dealer_b
):
    regional = client_for(regional_west).get(URL).context["board"]
    assert [d.code for d in regional.dealers] == [dealer_a.code] and regional.total.involved == 10
    own = client_for(service_manager_b).get(URL)
    assert [d.code for d in own.context["board"].dealers] == [dealer_b.code]
    assert own.context["board"].total.involved == 4
    assert client_for(service_manager_b).get(URL, {"dealer": dealer_a.code}).status_code == 400
    assert client_for(parts_manager_a).get(URL).status_code == 403


def test_filters_narrow_every_figure(client_for, campaign_admin, fleet, dealer_a, region_east, ale):
    client = client_for(campaign_admin)
    east = client.get(URL, {"region": region_east.pk}).context["board"]
    assert east.total.involved == 4 and [d.code for d in east.dealers] != [dealer_a.code]
    ls = client.get(URL, {"model": "LS 460"}).context["board"]
    assert (ls.total.involved, ls.total.remedied) == (1, 0)
    year = client.get(URL, {"year": "2007", "dealer": dealer_a.code}).context["board"]
    assert (year.total.involved, year.total.remedied) == (10, 4)
    weeks = client.get(
        URL, {"date_from": f"{timezone.localdate() - dt.timedelta(days=21):%Y-%m-%d}"}
    ).context["board"]
    assert len(weeks.weeks) in (4, 5) and weeks.cumulative_remedied[0] == 3


def test_every_number_leads_to_its_list(client_for, principal_a, campaign_admin, fleet, dealer_a):
    html = client_for(principal_a).get(URL).content.decode()
    assert f'href="/appointments/call-list/?dealer={dealer_a.code}"' in html  # the open vehicles
    assert f'href="/reports/?dealer={dealer_a.code}"' in html
    assert 'href="/claims/?status=paid"' in html
    national = client_for(campaign_admin).get(URL).content.decode()
    assert "/appointments/call-list/" not in national  # the administrator has no call list
    assert 'href="/reports/?region=' in national


def test_claims_by_status_with_their_amounts(client_for, campaign_admin, fleet, dealer_a, ale):
    from decimal import Decimal

    from campaign.models import Vehicle
    from tests.repairs.factories import WarrantyClaimFactory
    from tests.repairs.factories_claims import completed_ro

    for n, (status, labor, parts) in enumerate(
        (("approved", "720.00", "264.00"), ("approved", "10.00", "6.00"), ("rejected", "400.00", "100.00"))
    ):
        ro = completed_ro(ale, dealer_a, affected=False)
        if n == 0:  # one claim on an LS 460, for the model filter below
            Vehicle.objects.filter(vin=ro.vehicle_id).update(model_label="LS 460", model_year=2008)
            ro.vehicle.refresh_from_db()
        WarrantyClaimFactory(
            repair_order=ro,
            status=status,
            labor_amount=Decimal(labor),
            parts_amount=Decimal(parts),
            total=Decimal(labor) + Decimal(parts),
            rejection_code="documentation" if status == "rejected" else "",
        )
    claims = client_for(campaign_admin).get(URL).context["board"].claims
    assert claims[WarrantyClaim.Status.APPROVED] == (2, 1000.0) and claims[WarrantyClaim.Status.REJECTED] == (
        1,
        500.0,
    )
    # Under a model filter, the claims of that model's vehicles only (reports.dashboard_selectors).
    client = client_for(campaign_admin)
    assert client.get(URL, {"model": "LS 460"}).context["board"].claims == {"approved": (1, 984.0)}
    assert client.get(URL, {"year": "2008"}).context["board"].claims == {"approved": (1, 984.0)}
    others = client.get(URL, {"model": "GS 350"}).context["board"].claims
    assert others == {"approved": (1, 16.0), "rejected": (1, 500.0)}


def test_every_table_exports(client_for, campaign_admin, fleet):
    client = client_for(campaign_admin)
    for table in ("dealers", "regions", "models", "years", "bottom"):
        csv = client.get(URL, {"table": table, "_export": "csv"})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv"), table
    lines = client.get(URL, {"table": "dealers", "_export": "csv"}).content.decode().splitlines()
    assert lines[0].startswith("Code,Dealer,Region,Involved,Remedied,Open")
    xlsx = client.get(URL, {"table": "models", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == ["Model", "Involved", "Remedied"]
    assert client.get(URL, {"table": "vins", "_export": "csv"}).status_code == 400


def _grow(ale, region, dealers: int, per_dealer: int) -> None:
    today = timezone.localdate()
    for i in range(dealers):
        dealer = DealerFactory(region=region)
        for j in range(per_dealer):
            e = entry(ale, dealer=dealer, added=today - dt.timedelta(days=90))
            if j % 2:
                change(e, "remedied", at(today - dt.timedelta(days=j + i)))
    tallies_refresh(campaign_id=ale.pk)


# session, user, the permission queries (user's, groups'), memberships (user_scope), the covered
# models (model and year choices), the default campaign; the board: the dealers in view, the
# entry tallies per dealer and status, per model/year and status, appointments, claims,
# requests, the day tallies for the burn-up and for the 8-week pace, kits, the letters mailed
# and those returned (two); then the filter form as it renders: the campaign choices (twice: crispy's field
# and its select), the region choices.
NATIONAL_QUERIES = 21


@pytest.mark.parametrize(("dealers", "per_dealer"), [(2, 2), (6, 9)])
def test_national_query_count_does_not_grow(
    client_for, campaign_admin, ale, region_west, dealers, per_dealer, django_assert_num_queries
):
    _grow(ale, region_west, dealers, per_dealer)
    client = client_for(campaign_admin)
    with django_assert_num_queries(NATIONAL_QUERIES):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(("dealers", "per_dealer"), [(2, 2), (6, 9)])
def test_region_query_count_does_not_grow(
    client_for, regional_west, ale, region_west, dealers, per_dealer, django_assert_num_queries
):
    _grow(ale, region_west, dealers, per_dealer)
    client = client_for(regional_west)
    with django_assert_num_queries(NATIONAL_QUERIES):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(("dealers", "per_dealer"), [(2, 2), (6, 9)])
def test_a_model_filter_costs_the_same_queries_at_any_size(
    client_for, campaign_admin, ale, region_west, dealers, per_dealer, django_assert_num_queries
):
    """Under a model and year filter the burn-up and pace read ModelDayTally, not the history
    rows: the same count as the plain page."""
    _grow(ale, region_west, dealers, per_dealer)
    client = client_for(campaign_admin)
    with django_assert_num_queries(NATIONAL_QUERIES):
        assert client.get(URL, {"model": "GS 350", "year": "2007"}).status_code == 200
