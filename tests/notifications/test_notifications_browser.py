"""Messages in Chromium under the CSP: a booking's confirmation shows on the vehicle record, the
service manager records that the owner wants e-mail only, the log is reached from the user menu,
and the owner stops e-mails with the link from the message."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from notifications.models import ContactPreferenceChange
from notifications.preferences import contact_preference_choice
from tests.browser.test_csp import Watched, open_user_menu, sign_in, visit
from tests.notifications.factories import booked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_service_desk_sets_the_preference_and_the_owner_unsubscribes(
    page: Page, live_server, ale, dealer_a, service_manager_a, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    watched = Watched(page)
    appointment = booked(ale, dealer_a, user=service_manager_a)  # committed: the confirmation goes
    vin = appointment.vehicle_id
    sign_in(watched, live_server, service_manager_a.username)
    record = visit(watched, f"{live_server.url}/vehicles/?vin={vin}")
    card = record.get_by_test_id("messages")
    expect(card).to_contain_text("Appointment confirmation to owner@example.com")
    expect(card.get_by_test_id("preference")).to_contain_text("Not stated")
    card.get_by_label("The owner wants").select_option("email")
    card.get_by_label("Why (what the owner said)").fill("Asked at the counter: no texts.")
    card.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("after saving the preference")
    expect(page.get_by_test_id("preference")).to_have_text("E-mail only")
    assert ContactPreferenceChange.objects.get(vehicle_id=vin).by == service_manager_a

    open_user_menu(watched)
    page.get_by_role("link", name="Messages sent").click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("the message log")
    expect(page.locator("table")).to_contain_text(vin)

    link = next(line for line in mail.outbox[0].body.splitlines() if "/unsubscribe/" in line).split(": ", 1)[
        1
    ]
    owner = Watched(page.context.browser.new_page())
    visit(owner, link)
    owner.page.get_by_test_id("unsubscribe-confirm").click()
    owner.page.wait_for_load_state("networkidle")
    owner.assert_clean("after unsubscribing")
    expect(owner.page.get_by_test_id("unsubscribed")).to_contain_text("no more e-mails")
    assert contact_preference_choice(vin=vin) == "none"
