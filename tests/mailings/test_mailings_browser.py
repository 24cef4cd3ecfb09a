"""The mailing pages in Chromium under the CSP: the selection, creating a mailing, its progress
bar following the workers, and the returned-mail and candidates pages."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import Vehicle
from dealers.models import ServicingDealer
from mailings.models import Letter, Mailing, MailingChunk, ReturnedMail
from tests.browser.test_csp import Watched, sign_in, visit
from tests.mailings.conftest import fleet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/mailings-{}.png"


def test_an_administrator_creates_a_mailing_and_follows_it(page, live_server, ale_notifying, campaign_admin):
    watched = Watched(page)
    fleet(ale_notifying, 4)
    sign_in(watched, live_server, campaign_admin.username)
    visit(watched, f"{live_server.url}/mailings/new/")
    page.get_by_label("Owner notification").check()
    page.get_by_role("button", name=re.compile("whom it reaches")).click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("selection")
    expect(page.get_by_test_id("to-send")).to_have_text("4")
    page.screenshot(path=SHOTS.format("new"), full_page=True)
    page.get_by_test_id("create-mailing").click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("mailing created")
    # Without Redis the mailing ran in the server's process: done by the time the page shows.
    expect(page.get_by_test_id("mailing-status")).to_have_text("Sent to the print vendor")
    expect(page.get_by_test_id("package-download")).to_be_visible()
    page.screenshot(path=SHOTS.format("detail"), full_page=True)


def test_the_progress_bar_follows_the_chunks(page, live_server, ale_notifying, campaign_admin):
    watched = Watched(page)
    mailing = Mailing.objects.create(
        campaign=ale_notifying,
        kind=Mailing.Kind.NOTIFICATION,
        status=Mailing.Status.RENDERING,
        letters_total=400,
        chunks_total=2,
        chunk_size=200,
        started_at=timezone.now(),
    )
    first = MailingChunk.objects.create(
        mailing=mailing, number=1, first_sequence=1, last_sequence=200, letters=200
    )
    second = MailingChunk.objects.create(
        mailing=mailing, number=2, first_sequence=201, last_sequence=400, letters=200
    )
    MailingChunk.objects.filter(pk=first.pk).update(status="done", attempt=1, claimed_by="vm:101")
    sign_in(watched, live_server, campaign_admin.username)
    page = visit(watched, f"{live_server.url}/mailings/{mailing.pk}/")
    bar = page.locator("#progress-bar")
    expect(bar).to_have_text("50%")
    assert page.evaluate("document.getElementById('progress-bar').style.width") == "50%"
    page.screenshot(path=SHOTS.format("progress"), full_page=True)
    MailingChunk.objects.filter(pk=second.pk).update(status="done", attempt=1, claimed_by="vm:102")
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.DONE, finished_at=timezone.now())
    # The page polls its status and reloads once the mailing is done.
    expect(page.get_by_test_id("mailing-status")).to_have_text("Sent to the print vendor", timeout=8000)
    watched.assert_clean("progress")


def test_returned_mail_and_the_candidates(
    page, live_server, ale_notifying, campaign_admin, regional_west, dealer_a
):
    from django.core.management import call_command  # noqa: F401  (keeps the import style of the suite)

    from mailings.services import mailing_create

    watched = Watched(page)
    vehicles = fleet(ale_notifying, 3)
    for v in vehicles:
        ServicingDealer.objects.create(vehicle=v, dealer=dealer_a)
    mailing_create(campaign_id=ale_notifying.pk, kind=Mailing.Kind.NOTIFICATION)
    letter = Letter.objects.filter(vehicle=vehicles[0]).get()
    ReturnedMail.objects.create(letter=letter, reason="unknown", received_on=timezone.localdate())
    Vehicle.objects.filter(pk=vehicles[0].pk).update(address_undeliverable_at=timezone.now())

    sign_in(watched, live_server, campaign_admin.username)
    visit(watched, f"{live_server.url}/mailings/returned/")
    page.screenshot(path=SHOTS.format("returns"), full_page=True)
    visit(watched, f"{live_server.url}/mailings/all/")
    page.screenshot(path=SHOTS.format("list"), full_page=True)

    page.context.clear_cookies()
    sign_in(watched, live_server, regional_west.username)
    page.get_by_role("link", name="Mailings").first.click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(r"/mailings/owner-not-located/"))
    expect(page.get_by_role("link", name=vehicles[0].vin)).to_be_visible()
    page.screenshot(path=SHOTS.format("not-located"), full_page=True)
    page.get_by_role("button", name="Mark owner not located").click()
    page.wait_for_load_state("networkidle")
    watched.assert_clean("marked")
    vehicles[0].campaign_entries.get().refresh_from_db()
    assert vehicles[0].campaign_entries.get().status == "unreachable"
