"""The stock API as a dealer system uses it: the stock lines, receipts, adjustments."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parts.models import InboundShipment, StockBalance, StockMovement
from tests.parts.factories_stock import KIT, booked, shipment, stocked, tracked

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(ale):
    return tracked(ale)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _line(body, part_number=KIT) -> dict:
    return next(line for line in body if line["part_number"] == part_number)


def test_the_stock_lines_of_the_users_dealer(ale, kit, dealer_a, dealer_b, service_manager_a):
    stocked(dealer_a, kit, 1)
    stocked(dealer_b, kit, 9)
    shipment(dealer_a, kit, 4)
    booked(ale, dealer_a, user=service_manager_a)
    booked(ale, dealer_a, user=service_manager_a)
    response = _api(service_manager_a).get("/api/v1/parts/stock/")
    assert response.status_code == 200
    assert _line(response.json()) == {
        "part_number": KIT,
        "on_hand": 1,
        "reserved": 1,
        "available": 0,
        "inbound": 4,
        "waiting": 1,
    }
    assert len(response.json()) == 3  # ALE's three kits


def test_several_dealers_name_one(kit, dealer_a, dealer_b, regional_west, campaign_admin):
    stocked(dealer_b, kit, 2)
    client = _api(campaign_admin)
    assert client.get("/api/v1/parts/stock/").json()["field"] == "dealer"
    assert _line(client.get("/api/v1/parts/stock/", {"dealer": "20002"}).json())["on_hand"] == 2
    # Regional staff of the West read dealer A (their only one) and not dealer B.
    assert _api(regional_west).get("/api/v1/parts/stock/").status_code == 200
    assert _api(regional_west).get("/api/v1/parts/stock/", {"dealer": "20002"}).status_code == 404


def test_a_receipt_answers_the_updated_line_and_serves_the_waiting(
    ale, kit, dealer_a, parts_manager_a, service_manager_a
):
    appointment = booked(ale, dealer_a, user=service_manager_a)
    shp = shipment(dealer_a, kit, 5)
    body = {"part_number": KIT, "quantity": 3, "reference": "PS-1", "shipment": shp.pk}
    response = _api(parts_manager_a).post("/api/v1/parts/receipts/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "part_number": KIT,
        "on_hand": 3,
        "reserved": 1,
        "available": 2,
        "inbound": 2,
        "waiting": 0,
    }
    appointment.refresh_from_db()
    assert appointment.parts_status == "reserved"
    # The dealer system's retry: 200, the same line, nothing counted twice.
    again = _api(parts_manager_a).post("/api/v1/parts/receipts/", body, format="json")
    assert again.status_code == 200 and again.json() == response.json()
    assert InboundShipment.objects.get(pk=shp.pk).received_quantity == 3


def test_receipt_refusals(kit, dealer_a, dealer_b, parts_manager_a, service_manager_a):
    client = _api(parts_manager_a)
    over = shipment(dealer_a, kit, 2)
    theirs = shipment(dealer_b, kit, 2)
    cases = [
        ({"part_number": KIT, "quantity": 3, "reference": "PS-1", "shipment": over.pk}, 400, "quantity"),
        ({"part_number": KIT, "quantity": 1, "reference": "PS-2", "shipment": theirs.pk}, 404, "shipment"),
        ({"part_number": "00000-00000", "quantity": 1, "reference": "PS-3"}, 400, "part_number"),
        ({"part_number": KIT, "quantity": 0, "reference": "PS-4"}, 400, "quantity"),
        ({"part_number": KIT, "quantity": 1}, 400, "reference"),
    ]
    for body, status, field in cases:
        response = client.post("/api/v1/parts/receipts/", body, format="json")
        assert (response.status_code, response.json().get("field")) == (status, field), body
        assert set(response.json()) >= {"code", "detail"}
    assert not StockMovement.objects.filter(kind="receipt").exists()
    # The service manager reads stock but does not receive it.
    refused = _api(service_manager_a).post(
        "/api/v1/parts/receipts/", {"part_number": KIT, "quantity": 1, "reference": "PS-5"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_an_adjustment_and_the_400_below_available(ale, kit, dealer_a, parts_manager_a, service_manager_a):
    stocked(dealer_a, kit, 2)
    booked(ale, dealer_a, user=service_manager_a)
    client = _api(parts_manager_a)
    refused = client.post(
        "/api/v1/parts/adjustments/",
        {"part_number": KIT, "quantity": -2, "reason": "Crushed", "reason_code": "damaged"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and "would leave -1" in refused.json()["detail"]
    done = client.post(
        "/api/v1/parts/adjustments/", {"part_number": KIT, "quantity": -1, "reason": "Crushed"}, format="json"
    )
    assert done.status_code == 201 and done.json()["on_hand"] == 1 and done.json()["available"] == 0
    balance = StockBalance.objects.get(dealer=dealer_a, kit=kit)
    assert (balance.on_hand, balance.reserved) == (1, 1)
    assert StockMovement.objects.get(kind="adjustment").reason == "Other: Crushed"
