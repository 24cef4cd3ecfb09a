"""The appointments API, as a dealer system sees it: token auth, the fixed fields, the errors."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from repairs.models import Appointment
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(ale, dealer_a):
    bookable(ale)
    open_shop(dealer_a, hours="16.0")
    return dealer_a


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _body(vin, **overrides):
    body = {
        "vin": overrides.pop("bad_vin", vin),
        "campaign": "ALE",
        "date": next_weekday(0).isoformat(),
        "time": "08:30",
        "transport": "loaner",
        "symptomatic": True,
    }
    body.update(overrides)
    return body


def test_booking_answers_201_with_the_fixed_fields(ale, shop, service_manager_a):
    vin = affected(ale, dealer=shop).vin
    response = _client(service_manager_a).post("/api/v1/appointments/", _body(vin), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "vin", "campaign", "status", "start", "parts"} <= set(body)
    assert (body["vin"], body["campaign"], body["status"], body["parts"]) == (
        vin,
        "ALE",
        "scheduled",
        "not_tracked",
    )
    start = dt.datetime.fromisoformat(body["start"])
    assert start.utcoffset() is not None and (start.date(), start.strftime("%H:%M")) == (
        next_weekday(0),
        "08:30",
    )
    assert Appointment.objects.get(pk=body["id"]).symptomatic


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"bad_vin": "JTHBE96S27000793"}, "17 characters"),
        ({"date": "2026-13-01"}, "date"),
        ({"time": "06:00"}, "between 07:00 and 16:00"),
        ({"transport": "bus"}, "transport"),
    ],
)
def test_refusals_answer_400_with_code_and_detail(ale, shop, service_manager_a, overrides, detail):
    vin = affected(ale, dealer=shop).vin
    response = _client(service_manager_a).post(
        "/api/v1/appointments/", _body(vin, **overrides), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and detail in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_not_affected_remedied_closed_and_full_days_are_400(ale, shop, service_manager_a):
    client = _client(service_manager_a)
    from tests.factories import VehicleFactory, ale_vin

    assert (
        client.post(
            "/api/v1/appointments/", _body(VehicleFactory(vin=ale_vin(27999)).vin), format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/appointments/", _body(affected(ale, status="remedied").vin), format="json"
        ).status_code
        == 400
    )
    sunday = next_weekday(6).isoformat()
    closed = client.post("/api/v1/appointments/", _body(affected(ale).vin, date=sunday), format="json")
    assert closed.status_code == 400 and "closed" in closed.json()["detail"]
    for _ in range(3):
        assert (
            client.post("/api/v1/appointments/", _body(affected(ale).vin), format="json").status_code == 201
        )
    full = client.post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
    assert full.status_code == 400 and "fully booked" in full.json()["detail"]


def test_a_second_open_appointment_is_409(ale, shop, service_manager_a):
    client = _client(service_manager_a)
    vin = affected(ale, dealer=shop).vin
    assert client.post("/api/v1/appointments/", _body(vin), format="json").status_code == 201
    again = client.post("/api/v1/appointments/", _body(vin, time="10:00"), format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_the_list_by_date_is_the_dealers_and_paginated(
    ale, shop, dealer_b, service_manager_a, service_manager_b
):
    open_shop(dealer_b)
    a = _client(service_manager_a)
    monday, tuesday = next_weekday(0), next_weekday(1)
    ids = [
        a.post("/api/v1/appointments/", _body(affected(ale).vin), format="json").json()["id"]
        for _ in range(2)
    ]
    a.post("/api/v1/appointments/", _body(affected(ale).vin, date=tuesday.isoformat()), format="json")
    _client(service_manager_b).post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
    listed = a.get(f"/api/v1/appointments/?date={monday.isoformat()}").json()
    assert {"count", "next", "results"} <= set(listed)
    assert listed["count"] == 2 and sorted(r["id"] for r in listed["results"]) == sorted(ids)
    assert a.get("/api/v1/appointments/").json()["count"] == 3
    assert a.get("/api/v1/appointments/?date=monday").status_code == 400


def test_one_appointment_and_a_strangers_is_404(ale, shop, service_manager_a, service_manager_b):
    created = (
        _client(service_manager_a)
        .post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
        .json()
    )
    assert _client(service_manager_a).get(f"/api/v1/appointments/{created['id']}/").json() == created
    stranger = _client(service_manager_b).get(f"/api/v1/appointments/{created['id']}/")
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"


def test_cancel_takes_a_reason_and_answers_200(ale, shop, service_manager_a, service_manager_b):
    client = _client(service_manager_a)
    created = client.post("/api/v1/appointments/", _body(affected(ale).vin), format="json").json()
    url = f"/api/v1/appointments/{created['id']}/cancel/"
    assert client.post(url, {}, format="json").status_code == 400
    assert _client(service_manager_b).post(url, {"reason": "x"}, format="json").status_code == 404
    done = client.post(url, {"reason": "Owner sold the car"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert client.post(url, {"reason": "again"}, format="json").status_code == 409


def test_no_token_is_refused_and_a_principal_cannot_book(ale, shop, principal_a):
    assert APIClient().get("/api/v1/appointments/").status_code == 401
    refused = _client(principal_a).post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
    assert refused.status_code == 403
    assert _client(principal_a).get("/api/v1/appointments/").status_code == 200


def test_a_user_booking_for_two_dealers_names_one(ale, shop, dealer_b, service_manager_a):
    from tests.factories import MembershipFactory

    open_shop(dealer_b)
    MembershipFactory(user=service_manager_a, role="service_manager", dealer=dealer_b)
    client = _client(service_manager_a)
    unnamed = client.post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
    assert unnamed.status_code == 400 and unnamed.json()["field"] == "dealer"
    named = client.post(
        "/api/v1/appointments/", _body(affected(ale).vin, dealer=dealer_b.code), format="json"
    )
    assert named.status_code == 201 and named.json()["dealer"] == dealer_b.code


def test_the_schema_documents_the_endpoints_with_examples(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    book = schema["paths"]["/api/v1/appointments/"]["post"]
    assert set(book["responses"]) >= {"201", "400", "409"}
    assert book["requestBody"]["content"]["application/json"]["examples"]
    assert "/api/v1/appointments/{id}/cancel/" in schema["paths"]


def _booked(client, ale) -> dict:
    response = client.post("/api/v1/appointments/", _body(affected(ale).vin), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_reschedule_moves_the_appointment_and_its_hours(ale, shop, service_manager_a):
    from repairs.models import AppointmentEvent

    client = _client(service_manager_a)
    created = _booked(client, ale)
    tuesday = next_weekday(1)
    moved = client.post(
        f"/api/v1/appointments/{created['id']}/reschedule/",
        {"date": tuesday.isoformat(), "time": "10:00", "reason": "Owner asked for Tuesday."},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    start = dt.datetime.fromisoformat(body["start"])
    assert body["status"] == "scheduled" and (start.date(), start.strftime("%H:%M")) == (tuesday, "10:00")
    appointment = Appointment.objects.get(pk=created["id"])
    assert list(appointment.slots.values_list("day__date", flat=True)) == [tuesday]
    event = AppointmentEvent.objects.filter(appointment=appointment).latest("pk")
    assert (event.from_status, event.to_status, event.reason, event.by) == (
        "scheduled",
        "scheduled",
        "Owner asked for Tuesday.",
        service_manager_a,
    )
    assert event.from_start_at.isoformat() != event.to_start_at.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-13-01", "time": "10:00", "reason": "x"}, "date"),
        ({"date": "2010-07-06", "time": "10:00", "reason": "x"}, "date"),
        ({"date": "next tuesday", "time": "10:00", "reason": "x"}, "date"),
        ({"time": "10:00", "reason": "x"}, "date"),
        ({"date": "NEXT_TUESDAY", "time": "25:00", "reason": "x"}, "time"),
        ({"date": "NEXT_TUESDAY", "time": "10:00"}, "reason"),
        ({"date": "NEXT_TUESDAY", "time": "10:00", "reason": "   "}, "reason"),
    ],
)
def test_a_reschedule_refused_is_400_and_moves_nothing(ale, shop, service_manager_a, body, field):
    client = _client(service_manager_a)
    created = _booked(client, ale)
    body = {k: next_weekday(1).isoformat() if v == "NEXT_TUESDAY" else v for k, v in body.items()}
    refused = client.post(f"/api/v1/appointments/{created['id']}/reschedule/", body, format="json")
    assert refused.status_code == 400, refused.json()
    assert refused.json()["code"] == "invalid" and refused.json()["field"] == field
    assert client.get(f"/api/v1/appointments/{created['id']}/").json() == created


def test_reschedule_another_dealers_is_404_a_closed_one_409_a_principal_403(
    ale, shop, service_manager_a, service_manager_b, principal_a
):
    client = _client(service_manager_a)
    created = _booked(client, ale)
    url = f"/api/v1/appointments/{created['id']}/reschedule/"
    body = {"date": next_weekday(1).isoformat(), "time": "10:00", "reason": "Moved"}
    stranger = _client(service_manager_b).post(url, body, format="json")
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"
    principal = _client(principal_a).post(url, body, format="json")
    assert principal.status_code == 403 and principal.json()["code"] in ("forbidden", "permission_denied")
    client.post(f"/api/v1/appointments/{created['id']}/cancel/", {"reason": "Sold"}, format="json")
    closed = client.post(url, body, format="json")
    assert closed.status_code == 409 and closed.json()["code"] == "conflict"
    assert Appointment.objects.get(pk=created["id"]).events.count() == 2  # booked, cancelled


def test_no_show_only_after_the_start_then_200_and_closed(ale, shop, service_manager_a, service_manager_b):
    from django.utils import timezone

    client = _client(service_manager_a)
    created = _booked(client, ale)
    url = f"/api/v1/appointments/{created['id']}/no-show/"
    early = client.post(url, {"reason": "Did not come"}, format="json")
    assert early.status_code == 400 and "after the appointment's start" in early.json()["detail"]
    Appointment.objects.filter(pk=created["id"]).update(start_at=timezone.now() - dt.timedelta(hours=2))
    assert client.post(url, {}, format="json").status_code == 400
    assert _client(service_manager_b).post(url, {"reason": "x"}, format="json").status_code == 404
    done = client.post(url, {"reason": "Did not come; two calls unanswered."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "no_show"
    appointment = Appointment.objects.get(pk=created["id"])
    assert not appointment.slots.exists()  # the hours are free again
    event = appointment.events.latest("pk")
    assert (event.from_status, event.to_status, event.by) == ("scheduled", "no_show", service_manager_a)
    again = client.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_the_schema_documents_reschedule_and_no_show_with_examples_and_errors():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/appointments/{id}/reschedule/", "/api/v1/appointments/{id}/no-show/"):
        operation = schema["paths"][path]["post"]
        assert set(operation["responses"]) >= {"200", "400", "403", "404", "409"}, path
        assert operation["requestBody"]["content"]["application/json"]["examples"], path
        for status in ("200", "400", "404", "409"):
            assert operation["responses"][status]["content"]["application/json"]["examples"], (path, status)
