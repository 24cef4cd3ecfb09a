"""The completion dashboard in Chromium under the CSP: the burn-up chart draws its two lines from
the page's data, a drill-down link opens the list behind a number, and a table exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reports.tallies import tallies_refresh
from tests.browser.test_csp import Watched, sign_in, visit
from tests.reports.fleet import at, change, entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_burn_up_draws_and_numbers_lead_to_their_lists(
    page: Page, live_server, ale, dealer_a, principal_a
):
    today = timezone.localdate()
    entries = [entry(ale, dealer=dealer_a, added=today - dt.timedelta(days=60)) for _ in range(6)]
    for e, days in zip(entries[:3], (40, 20, 3), strict=True):
        change(e, "remedied", at(today - dt.timedelta(days=days)))
    tallies_refresh(campaign_id=ale.pk)
    watched = Watched(page)
    sign_in(watched, live_server, principal_a.username)
    board = visit(watched, f"{live_server.url}/reports/")
    expect(board.locator('[data-figure="involved"]')).to_have_text("6")
    expect(board.locator('[data-figure="remedied"]')).to_have_text("3")
    # Chart.js drew the burn-up: two datasets, the remedied line ending at 3, involved at 6.
    drawn = board.evaluate(
        "() => window.burnupChart && window.burnupChart.data.datasets.map(d => d.data[d.data.length - 1])"
    )
    assert drawn == [6, 3]
    assert board.evaluate("() => document.getElementById('burnup-chart').width") > 0
    # The dealer's open vehicles: its call list.
    board.get_by_test_id("dealers").get_by_role("link", name="3", exact=True).last.click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("the call list")
    assert "/appointments/call-list/" in page.url and dealer_a.code in page.url
    # An export of the dealer table.
    board = visit(watched, f"{live_server.url}/reports/")
    with page.expect_download() as download:
        board.get_by_test_id("dealers").get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("Code,Dealer,Region,Involved,Remedied,Open") and dealer_a.code in text
    page.screenshot(path="/tmp/reports-browser.png", full_page=True)
