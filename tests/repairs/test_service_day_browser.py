"""The service manager's day, in Chromium under the CSP (issue 7): find a vehicle on the call
list, book it from its row, check it in, complete it and submit the claim; then the public
look-up no longer lists the recall."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from campaign.models import AffectedVehicle
from repairs.appointments import dealer_today
from repairs.models import Appointment, RepairOrder, WarrantyClaim
from tests.browser.test_csp import Watched, sign_in, visit
from tests.repairs.factories_booking import affected, bookable, open_shop
from tests.repairs.factories_claims import claims_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = None  # a folder to save screenshots in while working on the pages


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _public_look_up(watched: Watched, live_server, vin: str) -> Page:
    page = visit(watched, f"{live_server.url}/recalls/")
    page.get_by_placeholder(re.compile("17 characters")).fill(vin)
    page.get_by_role("button", name=re.compile("check|look", re.I)).first.click()
    expect(page.locator(".vin-echo")).to_have_text(vin)
    watched.assert_clean("public look-up")
    return page


def test_call_list_book_check_in_complete_claim_then_the_look_up_is_clear(
    page: Page, live_server, ale, dealer_a, service_manager_a
):
    watched = Watched(page)
    bookable(ale)
    claims_setup(ale, dealer_a)  # ALE010, 6.0 h, kit 13711-31110 at 240.00; 120.00/h, 10 %
    open_shop(dealer_a, weekdays=range(7))
    vin = affected(ale, dealer=dealer_a).vin
    affected(ale, dealer=dealer_a)  # someone else to call: the row is found by its VIN
    tomorrow = dealer_today(dealer_a) + dt.timedelta(days=1)

    # Before: the owner's look-up lists ALE.
    public = _public_look_up(watched, live_server, vin)
    expect(public.get_by_test_id("recall")).to_have_count(1)
    _shot(public, "public-before")

    sign_in(watched, live_server, service_manager_a.username)
    visit(watched, f"{live_server.url}/appointments/call-list/")
    row = page.get_by_role("row").filter(has_text=vin)
    expect(row).to_have_count(1)
    _shot(page, "call-list")
    row.get_by_role("link", name="Book").click()  # one click from the row to the booking form

    form = page.locator("#booking-form")
    expect(form.get_by_label("VIN")).to_have_value(vin)
    form.get_by_label("Date (dealer's local time)").fill(tomorrow.isoformat())
    form.locator("input[name=time]").fill("09:00")
    form.get_by_label("Transportation").select_option("loaner")
    _shot(page, "book")
    form.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_text(f"Booked {vin} for 6.0 h.")).to_be_visible()
    watched.assert_clean("booked")
    appointment = Appointment.objects.get(vehicle_id=vin)
    expect(page).to_have_url(re.compile(rf"/appointments/{appointment.pk}/$"))
    _shot(page, "appointment")

    # Booked: off the call list.
    visit(watched, f"{live_server.url}/appointments/call-list/")
    expect(page.get_by_role("row").filter(has_text=vin)).to_have_count(0)

    visit(watched, f"{live_server.url}/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Check in").click()
    page.get_by_label("RO number").fill("RO7001")
    page.get_by_label("Mileage in").fill("61000")
    page.get_by_role("button", name="Open the repair order").click()
    expect(page.get_by_test_id("ro-status")).to_have_text("Open")
    watched.assert_clean("checked in")
    _shot(page, "ro-open")

    page.get_by_role("link", name=re.compile("Complete")).click()
    expect(page.get_by_label("Parts used")).to_have_value("13711-31110, 1")
    page.get_by_label("Mileage out").fill("61012")
    page.get_by_label("Technician").fill("T. Tech")
    page.get_by_role("button", name="Record the remedy").click()
    expect(page.get_by_test_id("ro-status")).to_have_text("Completed")
    watched.assert_clean("completed")
    _shot(page, "ro-completed")

    visit(watched, f"{live_server.url}/claims/")
    page.get_by_role("link", name="Submit a claim").click()
    page.get_by_role("row").filter(has_text="RO7001").get_by_role("link", name="Submit claim").click()
    _shot(page, "claim-submit")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_text("approved: 984.00 USD")).to_be_visible()  # 6.0 h × 120.00 + 240.00 × 1.10
    watched.assert_clean("claim submitted")
    _shot(page, "claim")

    ro = RepairOrder.objects.get(vehicle_id=vin)
    assert ro.status == RepairOrder.Status.COMPLETED and ro.appointment_id == appointment.pk
    assert WarrantyClaim.objects.get(repair_order=ro).status == WarrantyClaim.Status.APPROVED
    assert AffectedVehicle.objects.get(vehicle_id=vin).status == AffectedVehicle.Status.REMEDIED

    # After: the owner's look-up (signed out) no longer lists the recall.
    page.context.clear_cookies()
    public = _public_look_up(watched, live_server, vin)
    expect(public.get_by_test_id("recall")).to_have_count(0)
    expect(public.get_by_test_id("no-recalls")).to_be_visible()
    _shot(public, "public-after")
