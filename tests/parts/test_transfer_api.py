"""The transfer and inbound API: the lifecycle over HTTP, refusals as {"code", "detail"}."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parts.allocation import allocation_confirm, allocation_create
from parts.models import StockBalance, Transfer
from tests.parts.factories_alloc import kit, stock, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def v6(ale):
    return kit(ale)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lifecycle(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    stock(dealer_b, v6, 5)
    a, b = _api(parts_manager_a), _api(parts_manager_b)
    created = a.post(
        "/api/v1/parts/transfers/",
        {"from_dealer": "20002", "part_number": "04906-31021", "quantity": 2, "reason": "Waiting owners."},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("status", "part_number", "quantity", "from_dealer", "to_dealer")} == {
        "status": "requested",
        "part_number": "04906-31021",
        "quantity": 2,
        "from_dealer": "20002",
        "to_dealer": "10001",
    }
    pk = body["id"]
    early = b.post(f"/api/v1/parts/transfers/{pk}/ship/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "conflict"
    assert b.post(f"/api/v1/parts/transfers/{pk}/approve/", {}, format="json").json()["status"] == "approved"
    shipped = b.post(f"/api/v1/parts/transfers/{pk}/ship/", {"reference": "UPS 1Z"}, format="json").json()
    assert shipped["status"] == "shipped" and shipped["reference"] == "UPS 1Z" and shipped["shipped_at"]
    assert [t["id"] for t in a.get("/api/v1/parts/transfers/?status=open").json()["results"]] == [pk]
    assert a.post(f"/api/v1/parts/transfers/{pk}/receive/", {}, format="json").json()["status"] == "received"
    assert StockBalance.objects.get(dealer=dealer_a, kit=v6).on_hand == 2
    assert a.get("/api/v1/parts/transfers/?status=open").json()["results"] == []
    assert a.get(f"/api/v1/parts/transfers/{pk}/").json()["received_at"]


def test_refusals(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b, principal_a):
    a, b = _api(parts_manager_a), _api(parts_manager_b)
    assert (
        a.post("/api/v1/parts/transfers/", {"from_dealer": "20002"}, format="json").json()["code"]
        == "invalid"
    )
    wrong_kit = a.post(
        "/api/v1/parts/transfers/",
        {"from_dealer": "20002", "part_number": "NOPE", "quantity": 1, "reason": "x"},
        format="json",
    )
    assert wrong_kit.status_code == 400 and wrong_kit.json()["field"] == "part_number"
    assert _api(principal_a).post("/api/v1/parts/transfers/", {}, format="json").status_code == 403
    pk = a.post(
        "/api/v1/parts/transfers/",
        {"from_dealer": "20002", "part_number": "04906-31021", "quantity": 3, "reason": "x"},
        format="json",
    ).json()["id"]
    assert a.post(f"/api/v1/parts/transfers/{pk}/approve/", {}, format="json").status_code == 403
    declined = b.post(f"/api/v1/parts/transfers/{pk}/decline/", {"reason": ""}, format="json")
    assert declined.status_code == 400 and declined.json()["field"] == "reason"
    b.post(f"/api/v1/parts/transfers/{pk}/approve/", {}, format="json")
    short = b.post(f"/api/v1/parts/transfers/{pk}/ship/", {}, format="json")
    assert short.status_code == 409 and "available" in short.json()["detail"]
    assert Transfer.objects.get(pk=pk).status == "approved"
    assert a.get("/api/v1/parts/transfers/?status=lost").status_code == 400
    assert a.get("/api/v1/parts/transfers/999999/").status_code == 404


def test_inbound_lists_the_dealers_open_shipments(
    ale, v6, dealer_a, dealer_b, campaign_admin, parts_manager_a, parts_manager_b
):
    waiting(ale, dealer_a, 2)
    allocation = allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=campaign_admin)
    allocation_confirm(allocation_id=allocation.pk, user=campaign_admin)
    rows = _api(parts_manager_a).get("/api/v1/parts/inbound/").json()["results"]
    assert [
        (r["dealer"], r["part_number"], r["quantity"], r["outstanding"], r["allocation"]) for r in rows
    ] == [("10001", "04906-31021", 2, 2, allocation.pk)]
    assert _api(parts_manager_b).get("/api/v1/parts/inbound/").json()["results"] == []
