"""Warranty claims: the pages and the API × every persona.

Who: every role with ``repairs.view_warrantyclaim`` reads claims in its scope (parts and
pre-owned managers do not); only a service manager of the RO's dealer submits and
resubmits; only the warranty administrator decides (approve / reject / return) and has the
review queue. Another dealer's claim or RO is a 404; a role that may not act at all, 403.
The superuser holds every permission and national scope, so it may do all of it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

from django.urls import reverse

from repairs.models import ClaimPayment, WarrantyClaim
from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, dealer_b_object, only

READERS = (
    "principal_a",
    "service_manager_a",
    "regional_west",
    "campaign_admin",
    "warranty_admin",
    "superuser",
)
SUBMITTERS = ("service_manager_a", "superuser")
REVIEWERS = ("warranty_admin", "superuser")
TEXTS = {"labor_hours": "6.0", "sublet_amount": "0", "condition": "C", "cause": "K", "correction": "R"}
API_REFUSED = {"anonymous": 401}
# The lists are scoped, not refused: dealer B's staff see B's claims there.
LIST_READERS = (*READERS, "principal_b", "service_manager_b")
_run_days = itertools.count()


def _ro(w: World, *, dealer=None):
    from tests.repairs.factories import RepairOrderFactory, remedy_set

    remedy_set(w.ale)  # the figures the RO factory uses (ALE's own YAML remedy differs)
    if not w.ale.claim_condition:
        w.ale.claim_condition, w.ale.claim_cause, w.ale.claim_correction = "Condition", "Cause", "Correction"
        w.ale.save()
    dealer = dealer or w.dealer_a
    vehicle = w.affected_vehicle(dealer=dealer, status="remedied")
    return RepairOrderFactory(dealer=dealer, vehicle=vehicle, campaign=w.ale, completed=True)


def _claim(w: World, *, dealer=None, status=WarrantyClaim.Status.REVIEW, **kwargs) -> WarrantyClaim:
    from tests.repairs.factories import WarrantyClaimFactory

    if status in (WarrantyClaim.Status.REJECTED, WarrantyClaim.Status.RETURNED):
        kwargs.setdefault("rejection_code", "documentation")
    return WarrantyClaimFactory(repair_order=_ro(w, dealer=dealer), status=status, **kwargs)


def _payment(w: World, *, dealer=None) -> ClaimPayment:
    from repairs.claim_payments import claims_pay

    _claim(w, dealer=dealer, status=WarrantyClaim.Status.APPROVED)
    return claims_pay(run_on=dt.date(2001, 1, 1) + dt.timedelta(days=next(_run_days)))[0]


def _claim_redirect(w, persona, response, kwargs):
    claim = WarrantyClaim.objects.order_by("-pk").first()
    assert_redirect(response, reverse("claim-detail", args=[claim.pk]))


def _to_review(w, persona, response, kwargs):
    assert_redirect(response, reverse("claim-review"))


def _resubmitted(w, persona, response, kwargs):
    assert_redirect(response, reverse("claim-detail", args=[kwargs["pk"]]))
    assert WarrantyClaim.objects.get(pk=kwargs["pk"]).status == WarrantyClaim.Status.APPROVED


def _api_created(w, persona, response, kwargs):
    assert response.status_code == 201 and json.loads(response.content)["status"] == "approved"


def _api_status(expected: str):
    def check(w, persona, response, kwargs):
        assert json.loads(response.content)["status"] == expected
        assert WarrantyClaim.objects.get(pk=kwargs["pk"]).status == expected

    return check


def _a_claim(status=WarrantyClaim.Status.REVIEW):
    return lambda w: {"pk": _claim(w, status=status).pk}


CASES = [
    # --- Pages -----------------------------------------------------------------
    Case("claim-list", expect=only(LIST_READERS)),
    Case("claim-list", id="export", data={"_export": "xlsx"}, expect=only(LIST_READERS)),
    Case("claim-payment-list", expect=only(LIST_READERS)),
    Case("claim-review", expect=only(REVIEWERS)),
    Case("claim-claimable", expect=only((*SUBMITTERS, "service_manager_b"))),
    Case(
        "claim-submit",
        kwargs=lambda w: {"ro_pk": _ro(w).pk},
        expect=dealer_a_object(allowed=("service_manager_a",), superuser=200),
    ),
    Case(
        "claim-submit",
        id="dealer-b",
        kwargs=lambda w: {"ro_pk": _ro(w, dealer=w.dealer_b).pk},
        expect=dealer_b_object(allowed=("service_manager_a",), superuser=200),
    ),
    Case(
        "claim-submit",
        method="post",
        kwargs=lambda w: {"ro_pk": _ro(w).pk},
        data=TEXTS,
        expect=dealer_a_object(allowed=("service_manager_a",), ok=302, superuser=302),
        writes=SUBMITTERS,
        effect=_claim_redirect,
    ),
    Case(
        "claim-detail",
        kwargs=lambda w: {"pk": _claim(w).pk},
        expect=dealer_a_object(allowed=READERS),
    ),
    Case(
        "claim-detail",
        id="dealer-b",
        kwargs=lambda w: {"pk": _claim(w, dealer=w.dealer_b).pk},
        expect=dealer_b_object(allowed=READERS),
    ),
    Case(
        "claim-payment-detail",
        kwargs=lambda w: {"pk": _payment(w).pk},
        expect=dealer_a_object(allowed=READERS),
    ),
    Case(
        "claim-payment-detail",
        id="dealer-b",
        kwargs=lambda w: {"pk": _payment(w, dealer=w.dealer_b).pk},
        expect=dealer_b_object(allowed=READERS),
    ),
    Case(
        "claim-resubmit",
        method="post",
        kwargs=_a_claim(WarrantyClaim.Status.RETURNED),
        data=TEXTS,
        expect=dealer_a_object(allowed=("service_manager_a",), ok=302, superuser=302),
        writes=SUBMITTERS,
        effect=_resubmitted,
    ),
    Case(
        "claim-approve",
        method="post",
        kwargs=_a_claim(),
        data={},
        expect=only(REVIEWERS, ok=302),
        writes=REVIEWERS,
        effect=_to_review,
    ),
    Case(
        "claim-reject",
        method="post",
        kwargs=_a_claim(),
        data={"code": "documentation", "note": "No photo."},
        expect=only(REVIEWERS, ok=302),
        writes=REVIEWERS,
        effect=_to_review,
    ),
    Case(
        "claim-return",
        method="post",
        kwargs=_a_claim(),
        data={"note": "Photo, please."},
        expect=only(REVIEWERS, ok=302),
        writes=REVIEWERS,
        effect=_to_review,
    ),
    # --- API (token or session; anonymous 401) ------------------------------------
    Case(
        "api-claim-submit",
        method="post",
        data=lambda w: json.dumps({"repair_order": _ro(w).pk}),
        content_type="application/json",
        expect=dealer_a_object(allowed=("service_manager_a",), ok=201, superuser=201, **API_REFUSED),
        writes=SUBMITTERS,
        effect=_api_created,
    ),
    Case(
        "api-claim-detail",
        kwargs=lambda w: {"pk": _claim(w).pk},
        expect=dealer_a_object(allowed=READERS, **API_REFUSED),
    ),
    Case(
        "api-claim-detail",
        id="dealer-b",
        kwargs=lambda w: {"pk": _claim(w, dealer=w.dealer_b).pk},
        expect=dealer_b_object(allowed=READERS, **API_REFUSED),
    ),
    Case(
        "api-claim-approve",
        method="post",
        kwargs=_a_claim(),
        data="{}",
        content_type="application/json",
        expect=only(REVIEWERS, **API_REFUSED),
        writes=REVIEWERS,
        effect=_api_status("approved"),
    ),
    Case(
        "api-claim-reject",
        method="post",
        kwargs=_a_claim(WarrantyClaim.Status.APPROVED),  # an audit before payment
        data=json.dumps({"code": "other", "note": "Audit."}),
        content_type="application/json",
        expect=only(REVIEWERS, **API_REFUSED),
        writes=REVIEWERS,
        effect=_api_status("rejected"),
    ),
    Case(
        "api-claim-resubmit",
        method="post",
        kwargs=_a_claim(WarrantyClaim.Status.REJECTED),
        data="{}",
        content_type="application/json",
        expect=dealer_a_object(allowed=("service_manager_a",), superuser=200, **API_REFUSED),
        writes=SUBMITTERS,
        effect=_api_status("approved"),
    ),
]
