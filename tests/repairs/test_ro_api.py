"""The repair-order API: fixed paths and fields, {"code", "detail"} errors, the pages' scope."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from campaign.models import AffectedVehicle
from dealers.models import OwnerDataAccess
from tests.repairs.factories_ro import ale_ready, appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(ale):
    return ale_ready(ale)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def check_in(client, appt, ro_number="RO1", mileage_in=61000):
    return client.post(
        f"/api/v1/appointments/{appt.pk}/check-in/",
        {"ro_number": ro_number, "mileage_in": mileage_in},
        format="json",
    )


def test_check_in_answers_201_with_the_repair_order_and_409_the_second_time(
    ready, dealer_a, service_manager_a
):
    client = api(service_manager_a)
    appt = appointment(ready, dealer_a)
    first = check_in(client, appt)
    assert first.status_code == 201
    body = first.json()
    assert (
        isinstance(body["repair_order"], int)
        and body["status"] == "open"
        and body["labor_operation"] == "ALE010"
    )
    second = check_in(client, appt, ro_number="RO2")
    assert second.status_code == 409 and second.json()["code"] == "conflict"


def test_a_bad_body_is_a_400_in_the_one_error_shape(ready, dealer_a, service_manager_a):
    response = check_in(api(service_manager_a), appointment(ready, dealer_a), mileage_in=-1)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["field"] == "mileage_in"


def test_another_dealers_appointment_and_ro_are_404(
    ready, dealer_a, dealer_b, service_manager_a, service_manager_b
):
    appt = appointment(ready, dealer_a)
    assert check_in(api(service_manager_b), appt).status_code == 404
    ro_id = check_in(api(service_manager_a), appt).json()["repair_order"]
    response = api(service_manager_b).post(
        f"/api/v1/repair-orders/{ro_id}/complete/",
        {"mileage_out": 1, "technician": "T", "labor_hours": "1"},
        format="json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_complete_200_then_409_and_400_below_mileage_in(ready, dealer_a, service_manager_a):
    client = api(service_manager_a)
    appt = appointment(ready, dealer_a)
    ro_id = check_in(client, appt).json()["repair_order"]
    url = f"/api/v1/repair-orders/{ro_id}/complete/"
    below = client.post(url, {"mileage_out": 60999, "technician": "T", "labor_hours": "6.2"}, format="json")
    assert below.status_code == 400 and below.json()["field"] == "mileage_out"
    done = client.post(url, {"mileage_out": 61012, "technician": "T", "labor_hours": "6.2"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "completed" and done.json()["parts"] == [
        {"part_number": "13711-31110", "quantity": 1, "lot": ""}
    ]
    assert AffectedVehicle.objects.get(vehicle_id=appt.vehicle_id).status == "remedied"
    again = client.post(url, {"mileage_out": 61012, "technician": "T", "labor_hours": "6.2"}, format="json")
    assert again.status_code == 409


def test_the_vehicle_shows_owner_data_only_where_the_page_would_and_logs_it(
    ready, dealer_a, service_manager_a, service_manager_b
):
    appt = appointment(ready, dealer_a)
    check_in(api(service_manager_a), appt)
    mine = api(service_manager_a).get(f"/api/v1/vehicles/{appt.vehicle_id}/")
    assert mine.status_code == 200
    body = mine.json()
    assert body["campaigns"] == [{"campaign": "ALE", "state": "affected"}]
    assert [r["ro_number"] for r in body["repair_orders"]] == ["RO1"]
    assert [a["status"] for a in body["appointments"]] == ["checked_in"]
    assert body["owner"]["name"] == appt.vehicle.owner_name
    assert OwnerDataAccess.objects.filter(user=service_manager_a, context="vehicle API").count() == 1
    assert "no-store" in mine["Cache-Control"]
    theirs = api(service_manager_b).get(f"/api/v1/vehicles/{appt.vehicle_id}/").json()
    assert theirs["owner"] is None and theirs["repair_orders"] == [] and theirs["appointments"] == []
    assert not OwnerDataAccess.objects.filter(user=service_manager_b).exists()


def test_an_invalid_vin_is_a_400(service_manager_a):
    response = api(service_manager_a).get("/api/v1/vehicles/NOTAVIN/")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
