"""The claims API: fixed paths and fields, decimal strings, codes, scoping, roles, the schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from repairs.models import WarrantyClaim
from tests.repairs.factories_claims import claims_setup, completed_ro

pytestmark = pytest.mark.django_db
Status = WarrantyClaim.Status


@pytest.fixture
def setup(ale, dealer_a, dealer_b):
    claims_setup(ale, dealer_a, dealer_b)
    return ale


def api(user=None, *, token: bool = False) -> APIClient:
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    elif user is not None:
        client.force_authenticate(user)
    return client


def test_submit_answers_201_with_decimal_strings(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)
    response = api(service_manager_a, token=True).post(
        "/api/v1/claims/", {"repair_order": ro.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "approved"
    assert (body["labor_amount"], body["parts_amount"], body["total"]) == ("720.00", "264.00", "984.00")
    assert WarrantyClaim.objects.get(pk=body["id"]).repair_order_id == ro.pk


def test_submit_held_for_review(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a, labor_operation="ALE099")
    body = api(service_manager_a).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").json()
    assert (body["status"], body["rejection_code"]) == ("review", "labor_operation")


def test_duplicate_is_409_with_its_code(setup, dealer_a, service_manager_a):
    ro = completed_ro(setup, dealer_a)
    client = api(service_manager_a)
    client.post("/api/v1/claims/", {"repair_order": ro.pk}, format="json")
    response = client.post("/api/v1/claims/", {"repair_order": ro.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["rejection_code"] == "duplicate"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"affected": False}, "not_affected"), ({"completed": False}, "ro_not_at_dealer")],
)
def test_hard_failures_are_400_with_their_code(setup, dealer_a, service_manager_a, kwargs, code):
    ro = completed_ro(setup, dealer_a, **kwargs)
    response = api(service_manager_a).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["rejection_code"] == code
    assert not WarrantyClaim.objects.exists()


def test_another_dealers_ro_and_claim_are_404(setup, dealer_b, service_manager_a, service_manager_b):
    ro = completed_ro(setup, dealer_b)
    assert (
        api(service_manager_a).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").status_code
        == 404
    )
    claim_id = (
        api(service_manager_b).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").json()["id"]
    )
    assert api(service_manager_a).get(f"/api/v1/claims/{claim_id}/").status_code == 404
    assert api(service_manager_b).get(f"/api/v1/claims/{claim_id}/").status_code == 200


def test_detail_shows_status_amounts_and_rejection_code(setup, dealer_a, service_manager_a, warranty_admin):
    ro = completed_ro(setup, dealer_a)
    claim_id = (
        api(service_manager_a).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").json()["id"]
    )
    rejected = api(warranty_admin).post(
        f"/api/v1/claims/{claim_id}/reject/", {"code": "documentation", "note": "No photo."}, format="json"
    )
    assert rejected.status_code == 200
    body = api(service_manager_a).get(f"/api/v1/claims/{claim_id}/").json()
    assert (body["status"], body["rejection_code"], body["note"], body["total"]) == (
        "rejected",
        "documentation",
        "No photo.",
        "984.00",
    )


def test_only_the_warranty_administrator_decides(
    setup, dealer_a, service_manager_a, principal_a, warranty_admin
):
    ro = completed_ro(setup, dealer_a, labor_operation="X")
    claim_id = (
        api(service_manager_a).post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").json()["id"]
    )
    for user in (service_manager_a, principal_a):
        response = api(user).post(f"/api/v1/claims/{claim_id}/approve/", {}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert (
        api(warranty_admin).post(f"/api/v1/claims/{claim_id}/approve/", {}, format="json").json()["status"]
        == "approved"
    )
    # An approved claim is still open to an audit before payment.
    audit = api(warranty_admin).post(
        f"/api/v1/claims/{claim_id}/reject/", {"code": "other", "note": "Audit."}, format="json"
    )
    assert audit.json()["status"] == "rejected"
    assert (
        api(warranty_admin)
        .post(f"/api/v1/claims/{claim_id}/reject/", {"code": "bogus", "note": "x"}, format="json")
        .status_code
        == 400
    )


def test_resubmit_after_rejection_with_corrections(setup, dealer_a, service_manager_a, warranty_admin):
    ro = completed_ro(setup, dealer_a)
    client = api(service_manager_a)
    claim_id = client.post("/api/v1/claims/", {"repair_order": ro.pk}, format="json").json()["id"]
    assert (
        client.post(f"/api/v1/claims/{claim_id}/resubmit/", {}, format="json").status_code == 409
    )  # approved
    api(warranty_admin).post(
        f"/api/v1/claims/{claim_id}/reject/", {"code": "parts_mismatch", "note": "Two kits?"}, format="json"
    )
    response = client.post(
        f"/api/v1/claims/{claim_id}/resubmit/",
        {"parts": [{"part_number": "13711-31110", "quantity": 2}], "sublet_amount": "12.50"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rejection_code"], body["parts_amount"], body["sublet_amount"]) == (
        "review",
        "parts_mismatch",
        "528.00",
        "12.50",
    )
    assert Decimal(body["total"]) == Decimal("720.00") + Decimal("528.00") + Decimal("12.50")


def test_anonymous_is_refused(setup):
    assert api().get("/api/v1/claims/1/").status_code in (401, 403)


def test_schema_lists_the_reject_codes_as_an_enum_and_builds_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    import yaml

    schema = yaml.safe_load(out.read_text())
    reject = schema["components"]["schemas"]["ClaimReject"]["properties"]["code"]
    enum_ref = reject.get("$ref") or reject["allOf"][0]["$ref"]
    enum = schema["components"]["schemas"][enum_ref.rsplit("/", 1)[1]]["enum"]
    assert set(enum) == set(WarrantyClaim.RejectionCode.values)
    assert "/api/v1/claims/{id}/resubmit/" in schema["paths"]
