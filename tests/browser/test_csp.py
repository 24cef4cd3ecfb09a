"""Every main page works in Chromium under the Content-Security-Policy, with its JavaScript.

Chromium enforces the policy; any violation (a blocked script, style or handler) is reported
both as a console message and as a ``securitypolicyviolation`` event, and fails the test, as
does any uncaught script error. Each persona's pages are visited and their scripts exercised:
the VIN look-up, the navigation's dropdown, the regional and national charts, the import
progress bar, the campaign page's accordion, Swagger UI and the Django admin.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaign.models import VinImport
from dealers.models import ServicingDealer
from tests.conftest import PASSWORD
from tests.factories import AffectedVehicleFactory, UserFactory, VehicleFactory, ale_vin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watched:
    """What went wrong on the pages seen so far: CSP violations and script errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(WATCH)
        page.on(
            "console",
            lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def assert_clean(self, where: str) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        assert (self.console, events, self.errors) == ([], [], []), where


@pytest.fixture
def watched(page: Page) -> Watched:
    return Watched(page)


def visit(watched: Watched, url: str) -> Page:
    response = watched.page.goto(url)
    assert response is not None and response.ok, url
    assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
    watched.page.wait_for_load_state("networkidle")
    watched.assert_clean(url)
    return watched.page


def sign_in(watched: Watched, live_server, username: str) -> None:
    page = visit(watched, f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    watched.assert_clean("after sign-in")


def open_user_menu(watched: Watched) -> None:
    # Bootstrap's JavaScript (the dropdown) runs.
    page = watched.page
    page.locator("[data-bs-toggle=dropdown]").first.click()
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible()
    watched.assert_clean("user menu")


def test_the_public_pages_and_the_api_docs(watched: Watched, live_server, ale):
    vehicle = VehicleFactory(vin=ale_vin(15015))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)

    page = visit(watched, f"{live_server.url}/recalls/")
    page.get_by_label(re.compile("VIN", re.I)).first.fill(vehicle.vin)
    page.get_by_role("button", name=re.compile("check|look", re.I)).first.click()
    expect(page.get_by_text(re.compile("ALE")).first).to_be_visible()
    watched.assert_clean("public look-up result")

    visit(watched, f"{live_server.url}/accounts/password/reset/")

    page = visit(watched, f"{live_server.url}/api/docs/")
    # Swagger UI started (its script is a file now) and rendered the schema it fetched.
    expect(page.get_by_text("Recall campaign tracker API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    watched.assert_clean("Swagger UI")


def test_the_regional_chart_draws(watched: Watched, live_server, ale, dealer_a, regional_west):
    for serial in (15020, 15021):
        vehicle = VehicleFactory(vin=ale_vin(serial))
        AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)

    sign_in(watched, live_server, regional_west.username)
    page = visit(watched, f"{live_server.url}/")
    # Chart.js ran (the nonced inline script) and charted the region's dealers by code.
    drawn = page.evaluate(
        "() => { const c = Chart.getChart('home-chart'); return c ? c.data.labels : null; }"
    )
    assert drawn == [dealer_a.code]
    box = page.locator("#home-chart").bounding_box()
    assert box and box["height"] > 200  # the chart box's height comes from app.css now
    open_user_menu(watched)


def test_the_administrator_pages_progress_bar_and_admin(
    watched: Watched, live_server, ale, dealer_a, campaign_admin
):
    vin_import = VinImport(
        campaign=ale, original_name="list.csv", status=VinImport.Status.RUNNING, started_at=timezone.now()
    )
    from django.core.files.base import ContentFile

    vin_import.source.save("list.csv", ContentFile(b"vin\n"), save=False)
    vin_import.save()
    cache.set(f"vin-import:{vin_import.pk}:progress", {"rows_read": 250, "rows_total": 1000})

    sign_in(watched, live_server, campaign_admin.username)
    page = visit(watched, f"{live_server.url}/")
    assert page.evaluate("() => !!Chart.getChart('home-chart')")
    open_user_menu(watched)

    page = visit(watched, f"{live_server.url}/campaigns/ALE/")
    question = page.locator(".accordion-button").first
    question.click()
    expect(question).to_have_attribute("aria-expanded", "true")
    watched.assert_clean("campaign accordion")
    visit(watched, f"{live_server.url}/campaigns/ALE/imports/")

    page = visit(watched, f"{live_server.url}/campaigns/ALE/imports/{vin_import.pk}/")
    bar = page.locator("#progress-bar")
    expect(bar).to_have_text("25%")
    # The script sizes the bar (no style attribute), then follows the worker's progress.
    assert page.evaluate("document.getElementById('progress-bar').style.width") == "25%"
    cache.set(f"vin-import:{vin_import.pk}:progress", {"rows_read": 600, "rows_total": 1000})
    expect(bar).to_have_text("60%", timeout=5000)
    expect(page.locator("#progress-read")).to_have_text("600")
    assert page.evaluate("document.getElementById('progress-bar').style.width") == "60%"
    watched.assert_clean("import progress")


def test_the_django_admin(watched: Watched, live_server, ale):
    UserFactory(username="superuser", is_staff=True, is_superuser=True)
    sign_in(watched, live_server, "superuser")
    visit(watched, f"{live_server.url}/admin/")
    visit(watched, f"{live_server.url}/admin/campaign/campaign/")
    page = visit(watched, f"{live_server.url}/admin/campaign/campaign/{ale.pk}/change/")
    expect(page.locator("#campaign_form")).to_be_visible()
    watched.assert_clean("admin change form")


def test_dealer_staff_pages(
    watched: Watched, live_server, ale, dealer_a, service_manager_a, preowned_manager_a
):
    vehicle = VehicleFactory(vin=ale_vin(15030))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)

    sign_in(watched, live_server, service_manager_a.username)
    visit(watched, f"{live_server.url}/")
    page = visit(watched, f"{live_server.url}/vehicles/")
    page.get_by_placeholder(re.compile("17-character VIN")).fill(vehicle.vin)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("record-vin")).to_have_text(vehicle.vin)
    watched.assert_clean("vehicle record")
    visit(watched, f"{live_server.url}/accounts/password/change/")
    open_user_menu(watched)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    watched.assert_clean("sign-out")

    sign_in(watched, live_server, preowned_manager_a.username)
    for path in ("/", "/inventory/", "/inventory/held/", "/inventory/add/", "/inventory/upload/"):
        visit(watched, f"{live_server.url}{path}")
