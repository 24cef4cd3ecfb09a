"""The remedy on the campaign's staff page, and the public look-up's reimbursement link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign import throttling
from campaign.models import Campaign
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_staff_page_shows_each_covered_models_labor_op_hours_kit_and_price(ale, service_manager_a):
    page = client_for(service_manager_a).get(reverse("campaign-detail", args=["ALE"])).content.decode()
    table = page[
        page.index('data-testid="remedy-table"') : page.index(
            "</table>", page.index('data-testid="remedy-table"')
        )
    ]
    assert table.count("<tr>") == 1 + 13  # the header and one row a covered model
    ls600 = table[table.index("LS 600h L") :]
    # 32 × 5.34 + 241.90 + 2 × 33.10 + 2 × 12.65 + 2 × 96.30, at dealer net.
    assert "ALE40A" in ls600[:400] and "22.0" in ls600[:400] and "$696.88" in ls600
    assert "90501-38021</span> × 32" in ls600
    assert "30 days after completion" in page
    assert "repairs Aug 1, 2005 – Dec 31, 2011" in page
    assert "Replaced the engine valve springs" in page


def test_a_campaign_without_a_remedy_says_so(ale, service_manager_a):
    from campaign.models import RemedyOperation

    RemedyOperation.objects.filter(covered_model__campaign=ale).delete()
    Campaign.objects.filter(pk=ale.pk).update(
        claim_window_days=None, reimbursement_from=None, reimbursement_until=None
    )
    page = client_for(service_manager_a).get(reverse("campaign-detail", args=["ALE"])).content.decode()
    assert "No labor operations are defined for this campaign yet" in page
    assert "no window set" in page


@pytest.fixture
def affected_vin(ale, monkeypatch):
    monkeypatch.setattr(throttling, "_now", lambda: 5_000_000_000.5)
    throttling.lookup_throttle_reset(client="127.0.0.1")
    Campaign.objects.filter(pk=ale.pk).update(
        affected_list_posted_at=timezone.now(), data_updated_at=timezone.now()
    )
    vehicle = VehicleFactory(vin=ale_vin(7931))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    return vehicle.vin


def test_an_open_recall_links_owners_to_the_reimbursement_request(client, affected_vin):
    page = client.get(reverse("public-lookup"), {"vin": affected_vin}).content.decode()
    link = f'href="{reverse("reimbursement-request")}?vin={affected_vin}"'
    assert link in page
    assert "Already paid for this repair? Request reimbursement" in page
    assert "repairs from August 1, 2005 to December 31, 2011" in page


def test_no_link_without_a_reimbursement_window(client, ale, affected_vin):
    Campaign.objects.filter(pk=ale.pk).update(
        reimbursement_from=None, reimbursement_until=None, data_updated_at=timezone.now()
    )
    page = client.get(reverse("public-lookup"), {"vin": affected_vin}).content.decode()
    assert 'data-testid="recall"' in page  # the recall is there, open
    assert "Request reimbursement" not in page
