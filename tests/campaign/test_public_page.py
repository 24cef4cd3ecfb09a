"""/recalls/: the public look-up page an owner uses from a phone, without signing in."""

from __future__ import annotations

import itertools
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import throttling
from campaign.definition import parse
from campaign.models import Campaign
from campaign.services import campaign_load, campaign_phase_advance
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db

_FIRST_DAY = (4_000_000_000 + random.SystemRandom().randrange(10**6) * 604_800) // 86_400 * 86_400
_days = itertools.count()

OWNER = {
    "owner_name": "Margaret Hollis",
    "address1": "4417 Sycamore Lane",
    "address2": "Apt 9",
    "city": "Pasadena",
    "postal_code": "91101",
    "phone": "626-555-0147",
    "email": "m.hollis@example.com",
}


@pytest.fixture(autouse=True)
def fresh_throttle_window(monkeypatch):
    # Every test counts in a window of its own: earlier requests never push it past the limit.
    start = _FIRST_DAY + next(_days) * 2 * 86_400 + 0.5
    monkeypatch.setattr(throttling, "_now", lambda: start)


def page(client, vin: str | None = None):
    return client.get(reverse("public-lookup"), {"vin": vin} if vin is not None else {})


@pytest.fixture
def posted(ale):
    Campaign.objects.filter(pk=ale.pk).update(
        affected_list_posted_at=timezone.now(), data_updated_at=timezone.now()
    )
    return ale


@pytest.fixture
def affected_vin(posted):
    vehicle = VehicleFactory(vin=ale_vin(7930), **OWNER)
    AffectedVehicleFactory(campaign=posted, vehicle=vehicle)
    return vehicle.vin


def text(response) -> str:
    return response.content.decode()


def test_the_empty_form(client, ale):
    response = page(client)
    assert response.status_code == 200
    html = text(response)
    assert "Is there a safety recall on your vehicle?" in html
    assert 'name="vin"' in html
    assert 'method="get"' in html
    assert "Recall information last updated" in html
    assert "invalid-feedback" not in html


def test_no_sign_in_needed_and_no_login_redirect(client, ale):
    assert page(client).status_code == 200
    assert page(client, "1HGCM82633A004352").status_code == 200


def test_open_recall_in_plain_language(client, affected_vin):
    response = page(client, affected_vin)
    assert response.status_code == 200
    html = text(response)
    assert "1 open safety recall" in html
    assert "Safety recall" in html
    assert "Safety Recall ALE – Valve Spring" in html
    assert "2007 Lexus GS 350" in html
    # Defect, risk, warning signs, remedy, that it is free, what to do, the help line.
    assert "engine valve springs may develop a crack and break" in html
    assert "the engine may stall" in html
    assert "Abnormal noise and vibration from the engine" in html
    assert "install newly designed engine valve springs" in html
    assert "Free of charge" in html
    assert "What you should do" in html
    assert 'href="tel:1-800-255-3987"' in html
    # The preliminary phase: no parts yet.
    assert "Parts are not yet available." in html
    assert "You will receive a letter" in html
    assert "Recall information last updated" in html


def test_remedy_available_once_parts_exist(client, affected_vin, posted):
    campaign_phase_advance(campaign_id=posted.pk, to_phase=Campaign.Phase.PARTS_AVAILABLE)
    html = text(page(client, affected_vin))
    assert "The repair is available now." in html
    assert "Parts are not yet available." not in html


def test_never_any_owner_data(client, affected_vin):
    html = text(page(client, affected_vin))
    for value in OWNER.values():
        assert value not in html
    assert "Hollis" not in html and "Sycamore" not in html


def test_typed_as_owners_type_it(client, affected_vin):
    typed = " jthbe96s1-70007930 "
    html = text(page(client, typed))
    assert "1 open safety recall" in html
    assert "JTHBE96S170007930" in html
    assert 'value=" jthbe96s1-70007930 "' in html  # the box keeps what they typed


def test_clean_vin_says_no_open_recalls(client, posted):
    html = text(page(client, "1HGCM82633A004352"))
    assert "No open recalls" in html
    assert "Model year 2003" in html
    assert 'data-testid="recall"' not in html


def test_remedied_vin_says_no_open_recalls(client, posted):
    vin = ale_vin(7931)
    AffectedVehicleFactory(campaign=posted, vehicle=VehicleFactory(vin=vin, **OWNER), status="remedied")
    html = text(page(client, vin))
    assert "No open recalls" in html
    assert "Margaret" not in html


def test_in_range_before_the_list_is_posted_is_under_review(client, ale):
    html = text(page(client, ale_vin(7932)))
    assert "Under review: Safety Recall ALE – Valve Spring" in html
    assert "has not been published yet" in html
    assert 'data-testid="recall"' not in html


def test_two_campaigns_open_recall_and_one_under_review(client, affected_vin):
    campaign_load(
        definition=parse(
            """
code: ZTEST
title: Safety Recall ZTEST – Fuel Pump
manufacturer: Lexus
make: Lexus
component: Fuel pump
dates: {dir_filed: 2011-03-01}
defect: The pump may fail.
consequence: The engine may stall.
remedy: Replace the pump.
vin_table:
  - {model: GS 350, model_year: 2007, uio: 10, ranges: [{wmi: JTH, vds: BE96S, serial: "0007000-0008000"}]}
"""
        )
    )
    html = text(page(client, affected_vin))
    assert "1 open safety recall" in html
    assert "Under review: Safety Recall ZTEST – Fuel Pump" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("JTHBE96S270007930", "Position 9 should be 1, the check digit does not match (it is 2)."),
        ("JTHBE96S17000793", "A VIN has 17 characters; this one has 16. Check for a missing character."),
        (
            "JTHBE96S17000793Q",
            "Position 17 is the letter Q, which never appears in a VIN; it is probably 0 (zero).",
        ),
        ("", "Enter a VIN: 17 letters and digits, found on the dashboard or door pillar."),
    ],
)
def test_mistyped_vin_gets_a_friendly_error_and_keeps_the_text(client, ale, typed, message):
    response = page(client, typed)
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert "is-invalid" in html
    if typed:
        assert f'value="{typed}"' in html
    assert 'data-testid="recall"' not in html and "No open recalls" not in html


def test_html_is_escaped(client, ale):
    html = text(page(client, '<script>alert("x")</script>'))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_signed_in_staff_see_the_same_public_page(client_for, service_manager_a, affected_vin):
    html = text(client_for(service_manager_a).get(reverse("public-lookup"), {"vin": affected_vin}))
    assert "1 open safety recall" in html
    assert "Margaret" not in html
