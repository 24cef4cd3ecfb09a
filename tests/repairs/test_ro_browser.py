"""A service manager's repair, in Chromium under the CSP: check in, complete, see the record."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched, sign_in, visit
from tests.repairs.factories_ro import ale_ready, appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set RO_SCREENSHOTS=/some/dir to keep what the user saw.
SHOTS = os.environ.get("RO_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_check_in_complete_and_the_vehicle_record(page, live_server, ale, dealer_a, service_manager_a):
    watched = Watched(page)
    appt = appointment(ale_ready(ale), dealer_a)
    sign_in(watched, live_server, service_manager_a.username)

    visit(watched, f"{live_server.url}/repair-orders/check-in/{appt.pk}/")
    page.get_by_label("RO number").fill("RO5001")
    page.get_by_label("Mileage in").fill("61000")
    shot(page, "check_in")
    page.get_by_role("button", name="Open the repair order").click()
    expect(page.get_by_test_id("ro-status")).to_have_text("Open")
    shot(page, "detail_open")

    page.get_by_role("link", name=re.compile("Complete")).click()
    expect(page.get_by_label("Parts used")).to_have_value("13711-31110, 1")
    page.get_by_label("Mileage out").fill("61012")
    page.get_by_label("Technician").fill("T. Tech")
    shot(page, "complete")
    page.get_by_role("button", name="Record the remedy").click()
    expect(page.get_by_test_id("ro-status")).to_have_text("Completed")
    watched.assert_clean("completed")
    shot(page, "detail_completed")

    visit(watched, f"{live_server.url}/repair-orders/?status=completed")
    expect(page.get_by_role("link", name="RO5001")).to_be_visible()
    shot(page, "list_completed")

    visit(watched, f"{live_server.url}/vehicles/?vin={appt.vehicle_id}")
    expect(page.get_by_test_id("history-ros")).to_contain_text("RO RO5001")
    expect(page.get_by_test_id("history-outcomes")).to_contain_text("Remedied here")
    shot(page, "vehicle_record")
