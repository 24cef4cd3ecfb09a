"""The planners' and the counters' parts flows in Chromium under the CSP (issue 8):

- a campaign administrator allocates a shipment (policy, preview, an edited line, confirm), and
  the dealer's parts manager sees it inbound and receives against it: the kits go to the line;
- a parts manager short of kits requests a transfer, the sending dealer approves and ships it,
  and the receiver's kit goes to its waiting vehicle;
- the national parts dashboard draws its charts, drills down to a region and a dealer, exports.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from parts.models import Allocation, InboundShipment, KitReservation, StockBalance, Transfer
from tests.browser.test_csp import Watched, sign_in, visit
from tests.parts.factories_alloc import consumed, kit, stock, waiting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(browser: Browser, live_server):
    """``signed_in(username)``: a fresh browser context for that person (two people, two sessions)."""
    contexts = []

    def make(username: str) -> Watched:
        contexts.append(browser.new_context())
        watched = Watched(contexts[-1].new_page())
        sign_in(watched, live_server, username)
        return watched

    yield make
    for context in contexts:
        context.close()


def _choose(select, containing: str) -> None:
    """Pick the option whose text contains ``containing`` (labels carry counts and descriptions)."""
    value = select.locator("option", has_text=containing).first.get_attribute("value")
    select.select_option(value=value)


def _submit(watched: Watched, button: str, where: str) -> Page:
    page = watched.page
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean(where)
    return page


def test_an_allocation_is_confirmed_then_received_by_the_dealer(
    signed_in, live_server, ale, dealer_a, dealer_b, campaign_admin, parts_manager_a
):
    v6 = kit(ale)
    waiting(ale, dealer_a, 3)
    waiting(ale, dealer_b, 1)

    admin = signed_in(campaign_admin.username)
    page = visit(admin, f"{live_server.url}/parts/allocations/new/")
    _choose(page.locator("#id_kit"), v6.part_number)
    page.get_by_label("Kits in the shipment").fill("4")
    page.get_by_label(re.compile("By waiting demand")).check()
    page = _submit(admin, "Preview", "the preview")
    lines = page.get_by_test_id("allocation-lines")
    expect(page.get_by_test_id("allocation-totals")).to_contain_text("Proposed 4 · lines give 4 of 4")
    row_a = lines.get_by_role("row").filter(has_text=dealer_a.name)
    expect(row_a).to_contain_text("3")  # demand
    row_a.get_by_role("spinbutton").fill("2")  # the planner holds one back for dealer B's next week
    page = _submit(admin, "Save lines", "lines saved")
    expect(page.locator(".alert-success")).to_contain_text("Lines saved")
    expect(page.get_by_test_id("allocation-totals")).to_contain_text("lines give 3 of 4")
    page = _submit(admin, "Confirm and ship", "confirmed")
    expect(page.get_by_test_id("allocation-status")).to_have_text("Confirmed")
    expect(page.get_by_test_id("allocation-shipments")).to_contain_text(dealer_a.name)
    expect(page.get_by_test_id("allocation-history")).to_contain_text(
        "Confirmed: 2 inbound shipments, 3 kits."
    )
    allocation = Allocation.objects.get()
    shipment = InboundShipment.objects.get(dealer=dealer_a, allocation=allocation)
    assert shipment.quantity == 2

    counter = signed_in(parts_manager_a.username)
    inbound = visit(counter, f"{live_server.url}/parts/inbound/")
    expect(inbound.get_by_role("row").filter(has_text=f"Allocation {allocation.pk}")).to_contain_text("2")
    receive = visit(counter, f"{live_server.url}/parts/stock/receive/")
    _choose(receive.get_by_label("Against"), f"Allocation {allocation.pk}: 2 of 2")
    receive.get_by_label("Kits received").fill("2")
    receive.get_by_label("Packing slip").fill("PS-ALLOC-1")
    receive = _submit(counter, "Receive", "received")
    expect(receive.locator(".alert-success")).to_contain_text("2 waiting vehicles got a kit")
    balance = StockBalance.objects.get(dealer=dealer_a, kit=v6)
    assert (balance.on_hand, balance.reserved, balance.inbound) == (2, 2, 0)
    assert KitReservation.objects.filter(dealer=dealer_a, status="waiting").count() == 1


def test_a_transfer_goes_request_approve_ship_receive(
    signed_in, live_server, ale, dealer_a, dealer_b, parts_manager_a, parts_manager_b
):
    v6 = kit(ale)
    stock(dealer_a, v6, 3)  # a surplus: nobody waits at dealer A
    (vin,) = waiting(ale, dealer_b, 1)

    short = signed_in(parts_manager_b.username)
    page = visit(short, f"{live_server.url}/parts/transfers/new/")
    page.get_by_label("From dealer (code)").fill(dealer_a.code)
    _choose(page.locator("#id_kit"), v6.part_number)
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Reason").fill("An owner waits; Pasadena has three on the shelf.")
    page = _submit(short, "Request", "requested")
    expect(page.get_by_test_id("transfer-status")).to_have_text("Requested")
    transfer = Transfer.objects.get()

    sender = signed_in(parts_manager_a.username)
    detail = f"{live_server.url}/parts/transfers/{transfer.pk}/"
    visit(sender, detail)
    page = _submit(sender, "Approve", "approved")
    expect(page.get_by_test_id("transfer-status")).to_have_text("Approved")
    page.get_by_label("Carrier or packing-slip reference").fill("UPS 1Z999")
    page = _submit(sender, "Ship", "shipped")
    expect(page.get_by_test_id("transfer-status")).to_have_text("In transit")
    assert StockBalance.objects.get(dealer=dealer_b, kit=v6).inbound == 1

    page = visit(short, detail)
    expect(page.get_by_test_id("transfer-history")).to_contain_text("UPS 1Z999")
    page = _submit(short, "Receive", "received")
    expect(page.get_by_test_id("transfer-status")).to_have_text("Received")
    a, b = (StockBalance.objects.get(dealer=d, kit=v6) for d in (dealer_a, dealer_b))
    assert (a.on_hand, b.on_hand, b.inbound, b.reserved) == (2, 1, 0, 1)
    assert KitReservation.objects.get(vehicle_id=vin).status == "reserved"


def test_the_national_dashboard_draws_drills_down_and_exports(
    page: Page, live_server, ale, dealer_a, dealer_b, region_west, campaign_admin
):
    v6 = kit(ale)
    stock(dealer_a, v6, 6)
    consumed(dealer_a, v6, 2, days_ago=3)
    waiting(ale, dealer_b, 2)
    watched = Watched(page)
    sign_in(watched, live_server, campaign_admin.username)
    board = visit(watched, f"{live_server.url}/parts/dashboard/")
    for chart in ("consumption-chart", "balance-chart"):
        drawn = board.evaluate(f"() => !!Chart.getChart(document.getElementById('{chart}'))")
        assert drawn, chart
    expect(board.get_by_test_id("shortfalls")).to_contain_text(dealer_b.name)
    expect(board.get_by_test_id("surpluses")).to_contain_text(dealer_a.name)

    with board.expect_download() as download:
        board.get_by_role("link", name=re.compile("CSV")).first.click()
    assert download.value.suggested_filename.endswith(".csv")

    board.get_by_role("link", name=region_west.name).first.click()
    board.wait_for_load_state("networkidle")
    watched.assert_clean("the region's dashboard")
    expect(board.get_by_role("heading", level=1)).to_contain_text(region_west.name)
    board.get_by_role("link", name=dealer_a.name).first.click()
    board.wait_for_load_state("networkidle")
    watched.assert_clean("the dealer's dashboard")
    expect(board.get_by_role("heading", level=1)).to_contain_text(dealer_a.name)
