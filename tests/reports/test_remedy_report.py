"""The §573.7 report: figures as the data stood at a quarter's end, the schedule, the snapshot,
the files (CSV, PDF, NHTSA's layout byte for byte) and the API for the two roles that read it."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.authtoken.models import Token

from campaign.errors import DomainError
from reports.models import RemedyReportSubmission
from reports.remedy_exports import nhtsa_file
from reports.remedy_periods import Quarter, report_schedule
from reports.remedy_report import remedy_figures_by_region, remedy_report_get, remedy_report_submit
from tests.reports.fleet import at, change, entry, started

pytestmark = pytest.mark.django_db
Q3 = Quarter(2010, 3)
D = dt.date


@pytest.fixture
def fleet(ale, dealer_a, dealer_b):
    """Eight ALE VINs, by hand: what each stood at on 2010-09-30 and what came later.

    West (dealer A): a remedied in August; b unreachable (exported) in September; c not needed
    in September; d remedied on Sep 30 at 23:30 local (inside the quarter); e removed in
    August; f remedied in October (after the quarter: open on Sep 30).
    East (dealer B): g unreachable (stolen) in July then undone in August (open on Sep 30);
    h put on the list on October 2 (not involved on Sep 30 at all).
    """
    started(ale, D(2010, 7, 26))
    e = {k: entry(ale, dealer=dealer_a, added=D(2010, 7, 7)) for k in "abcdef"}
    e |= {
        "g": entry(ale, dealer=dealer_b, added=D(2010, 7, 7)),
        "h": entry(ale, dealer=dealer_b, added=D(2010, 10, 2)),
    }
    change(e["a"], "remedied", at(D(2010, 8, 10)))
    change(e["b"], "unreachable", at(D(2010, 9, 1)), reason="exported")
    change(e["c"], "not_needed", at(D(2010, 9, 2)))
    change(e["d"], "remedied", at(D(2010, 9, 30), 23))
    change(e["e"], "removed", at(D(2010, 8, 3)))
    change(e["f"], "remedied", at(D(2010, 10, 1), 0))
    change(e["g"], "unreachable", at(D(2010, 7, 20)), reason="stolen")
    change(e["g"], "open", at(D(2010, 8, 20)))
    return e


def test_the_quarter_counts_what_stood_on_its_last_day(fleet, ale, region_west, region_east):
    by_region = remedy_figures_by_region(campaign=ale, until=Q3.end)
    west, east = by_region[region_west.pk], by_region[region_east.pk]
    assert (west.involved, west.remedied, west.not_needed, west.unreachable, west.removed) == (5, 2, 1, 1, 1)
    assert west.unreachable_by_reason["exported"] == 1 and west.open == 1
    assert (east.involved, east.remedied, east.unreachable, east.removed, east.open) == (1, 0, 0, 0, 1)
    # The next quarter: f remedied, h on the list.
    q4 = remedy_figures_by_region(campaign=ale, until=Quarter(2010, 4).end)
    assert (q4[region_west.pk].remedied, q4[region_east.pk].involved) == (3, 2)


def test_a_late_entry_does_not_change_the_quarter_and_a_submitted_report_stays_put(
    fleet, ale, campaign_admin, dealer_a, settings, time_after_q3
):
    before = remedy_report_get(campaign=ale, quarter=Q3, user=campaign_admin).figures.as_dict()
    # Recorded on Oct 5, for a car remedied back in September: the ledger says Oct 5.
    change(fleet["c"], "remedied", at(D(2010, 10, 5)))
    assert remedy_report_get(campaign=ale, quarter=Q3, user=campaign_admin).figures.as_dict() == before
    submission = remedy_report_submit(campaign_id=ale.pk, report_number=1, user=campaign_admin)
    assert (submission.period_start, submission.period_end, submission.submitted_by) == (
        D(2010, 7, 1),
        D(2010, 9, 30),
        campaign_admin,
    )
    # Even a change back-dated into the quarter (a data fix) leaves the submitted report alone.
    late = entry(ale, dealer=dealer_a, added=D(2010, 7, 8))
    change(late, "remedied", at(D(2010, 9, 15)))
    report = remedy_report_get(campaign=ale, quarter=Q3, user=campaign_admin)
    assert report.submission == submission and report.figures.as_dict() == before
    assert remedy_figures_by_region(campaign=ale, until=Q3.end)[dealer_a.region_id].involved == 6
    with pytest.raises(DomainError, match="already submitted"):
        remedy_report_submit(campaign_id=ale.pk, report_number=1, user=campaign_admin)
    assert RemedyReportSubmission.objects.count() == 1


@pytest.fixture
def time_after_q3(monkeypatch):
    """Today is 2010-10-15 for the services (a report is submitted after its period)."""
    from django.utils import timezone

    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: D(2010, 10, 15) if value is None else _localdate(value),
    )


def _localdate(value):
    from django.utils.timezone import localtime

    return localtime(value).date()


def test_a_report_is_not_submitted_before_its_period_ends(fleet, ale, campaign_admin, time_after_q3):
    with pytest.raises(DomainError, match="submitted after that day"):
        remedy_report_submit(campaign_id=ale.pk, report_number=2, user=campaign_admin)
    with pytest.raises(DomainError, match="reports 1 to 11"):
        remedy_report_submit(campaign_id=ale.pk, report_number=12, user=campaign_admin)
    assert not RemedyReportSubmission.objects.exists()


def test_the_schedule_is_eight_quarters_then_three_years_each_due_30_days_after():
    schedule = report_schedule(started_on=D(2010, 7, 26))
    assert [p.number for p in schedule] == list(range(1, 12))
    assert [(p.start, p.end) for p in schedule[:2]] == [
        (D(2010, 7, 1), D(2010, 9, 30)),
        (D(2010, 10, 1), D(2010, 12, 31)),
    ]
    assert (schedule[7].start, schedule[7].end) == (D(2012, 4, 1), D(2012, 6, 30))
    assert [(p.start, p.end) for p in schedule[8:]] == [
        (D(2012, 7, 1), D(2013, 6, 30)),
        (D(2013, 7, 1), D(2014, 6, 30)),
        (D(2014, 7, 1), D(2015, 6, 30)),
    ]
    assert schedule[0].due_on == D(2010, 10, 30) and str(schedule[8].quarter) == "2013-2"


def test_the_schedule_page_lists_each_report_and_whether_it_was_submitted(
    client_for, campaign_admin, fleet, ale
):
    RemedyReportSubmission.objects.create(
        campaign=ale,
        report_number=1,
        period_start=D(2010, 7, 1),
        period_end=D(2010, 9, 30),
        figures={"national": {}, "regions": {}},
        submitted_by=campaign_admin,
    )
    html = client_for(campaign_admin).get(reverse("remedy-report-schedule", args=["ALE"])).content.decode()
    assert html.count("<tr>") == 12  # the header and 11 reports
    assert "2010-10-30" in html and "Submitted" in html and "Overdue" in html


def test_the_nhtsa_layout_byte_for_byte(fleet, ale, campaign_admin):
    ale.nhtsa_number = "10V-303"
    ale.manufacturer = "Toyota Motor\tEngineering"  # a tab would break the layout
    ale.component = "Engine valve springs"
    ale.save()
    report = remedy_report_get(campaign=ale, quarter=Q3, user=campaign_admin)
    assert nhtsa_file([report]) == (
        b"Toyota Motor Engineering\t10V-303\tALE\tEngine valve springs\t\t\t1\t2010-3\t6\t2\t1\t1\t\r\n"
    )


def test_the_report_page_and_its_files(client_for, campaign_admin, fleet, ale):
    client = client_for(campaign_admin)
    url = reverse("remedy-report", args=["ALE", "2010-3"])
    html = client.get(url).content.decode()
    assert 'data-figure="involved">6<' in html and 'data-figure="removed">1<' in html
    assert 'data-testid="mailing-dates-none"' in html  # no owner letter in this fleet
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    assert (
        "involved,6\r\n" in csv_text
        and "unreachable_exported,1\r\n" in csv_text
        and "first_mailing,\r\n" in csv_text
    )
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "Vehicles involved" in text and "2010 Q3" in text
    assert client.get(url, {"format": "xml"}).status_code == 400


def test_regional_staff_see_their_regions_figures_and_no_nhtsa_file(client_for, regional_west, fleet, ale):
    client = client_for(regional_west)
    url = reverse("remedy-report", args=["ALE", "2010-3"])
    assert 'data-figure="involved">5<' in client.get(url).content.decode()
    assert client.get(url, {"format": "nhtsa"}).status_code == 403


def _api(client, user, quarter="2010-3", code="ALE"):
    token = Token.objects.create(user=user)
    return client.get(
        reverse("api-remedy-report", args=[code]),
        {"quarter": quarter},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )


def test_the_api_for_the_administrator_and_regional_staff(client, campaign_admin, regional_west, fleet):
    body = _api(client, campaign_admin).json()
    assert {k: body[k] for k in ("involved", "remedied", "not_needed", "unreachable", "removed")} == {
        "involved": 6,
        "remedied": 2,
        "not_needed": 1,
        "unreachable": 1,
        "removed": 1,
    }
    assert body["unreachable_by_reason"] == {
        "exported": 1,
        "stolen": 0,
        "scrapped": 0,
        "owner_not_located": 0,
        "other": 0,
    }
    assert body["notification_dates"] == {"first_mailing": None, "last_mailing": None}
    assert (body["scope"], body["report_number"], body["as_of"]) == ("national", 1, "2010-09-30")
    regional = _api(client, regional_west).json()
    assert (regional["scope"], regional["involved"], regional["remedied"]) == ("regions", 5, 2)


def test_the_api_refuses_others_and_bad_input(
    client, service_manager_a, warranty_admin, campaign_admin, fleet
):
    for user in (service_manager_a, warranty_admin):
        response = _api(client, user)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        Token.objects.filter(user=user).delete()
    bad = _api(client, campaign_admin, quarter="2010-5")
    assert bad.status_code == 400 and bad.json()["field"] == "quarter"
    Token.objects.filter(user=campaign_admin).delete()
    assert _api(client, campaign_admin, code="NOPE").status_code == 404
    assert client.get(reverse("api-remedy-report", args=["ALE"]), {"quarter": "2010-3"}).status_code == 401
