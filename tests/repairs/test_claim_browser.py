"""Real Chromium against the live server: the warranty administrator rejects a claim with a
code and a note, and the dealer's service manager corrects and resubmits it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from repairs.claims import claim_submit
from repairs.models import WarrantyClaim
from tests.browser.test_dealer_flows import sign_in
from tests.repairs.factories_claims import claims_setup, completed_ro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = None  # a folder to save screenshots in while working on the pages


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_reject_then_correct_and_resubmit(
    page: Page, live_server, ale, dealer_a, service_manager_a, warranty_admin
):
    claims_setup(ale, dealer_a)
    claim = claim_submit(
        repair_order_id=completed_ro(ale, dealer_a, labor_operation="ALE099").pk, user=service_manager_a
    )
    claim_submit(repair_order_id=completed_ro(ale, dealer_a).pk, user=service_manager_a)
    completed_ro(ale, dealer_a)

    sign_in(page, live_server, warranty_admin.username)
    expect(page).to_have_url(re.compile(r"/claims/review/$"))
    expect(page.get_by_test_id("review-count")).to_have_text("1")
    _shot(page, "review")
    page.get_by_role("link", name=str(claim.pk), exact=True).click()
    decisions = page.get_by_test_id("decisions")
    decisions.get_by_label("Rejection code").select_option("labor_operation")
    decisions.locator("#reject-note").fill("Claim ALE010, the GS 350's operation.")
    _shot(page, "detail-admin")
    decisions.get_by_role("button", name="Reject").click()
    expect(page.get_by_text(f"Claim {claim.pk} rejected.")).to_be_visible()
    page.context.clear_cookies()

    sign_in(page, live_server, service_manager_a.username)
    page.goto(f"{live_server.url}/claims/?status=rejected")
    expect(page.get_by_text("Claim ALE010, the GS 350's operation.")).to_be_visible()
    _shot(page, "list-rejected")
    page.get_by_role("link", name=str(claim.pk), exact=True).click()
    expect(page.get_by_test_id("claim-reason")).to_contain_text("labor_operation")
    resubmit = page.get_by_test_id("resubmit")
    resubmit.get_by_label("Correction").fill("Replaced all valve springs; ALE010.")
    _shot(page, "detail-dealer")
    resubmit.get_by_role("button", name="Resubmit").click()
    expect(page.get_by_text(f"Claim {claim.pk} resubmitted")).to_be_visible()
    expect(page.get_by_test_id("claim-status")).to_have_text(
        "Held for review"
    )  # the RO's operation still differs
    claim.refresh_from_db()
    assert (
        claim.status == WarrantyClaim.Status.REVIEW
        and claim.correction == "Replaced all valve springs; ALE010."
    )
    page.goto(f"{live_server.url}/claims/to-submit/")
    _shot(page, "to-submit")
    page.get_by_role("link", name="Submit claim").click()
    _shot(page, "submit")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_text("approved: 984.00 USD")).to_be_visible()
