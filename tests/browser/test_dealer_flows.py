"""Real Chromium against the live server: a service manager confirms a VIN; a pre-owned manager
tries to deliver a stop-sale unit and is refused with the reason on screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dealers.inventory import inventory_add
from dealers.models import InventoryUnit, ServicingDealer
from tests.conftest import PASSWORD
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, username: str) -> None:
    """Through the real sign-in form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_service_manager_looks_up_a_vin_and_sees_the_record(
    page: Page, live_server, ale, dealer_a, service_manager_a
):
    vehicle = VehicleFactory(vin=ale_vin(15015), owner_name="Margaret Hale")
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)

    sign_in(page, live_server, service_manager_a.username)
    page.goto(f"{live_server.url}/vehicles/")
    # Scanned with the barcode's leading "I" and in lower case: the VIN inside is found.
    page.get_by_placeholder(re.compile("17-character VIN")).fill(f"i{vehicle.vin.lower()}")
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_test_id("record-vin")).to_have_text(vehicle.vin)
    states = page.get_by_test_id("campaign-states")
    expect(states).to_contain_text("ALE")
    expect(states).to_contain_text("Affected — recall open")
    expect(states).to_contain_text("Remedy not yet available")
    expect(page.get_by_text("2007 GS 350")).to_be_visible()
    expect(page.get_by_test_id("owner")).to_contain_text("Margaret Hale")
    expect(page.get_by_test_id("repair-history")).to_contain_text("No repair orders")


def test_a_service_manager_mistypes_a_vin_and_is_told_what_is_wrong(
    page: Page, live_server, ale, service_manager_a
):
    sign_in(page, live_server, service_manager_a.username)
    page.goto(f"{live_server.url}/vehicles/")
    page.get_by_placeholder(re.compile("17-character VIN")).fill("JTHBE96SO70007930")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_text("Position 9 is the letter O, which never appears in a VIN")).to_be_visible()


def test_a_pre_owned_manager_is_refused_delivery_of_a_stop_sale_unit(
    page: Page, live_server, ale, dealer_a, preowned_manager_a
):
    vin = ale_vin(15016)
    AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=vin))
    unit = inventory_add(
        dealer_id=dealer_a.pk,
        vin=vin,
        stock_number="P4410",
        received_on=dt.date(2010, 6, 30),
        user=preowned_manager_a,
    )

    sign_in(page, live_server, preowned_manager_a.username)
    page.goto(f"{live_server.url}/inventory/")
    page.get_by_role("link", name="P4410").click()
    expect(page.get_by_test_id("stop-sale-banner")).to_contain_text(
        "Stop sale — do not deliver until remedied"
    )
    page.get_by_role("button", name="Mark delivered").click()

    refusal = page.get_by_role("alert").filter(has_text="open safety recall ALE")
    expect(refusal).to_contain_text("Stop sale — do not deliver until remedied")
    expect(refusal).to_contain_text("Safety Recall ALE – Valve Spring")
    expect(page.get_by_test_id("events")).to_contain_text("Delivery refused (stop sale)")
    unit.refresh_from_db()
    assert unit.status == InventoryUnit.Status.IN_STOCK
    assert unit.events.filter(kind="delivery_refused", by=preowned_manager_a).count() == 1
