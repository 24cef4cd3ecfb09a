"""The claims pages: the dealer's list by status, exports, detail with history, submit,
resubmit, the review queue and decisions, payment runs; query counts pinned at two sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from repairs.claim_payments import claims_pay
from repairs.claims import claim_submit
from repairs.models import WarrantyClaim
from tests.repairs.factories import WarrantyClaimFactory
from tests.repairs.factories_claims import claims_setup, completed_ro

pytestmark = pytest.mark.django_db
Status = WarrantyClaim.Status


@pytest.fixture
def setup(ale, dealer_a, dealer_b):
    claims_setup(ale, dealer_a, dealer_b)
    return ale


def test_submit_page_prefills_and_submits(setup, dealer_a, service_manager_a, client_for):
    ro = completed_ro(setup, dealer_a)
    client = client_for(service_manager_a)
    url = reverse("claim-submit", args=[ro.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Valve springs may crack." in page.content.decode() and 'value="6.0"' in page.content.decode()
    response = client.post(
        url,
        {"labor_hours": "6.0", "sublet_amount": "0", "condition": "C", "cause": "K", "correction": "R"},
    )
    claim = WarrantyClaim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("claim-detail", args=[claim.pk])
    assert (claim.status, claim.total, claim.condition) == (Status.APPROVED, Decimal("984.00"), "C")


def test_submit_refusal_shows_on_the_form(setup, dealer_a, service_manager_a, client_for):
    ro = completed_ro(setup, dealer_a, affected=False)
    response = client_for(service_manager_a).post(
        reverse("claim-submit", args=[ro.pk]),
        {"labor_hours": "6.0", "sublet_amount": "0", "condition": "C", "cause": "K", "correction": "R"},
    )
    assert response.status_code == 400
    assert "is not affected by ALE" in response.content.decode()
    assert not WarrantyClaim.objects.exists()


def test_list_by_status_with_amounts_and_reasons(setup, dealer_a, dealer_b, principal_a, client_for):
    WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_a))
    WarrantyClaimFactory(
        repair_order=completed_ro(setup, dealer_a),
        status=Status.REJECTED,
        rejection_code="documentation",
        note="No correction text.",
    )
    WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_b))  # not A's
    client = client_for(principal_a)
    page = client.get(reverse("claim-list")).content.decode()
    assert page.count("984.00") >= 2 and "documentation" in page and "No correction text." in page
    assert "Lexus of Manhattan" not in page
    rejected = client.get(reverse("claim-list"), {"status": "rejected"})
    assert list(rejected.context["table"].data) == [WarrantyClaim.objects.get(status=Status.REJECTED)]
    tabs = dict((v, n) for v, _, n in rejected.context["tabs"])
    assert (tabs[""], tabs["approved"], tabs["rejected"]) == (2, 1, 1)
    export = client.get(reverse("claim-list"), {"_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().count("\n") == 3  # header + A's two claims
    assert client.get(reverse("claim-list"), {"_export": "xlsx"}).status_code == 200
    sorted_page = client.get(reverse("claim-list"), {"sort": "-total", "q": "RO"})
    assert sorted_page.status_code == 200


def test_detail_shows_history_and_the_resubmit_form(
    setup, dealer_a, service_manager_a, warranty_admin, client_for
):
    from repairs.claims import claim_reject

    claim = claim_submit(repair_order_id=completed_ro(setup, dealer_a).pk, user=service_manager_a)
    claim_reject(claim_id=claim.pk, user=warranty_admin, code="documentation", note="Spell out the cause.")
    client = client_for(service_manager_a)
    page = client.get(reverse("claim-detail", args=[claim.pk]))
    assert page.status_code == 200 and page.context["resubmit_form"] is not None
    assert "Spell out the cause." in page.content.decode() and "approve_form" not in page.context
    response = client.post(
        reverse("claim-resubmit", args=[claim.pk]),
        {
            "labor_hours": "6.0",
            "sublet_amount": "0",
            "condition": "C",
            "cause": "Springs contaminated.",
            "correction": "R",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.cause) == (Status.APPROVED, "Springs contaminated.")


def test_review_queue_oldest_first_and_decisions(
    setup, dealer_a, service_manager_a, warranty_admin, client_for
):
    first = claim_submit(
        repair_order_id=completed_ro(setup, dealer_a, labor_operation="X").pk, user=service_manager_a
    )
    second = claim_submit(
        repair_order_id=completed_ro(setup, dealer_a, labor_operation="Y").pk, user=service_manager_a
    )
    client = client_for(warranty_admin)
    assert client.get(reverse("home"))["Location"] == reverse("claim-review")
    queue = client.get(reverse("claim-review"))
    assert [c.pk for c in queue.context["table"].data] == [first.pk, second.pk]
    assert queue.context["next_run"].weekday() == 0
    detail = client.get(reverse("claim-detail", args=[first.pk]))
    assert {"approve_form", "reject_form", "return_form"} <= set(detail.context.keys())
    bad = client.post(reverse("claim-reject", args=[first.pk]), {"code": "other", "note": ""})
    assert bad.status_code == 400
    assert (
        client.post(reverse("claim-reject", args=[first.pk]), {"code": "other", "note": "No."}).status_code
        == 302
    )
    assert client.post(reverse("claim-return", args=[second.pk]), {"note": "Photo."}).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (Status.REJECTED, Status.RETURNED)
    assert client.post(reverse("claim-approve", args=[second.pk]), {}).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.APPROVED


def test_claimable_lists_completed_ros_without_a_live_claim(setup, dealer_a, service_manager_a, client_for):
    claimed = completed_ro(setup, dealer_a)
    WarrantyClaimFactory(repair_order=claimed)
    open_ro = completed_ro(setup, dealer_a)
    completed_ro(setup, dealer_a, completed=False)
    page = client_for(service_manager_a).get(reverse("claim-claimable"))
    assert [ro.pk for ro in page.context["table"].data] == [open_ro.pk]
    assert reverse("claim-submit", args=[open_ro.pk]) in page.content.decode()


def test_payment_runs_list_each_credit_with_its_claims(setup, dealer_a, principal_a, client_for):
    claim = WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_a))
    (payment,) = claims_pay(run_on=claim.submitted_at.date())
    client = client_for(principal_a)
    runs = client.get(reverse("claim-payment-list"))
    assert [p.pk for p in runs.context["table"].data] == [payment.pk]
    credit = client.get(reverse("claim-payment-detail", args=[payment.pk]))
    assert [c.pk for c in credit.context["table"].data] == [claim.pk]
    assert "984.00 USD" in credit.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _fill(ale, dealer, n: int, status=Status.APPROVED) -> None:
    for _ in range(n):
        WarrantyClaimFactory(repair_order=completed_ro(ale, dealer), status=status)


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [("principal_a", "claim-list", Status.APPROVED), ("warranty_admin", "claim-review", Status.REVIEW)],
)
def test_list_query_counts_do_not_grow_with_the_data(
    setup, dealer_a, request, client_for, persona, url_name, status
):
    client = client_for(request.getfixturevalue(persona))
    url = reverse(url_name)
    _fill(setup, dealer_a, 3, status)
    client.get(url)  # session and permission caches warm
    small = _queries(client, url)
    _fill(setup, dealer_a, 30, status)
    assert _queries(client, url) == small
    assert small == PINNED[url_name]


# Session, user, memberships, user and group permissions, the status counts (list) or the
# awaiting-payment sum and queue count (review), the table's
# count and page: the same at 3 and 33 claims.
PINNED = {"claim-list": 8, "claim-review": 8}


def test_a_vins_claims_for_the_vehicle_record(setup, dealer_a, principal_a, principal_b, parts_manager_a):
    from repairs.claim_selectors import vehicle_claims_for_user

    claim = WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_a), status=Status.REVIEW)
    assert vehicle_claims_for_user(user=principal_a, vin=claim.vehicle_id) == [claim]
    assert vehicle_claims_for_user(user=principal_b, vin=claim.vehicle_id) == []  # another dealer's
    assert vehicle_claims_for_user(user=parts_manager_a, vin=claim.vehicle_id) == []  # no claims permission


def test_the_national_list_filters_by_dealer_code(setup, dealer_a, dealer_b, warranty_admin, client_for):
    a = WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_a))
    WarrantyClaimFactory(repair_order=completed_ro(setup, dealer_b))
    page = client_for(warranty_admin).get(reverse("claim-list"), {"dealer": dealer_a.code})
    assert list(page.context["table"].data) == [a]
    assert page.context["show_dealer"]
