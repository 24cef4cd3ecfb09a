"""Owner letters in the control room (reports.letter_figures): letters mailed and returned on the
dashboards, scoped like every figure, and the §573.7 owner notification dates, cut at the
period's end and counting owner notices only (not 577.10 follow-ups)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from mailings.models import Letter, Mailing, ReturnedMail
from reports.remedy_exports import nhtsa_file
from reports.remedy_periods import Quarter
from reports.remedy_report import remedy_report_get
from reports.tallies import tallies_refresh
from tests.reports.fleet import entry, started

pytestmark = pytest.mark.django_db
D = dt.date


def _letters(campaign, kind: str, entries: list, *, mailed_on: dt.date | None) -> list[Letter]:
    mailing = Mailing.objects.create(campaign=campaign, kind=kind, status=Mailing.Status.DONE)
    return Letter.objects.bulk_create(
        Letter(
            mailing=mailing,
            campaign=campaign,
            kind=kind,
            vehicle_id=e.vehicle_id,
            model_label=e.vehicle.model_label,
            model_year=e.vehicle.model_year,
            sequence=i,
            chunk=0,
            owner_name="Owner",
            address1="1 Elm Street",
            city="Sacramento",
            state="CA",
            postal_code="95814",
            mailed_on=mailed_on,
        )
        for i, e in enumerate(entries)
    )


@pytest.fixture
def mailed(ale, dealer_a, dealer_b):
    """Four West owners and two East owners told on Aug 2, 2010, one more West on Oct 4; a
    follow-up in September; one West letter came back; a letter still rendering (not mailed)."""
    started(ale, D(2010, 7, 26))
    west = [entry(ale, dealer=dealer_a, added=D(2010, 7, 7)) for _ in range(6)]
    east = [entry(ale, dealer=dealer_b, added=D(2010, 7, 7)) for _ in range(3)]
    first = _letters(ale, "notification", west[:4] + east[:2], mailed_on=D(2010, 8, 2))
    _letters(ale, "follow_up", west[:1], mailed_on=D(2010, 9, 20))
    _letters(ale, "interim", west[4:5], mailed_on=D(2010, 10, 4))
    _letters(ale, "interim", east[2:3], mailed_on=None)  # its chunk has not gone to the vendor
    ReturnedMail.objects.create(letter=first[0], reason="no_such_address", received_on=D(2010, 8, 20))
    tallies_refresh(campaign_id=ale.pk)
    return ale


def test_the_dashboards_count_letters_mailed_and_returned_in_scope(
    client_for, campaign_admin, regional_west, mailed
):
    national = client_for(campaign_admin).get("/reports/")
    assert national.context["board"].letters == {"mailed": 8, "returned": 1}
    assert 'href="/mailings/"' in national.content.decode()
    west = client_for(regional_west).get("/reports/")
    assert west.context["board"].letters == {"mailed": 6, "returned": 1}


def test_a_model_filter_counts_the_letters_to_that_models_vehicles(
    client_for, campaign_admin, regional_west, dealer_a, mailed
):
    ls = [
        entry(mailed, dealer=dealer_a, added=D(2010, 7, 7), model_label="LS 460", year=2008) for _ in range(2)
    ]
    letters = _letters(mailed, "notification", ls, mailed_on=D(2010, 8, 3))
    ReturnedMail.objects.create(letter=letters[1], reason="moved", received_on=D(2010, 8, 25))
    tallies_refresh(campaign_id=mailed.pk)
    national = client_for(campaign_admin)
    assert national.get("/reports/", {"model": "LS 460"}).context["board"].letters == {
        "mailed": 2,
        "returned": 1,
    }
    assert national.get("/reports/", {"year": "2008"}).context["board"].letters == {
        "mailed": 2,
        "returned": 1,
    }
    gs = national.get("/reports/", {"model": "GS 350", "year": "2007"}).context["board"].letters
    assert gs == {"mailed": 8, "returned": 1}
    west = client_for(regional_west).get("/reports/", {"model": "LS 460"}).context["board"].letters
    assert west == {"mailed": 2, "returned": 1}


def test_the_report_dates_are_owner_notices_up_to_the_period_end(ale, campaign_admin, client, mailed):
    q3 = remedy_report_get(campaign=ale, quarter=Quarter(2010, 3), user=campaign_admin)
    assert (q3.notification.first, q3.notification.last) == (D(2010, 8, 2), D(2010, 8, 2))
    q4 = remedy_report_get(campaign=ale, quarter=Quarter(2010, 4), user=campaign_admin)
    assert (q4.notification.first, q4.notification.last) == (D(2010, 8, 2), D(2010, 10, 4))
    columns = nhtsa_file([q4]).decode().split("\t")
    assert columns[4:6] == ["20100802", "20101004"]  # ODATE, ODATEEND

    token = Token.objects.create(user=campaign_admin)
    body = client.get(
        reverse("api-remedy-report", args=["ALE"]),
        {"quarter": "2010-4"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    ).json()
    assert body["notification_dates"] == {"first_mailing": "2010-08-02", "last_mailing": "2010-10-04"}


def test_no_owner_notice_by_the_period_end_leaves_the_dates_blank(ale, campaign_admin, client_for, mailed):
    Letter.objects.filter(kind="notification").update(mailed_on=D(2010, 10, 1))
    q3 = remedy_report_get(campaign=ale, quarter=Quarter(2010, 3), user=campaign_admin)
    assert (q3.notification.first, q3.notification.last) == (None, None)
    html = client_for(campaign_admin).get(reverse("remedy-report", args=["ALE", "2010-3"])).content.decode()
    assert 'data-testid="mailing-dates-none"' in html
