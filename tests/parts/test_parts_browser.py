"""The parts counter in Chromium under the CSP (issue 8): a kit arrives for a dealer with a line
waiting; the parts manager receives it from the home page, it goes to the symptomatic owner on
the wait-list first, the booked vehicle stays waiting and is flagged at risk, and the owner the
kit went to shows on "Whom to call"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from parts.models import KitReservation, StockBalance
from parts.reservations import waitlist_join
from tests.browser.test_csp import Watched, sign_in, visit
from tests.parts.waitlist_factories import book, tracked
from tests.repairs.factories_booking import affected

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_received_kit_goes_to_the_first_in_line_and_the_rest_stay_at_risk(
    page: Page, live_server, ale, dealer_a, service_manager_a, parts_manager_a
):
    watched = Watched(page)
    kit = tracked(ale)
    booked = book(ale, dealer_a, days=2, user=service_manager_a)  # no kit yet: waiting, and soon
    assert booked.parts_status == "waiting"
    symptomatic_vin = affected(ale, dealer=dealer_a).vin
    waitlist_join(
        dealer_id=dealer_a.pk,
        vin=symptomatic_vin,
        campaign_id=ale.pk,
        symptomatic=True,
        user=service_manager_a,
    )

    sign_in(watched, live_server, parts_manager_a.username)
    home = visit(watched, f"{live_server.url}/")
    panel = home.get_by_test_id("parts-home-stock")
    expect(panel.get_by_role("row").filter(has_text=kit.part_number)).to_contain_text("2")  # waiting
    panel.get_by_role("link", name=re.compile("Receive")).click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("receive form")
    page.get_by_label("Kit", exact=True).select_option(kit.part_number)
    page.get_by_label("Kits received").fill("1")
    page.get_by_label("Packing slip").fill("PS-77")
    page.get_by_role("button", name="Receive").click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("after the receipt")
    expect(page.locator(".alert-success")).to_contain_text("1 waiting vehicle got a kit")

    balance = StockBalance.objects.get(dealer=dealer_a, kit=kit)
    assert (balance.on_hand, balance.reserved) == (1, 1)
    first = KitReservation.objects.get(vehicle_id=symptomatic_vin)
    assert first.status == "reserved"  # symptomatic first, though the booking came earlier
    booked.refresh_from_db()
    assert booked.parts_status == "waiting"

    to_call = visit(watched, f"{live_server.url}/parts/wait-list/to-call/")
    expect(to_call.get_by_role("row").filter(has_text=symptomatic_vin)).to_have_count(1)
    waitlist = visit(watched, f"{live_server.url}/parts/wait-list/")
    expect(waitlist.get_by_text("At risk").first).to_be_visible()
    expect(waitlist.get_by_role("row").filter(has_text=booked.vehicle_id).first).to_be_visible()
    expect(waitlist.get_by_test_id("parts-tabs")).to_contain_text("Stock")
