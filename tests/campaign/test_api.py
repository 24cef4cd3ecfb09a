"""GET /api/v1/vins/<VIN>/: status codes, shapes, normalisation, no owner data; schema and docs."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from campaign import throttling
from campaign.models import Campaign
from campaign.serializers import (
    RecallSerializer,
    ThrottledSerializer,
    UnderReviewSerializer,
    VinErrorSerializer,
    VinRecallsSerializer,
)
from campaign.services import campaign_phase_advance
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db

_FIRST_DAY = (4_000_000_000 + random.SystemRandom().randrange(10**6) * 604_800) // 86_400 * 86_400
_days = itertools.count()


@pytest.fixture(autouse=True)
def fresh_throttle_window(monkeypatch):
    # Every test counts in a window of its own: earlier requests never push it past the limit.
    start = _FIRST_DAY + next(_days) * 2 * 86_400 + 0.5
    monkeypatch.setattr(throttling, "_now", lambda: start)


def api(vin: str) -> str:
    return reverse("api-vin-recalls", kwargs={"vin": vin})


@pytest.fixture
def posted(ale):
    Campaign.objects.filter(pk=ale.pk).update(affected_list_posted_at=timezone.now())
    return ale


@pytest.fixture
def affected_vin(posted):
    vehicle = VehicleFactory(
        vin=ale_vin(7930),
        owner_name="Margaret Hollis",
        address1="4417 Sycamore Lane",
        city="Pasadena",
        email="m.hollis@example.com",
        phone="626-555-0147",
    )
    AffectedVehicleFactory(campaign=posted, vehicle=vehicle)
    return vehicle.vin


def assert_matches(serializer_class, body: dict) -> None:
    """The body has exactly the documented fields, each of the documented type."""
    serializer = serializer_class(data=body)
    assert serializer.is_valid(), serializer.errors
    assert set(body) == set(serializer_class().fields)


def test_affected_vin(client, affected_vin):
    response = client.get(api(affected_vin))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_matches(VinRecallsSerializer, body)
    assert body["vin"] == affected_vin
    assert body["model_year"] == 2007
    assert body["model"] == "GS 350"
    assert body["under_review"] == []
    [recall] = body["recalls"]
    assert_matches(RecallSerializer, recall)
    assert recall["campaign"] == "ALE"
    assert recall["status"] == "remedy_not_yet_available"
    assert recall["remedy_available"] is False
    assert recall["free_of_charge"] is True
    assert recall["title"] == "Safety Recall ALE – Valve Spring"
    assert recall["defect"].startswith("On certain Lexus GS, IS, and LS vehicles")
    assert "engine may stall" in recall["risk"]
    assert recall["warning_signs"].startswith("Abnormal noise and vibration")
    assert recall["help_line"] == "1-800-255-3987"
    assert recall["dir_filed_on"] == "2010-07-06"
    assert body["last_updated"] is not None


def test_remedy_available_once_parts_exist(client, affected_vin, posted):
    campaign_phase_advance(campaign_id=posted.pk, to_phase=Campaign.Phase.PARTS_AVAILABLE)
    [recall] = client.get(api(affected_vin)).json()["recalls"]
    assert recall["status"] == "remedy_available"
    assert recall["remedy_available"] is True


def test_never_any_owner_data(client, affected_vin):
    text = client.get(api(affected_vin)).content.decode()
    for secret in ("Margaret", "Hollis", "Sycamore", "4417", "Pasadena", "m.hollis", "626-555"):
        assert secret not in text


@pytest.mark.parametrize(
    "sent",
    [
        "jthbe96s170007930",
        " JTHBE96S170007930 ",
        "%20jthbe96s170007930%20",
        "JTH-BE96S-170007930",
        "jth%20be96s%201700%2007930",
    ],
)
def test_lower_case_and_padded_vins_are_normalised(client, affected_vin, sent):
    # A space reaches the view URL-encoded (%20), as browsers and HTTP clients send it.
    response = client.get(f"/api/v1/vins/{sent}/")
    assert response.status_code == 200
    body = response.json()
    assert body["vin"] == "JTHBE96S170007930"
    assert [r["campaign"] for r in body["recalls"]] == ["ALE"]


def test_remedied_vin_has_no_open_recalls(client, posted):
    vin = ale_vin(7931)
    AffectedVehicleFactory(campaign=posted, vehicle=VehicleFactory(vin=vin), status="remedied")
    body = client.get(api(vin)).json()
    assert body["recalls"] == [] and body["under_review"] == []


def test_in_range_but_not_on_the_list(client, affected_vin):
    body = client.get(api(ale_vin(7932))).json()
    assert body["recalls"] == [] and body["under_review"] == []
    assert body["model"] == "GS 350"


def test_in_range_before_the_list_is_posted_is_under_review(client, ale):
    body = client.get(api(ale_vin(7932))).json()
    assert body["recalls"] == []
    [review] = body["under_review"]
    assert_matches(UnderReviewSerializer, review)
    assert review["campaign"] == "ALE"
    assert review["status"] == "list_not_yet_posted"


def test_valid_vin_affected_by_nothing(client, posted):
    response = client.get(api("1HGCM82633A004352"))
    assert response.status_code == 200
    body = response.json()
    assert_matches(VinRecallsSerializer, body)
    assert body == {
        "vin": "1HGCM82633A004352",
        "model_year": 2003,
        "model": None,
        "recalls": [],
        "under_review": [],
        "last_updated": body["last_updated"],
    }


@pytest.mark.parametrize(
    ("sent", "vin", "message"),
    [
        (
            "JTHBE96S270007930",
            "JTHBE96S270007930",
            "Position 9 should be 1, the check digit does not match (it is 2). "
            "One of the characters was probably mistyped.",
        ),
        (
            "jthbe96s17000793",
            "JTHBE96S17000793",
            "A VIN has 17 characters; this one has 16. Check for a missing character.",
        ),
        (
            "JTHBE96S17000793O",
            "JTHBE96S17000793O",
            "Position 17 is the letter O, which never appears in a VIN; it is probably 0 (zero).",
        ),
        ("%20-%20", "", "Enter a VIN: 17 letters and digits, found on the dashboard or door pillar."),
    ],
)
def test_invalid_vin_is_a_400_saying_why(client, ale, sent, vin, message):
    response = client.get(f"/api/v1/vins/{sent}/")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_matches(VinErrorSerializer, {**body, "vin": body["vin"] or "-"})
    assert body == {"vin": vin, "error": message, "code": "invalid_vin"}


def test_throttled_body_matches_the_schema(client, ale, settings):
    settings.LOOKUP_THROTTLE_RATE = "1/minute"
    client.get(api("1HGCM82633A004352"))
    response = client.get(api("1HGCM82633A004352"))
    assert response.status_code == 429
    assert_matches(ThrottledSerializer, response.json())


def test_one_query_per_request(client, affected_vin, django_assert_num_queries):
    client.get(api(affected_vin))  # first look-up in this process loads the campaign cache
    # 1. the look-up (campaign versions + this VIN's list status); no session, no user.
    with django_assert_num_queries(1):
        assert client.get(api(ale_vin(7932))).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(api(affected_vin)).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(api("JTHBE96S270007930")).status_code == 400


def test_public_even_with_a_session(client_for, campaign_admin, affected_vin):
    # Signed-in users get the same public answer; no session or CSRF machinery applies.
    response = client_for(campaign_admin).get(api(affected_vin))
    assert response.status_code == 200
    assert response.json()["recalls"][0]["campaign"] == "ALE"


def test_only_get(client, ale):
    response = client.post(api("1HGCM82633A004352"))
    assert response.status_code == 405
    assert response.json()["detail"]


def test_head_is_answered(client, ale):
    assert client.head(api("1HGCM82633A004352")).status_code == 200


# --- Schema and docs ---------------------------------------------------------------------


def test_openapi_schema_describes_the_lookup(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/vins/{vin}/"]["get"]
    assert operation["operationId"] == "vin_recalls"
    assert set(operation["responses"]) == {"200", "400", "429"}
    assert operation["security"] == [{}]  # no authentication
    components = schema["components"]["schemas"]
    assert {"VinRecalls", "Recall", "UnderReview", "VinError", "Throttled"} <= set(components)
    assert set(components["VinRecalls"]["properties"]) == set(VinRecallsSerializer().fields)
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert {"OpenRecall", "NoOpenRecalls"} <= set(examples)


def test_schema_yaml_by_default(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/vins/{vin}/" in response.content


def test_docs_page_works_offline(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    # Every script, stylesheet and icon is served from here (drf-spectacular-sidecar).
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith("/"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file here"
    assert not re.search(r"https?://", html), "the docs page names an external URL"
    # Swagger UI's start-up script is a file (the CSP allows no inline script): it names
    # nothing external either, and the validator badge (validator.swagger.io) is off.
    script = client.get(reverse("api-docs"), {"script": ""}).content.decode()
    assert not re.search(r"https?://", script), "the docs script names an external URL"
    assert '"validatorUrl": null' in script
