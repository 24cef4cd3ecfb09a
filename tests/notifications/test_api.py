"""GET/PUT /api/v1/vehicles/{vin}/contact-preference/ with a token, as a dealer system calls it."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import ContactPreferenceChange
from tests.notifications.factories import owner_vehicle

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _url(vin: str) -> str:
    return f"/api/v1/vehicles/{vin}/contact-preference/"


def test_a_dealer_system_reads_and_sets_the_owners_preference(ale, dealer_a, service_manager_a):
    vehicle = owner_vehicle(ale, dealer_a)
    client = _client(service_manager_a)
    assert client.get(_url(vehicle.vin)).json() == {"vin": vehicle.vin, "choice": "both"}
    response = client.put(_url(vehicle.vin), {"choice": "none", "reason": "Letters only."}, format="json")
    assert response.status_code == 200 and response.json()["choice"] == "none"
    change = ContactPreferenceChange.objects.get(vehicle=vehicle)
    assert (change.source, change.by, change.reason) == ("api", service_manager_a, "Letters only.")


def test_refusals_name_the_problem(ale, dealer_a, service_manager_a, service_manager_b):
    vehicle = owner_vehicle(ale, dealer_a)
    client = _client(service_manager_a)
    bad = client.put(_url(vehicle.vin), {"choice": "fax", "reason": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "choice"
    no_reason = client.put(_url(vehicle.vin), {"choice": "sms"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert client.get(_url("JTHBE96S17000793X")).status_code == 400
    stranger = _client(service_manager_b).get(_url(vehicle.vin))
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"
    assert not ContactPreferenceChange.objects.exists()
