"""The API's side of parts: ``parts`` and ``part_number`` on appointments (a waiting one turns
"reserved" when its kit arrives), and the wait-list endpoints."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from parts.models import KitReservation
from tests.parts.waitlist_factories import book, receive, tracked
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(ale):
    return tracked(ale)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _booking(vin):
    return {
        "vin": vin,
        "campaign": "ALE",
        "date": next_weekday(0).isoformat(),
        "time": "08:30",
        "transport": "loaner",
    }


def test_a_booking_without_a_kit_waits_and_turns_reserved_when_it_arrives(
    ale, kit, dealer_a, service_manager_a
):
    open_shop(dealer_a, hours="16.0")
    api = _client(service_manager_a)
    created = api.post("/api/v1/appointments/", _booking(affected(ale, dealer=dealer_a).vin), format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["parts"], body["part_number"]) == ("waiting", "04906-31021")
    receive(dealer_a, kit, 1)
    again = api.get(f"/api/v1/appointments/{body['id']}/").json()
    assert (again["parts"], again["part_number"]) == ("reserved", "04906-31021")


def test_a_booking_with_a_kit_free_is_reserved_at_once(ale, kit, dealer_a, service_manager_a):
    open_shop(dealer_a, hours="16.0")
    receive(dealer_a, kit, 1)
    body = (
        _client(service_manager_a)
        .post("/api/v1/appointments/", _booking(affected(ale, dealer=dealer_a).vin), format="json")
        .json()
    )
    assert body["parts"] == "reserved"


def test_untracked_parts_answer_null(ale, dealer_a, service_manager_a):
    bookable(ale)
    open_shop(dealer_a, hours="16.0")
    body = (
        _client(service_manager_a)
        .post("/api/v1/appointments/", _booking(affected(ale, dealer=dealer_a).vin), format="json")
        .json()
    )
    assert (body["parts"], body["part_number"]) == ("not_tracked", None)


@pytest.mark.parametrize("size", [2, 12])
def test_the_appointment_list_stays_flat_with_part_numbers(ale, kit, dealer_a, service_manager_a, size):
    for _ in range(size):
        book(ale, dealer_a, days=7, user=service_manager_a)
    api = _client(service_manager_a)
    api.get("/api/v1/appointments/")
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/appointments/").json()
    assert len(body["results"]) == size and all(a["part_number"] == "04906-31021" for a in body["results"])
    # token (with its user), memberships (scope), permissions (2), the count, the page.
    assert len(queries) == 6


def test_join_list_and_withdraw(ale, kit, dealer_a, service_manager_a):
    api = _client(service_manager_a)
    vin = affected(ale, dealer=dealer_a).vin
    joined = api.post(
        "/api/v1/parts/wait-list/", {"vin": vin, "campaign": "ALE", "symptomatic": True}, format="json"
    )
    assert joined.status_code == 201
    entry = joined.json()
    assert (entry["vin"], entry["status"], entry["part_number"], entry["appointment"]) == (
        vin,
        "waiting",
        "04906-31021",
        None,
    )
    twice = api.post("/api/v1/parts/wait-list/", {"vin": vin, "campaign": "ALE"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "conflict"
    listed = api.get("/api/v1/parts/wait-list/").json()
    assert [e["vin"] for e in listed["results"]] == [vin]
    refused = api.post(f"/api/v1/parts/wait-list/{entry['id']}/withdraw/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    gone = api.post(f"/api/v1/parts/wait-list/{entry['id']}/withdraw/", {"reason": "Sold"}, format="json")
    assert gone.status_code == 200 and gone.json()["status"] == "released"
    again = api.post(f"/api/v1/parts/wait-list/{entry['id']}/withdraw/", {"reason": "Sold"}, format="json")
    assert again.status_code == 409


def test_another_dealers_entry_is_a_404(ale, kit, dealer_a, dealer_b, service_manager_a, service_manager_b):
    from parts.reservations import waitlist_join

    entry = waitlist_join(
        dealer_id=dealer_a.pk,
        vin=affected(ale, dealer=dealer_a).vin,
        campaign_id=ale.pk,
        user=service_manager_a,
    )
    response = _client(service_manager_b).post(
        f"/api/v1/parts/wait-list/{entry.pk}/withdraw/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert KitReservation.objects.get(pk=entry.pk).status == "waiting"
    assert (
        _client(service_manager_b).get(f"/api/v1/parts/wait-list/?dealer={dealer_a.code}").status_code == 404
    )
