"""Warranty claim pages: the dealer's claims by status, a claim with its history, submitting
a completed RO, resubmitting, the warranty administrator's review queue and decisions, and
the payment runs.

Thin: the permission first (403 when the role may not do this at all), the selectors for
reads (404 for a stranger's claim), one service per write, ``form_call`` for its refusal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.remedy import remedy_operation_for_vin
from dealers.access import get_for_user, user_scope
from repairs import claim_selectors as selectors
from repairs.claim_filters import ClaimFilter
from repairs.claim_forms import ClaimApproveForm, ClaimRejectForm, ClaimReturnForm, ClaimTextsForm
from repairs.claim_tables import ClaimableTable, ClaimTable, PaymentTable, ReviewQueueTable
from repairs.claims import (
    REVIEW_PERM,
    SUBMIT_PERM,
    SUBMITTER_ROLES,
    claim_approve,
    claim_reject,
    claim_resubmit,
    claim_return,
    claim_submit,
)
from repairs.models import RepairOrder, WarrantyClaim

VIEW_PERM = "repairs.view_warrantyclaim"
Status = WarrantyClaim.Status


def _spans_dealers(user) -> bool:
    scope = user_scope(user)
    return scope.national or bool(scope.region_ids) or len(scope.dealer_ids) > 1


def _may_submit(user, dealer_id: int | None = None) -> bool:
    if not user.has_perm(SUBMIT_PERM):
        return False
    scope = user_scope(user)
    if scope.national:
        return True
    ids = frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in SUBMITTER_ROLES))
    return bool(ids) if dealer_id is None else dealer_id in ids


def _list_page(request, queryset, table_class, *, name: str, template: str, extra: dict) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=queryset)
    table = table_class(filterset.qs)
    show_dealer = _spans_dealers(request.user)
    if not show_dealer:
        table.columns.hide("dealer")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name=name):
        return response
    return render(
        request, template, {"filter": filterset, "table": table, "show_dealer": show_dealer, **extra}
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def claim_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    claims = selectors.claims_for_user(user=request.user)
    if status in Status.values:
        claims = claims.filter(status=status)
    counts = selectors.claim_status_counts(user=request.user)
    tabs = [("", "All", sum(counts.values()))] + [(s, label, counts[s]) for s, label in Status.choices]
    return _list_page(
        request,
        claims,
        ClaimTable,
        name="claims",
        template="repairs/claims/list.html",
        extra={"tabs": tabs, "status": status, "may_submit": _may_submit(request.user)},
    )


@login_required
@permission_required(SUBMIT_PERM, raise_exception=True)
def claim_claimable(request: HttpRequest) -> HttpResponse:
    table = ClaimableTable(selectors.claimable_repair_orders(user=request.user))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "repairs/claims/claimable.html", {"table": table})


@login_required
@permission_required(SUBMIT_PERM, raise_exception=True)
def claim_submit_view(request: HttpRequest, ro_pk: int) -> HttpResponse:
    ro = get_for_user(
        RepairOrder.objects.select_related("campaign", "dealer"),
        request.user,
        roles=SUBMITTER_ROLES,
        pk=ro_pk,
    )
    campaign = ro.campaign
    operation = remedy_operation_for_vin(campaign=campaign, vin=ro.vehicle_id)
    initial = {
        "labor_hours": operation.flat_rate_hours if operation else ro.flat_rate_hours,
        "sublet_amount": 0,
        "condition": campaign.claim_condition,
        "cause": campaign.claim_cause,
        "correction": campaign.claim_correction,
    }
    form = ClaimTextsForm(request.POST or None, initial=initial, action=request.path, label="Submit claim")
    if request.method == "POST" and form.is_valid():
        claim = form_call(form, claim_submit, repair_order_id=ro.pk, user=request.user, **form.cleaned_data)
        if claim is not None:
            if claim.status == Status.APPROVED:
                messages.success(
                    request, f"Claim {claim.pk} approved: {claim.total} USD, paid in the next run."
                )
            else:
                messages.warning(request, f"Claim {claim.pk} is held for review: {claim.note}")
            return redirect("claim-detail", pk=claim.pk)
    return render(
        request,
        "repairs/claims/submit.html",
        {"ro": ro, "operation": operation, "form": form, "dealer": ro.dealer},
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, claim: WarrantyClaim, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    context = {"claim": claim, "events": selectors.claim_events(claim=claim), "parts": claim.parts.all()}
    if claim.status in (Status.RETURNED, Status.REJECTED) and _may_submit(user, claim.dealer_id):
        context["resubmit_form"] = forms.get("resubmit") or ClaimTextsForm(
            initial={
                "labor_hours": claim.labor_hours,
                "sublet_amount": claim.sublet_amount,
                "condition": claim.condition,
                "cause": claim.cause,
                "correction": claim.correction,
            },
            action=reverse("claim-resubmit", args=[claim.pk]),
            label="Resubmit",
        )
    if claim.status != Status.PAID and user.has_perm(REVIEW_PERM):
        if claim.status != Status.APPROVED:
            context["approve_form"] = forms.get("approve") or ClaimApproveForm(
                action=reverse("claim-approve", args=[claim.pk])
            )
        if claim.status != Status.REJECTED:
            context["reject_form"] = forms.get("reject") or ClaimRejectForm(
                action=reverse("claim-reject", args=[claim.pk])
            )
        if claim.status != Status.RETURNED:
            context["return_form"] = forms.get("return") or ClaimReturnForm(
                action=reverse("claim-return", args=[claim.pk])
            )
    return render(request, "repairs/claims/detail.html", context, status=status)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.claim_get(user=request.user, pk=pk))


@require_POST
@login_required
@permission_required(SUBMIT_PERM, raise_exception=True)
def claim_resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_for_user(WarrantyClaim.objects.all(), request.user, roles=SUBMITTER_ROLES, pk=pk)
    form = ClaimTextsForm(request.POST, action=request.path, label="Resubmit")
    if form.is_valid():
        done = form_call(form, claim_resubmit, claim_id=claim.pk, user=request.user, **form.cleaned_data)
        if done is not None:
            messages.success(request, f"Claim {done.pk} resubmitted: {done.get_status_display().lower()}.")
            return redirect("claim-detail", pk=done.pk)
    return _detail(request, selectors.claim_get(user=request.user, pk=pk), status=400, resubmit=form)


def _decision(request: HttpRequest, pk: int, *, form_class, service, key: str, done: str) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    form = form_class(request.POST, action=request.path)
    if form.is_valid():
        decided = form_call(form, service, claim_id=claim.pk, user=request.user, **form.cleaned_data)
        if decided is not None:
            messages.success(request, f"Claim {decided.pk} {done}.")
            return redirect("claim-review")
    return _detail(request, selectors.claim_get(user=request.user, pk=pk), status=400, **{key: form})


@require_POST
@login_required
@permission_required(REVIEW_PERM, raise_exception=True)
def claim_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request, pk, form_class=ClaimApproveForm, service=claim_approve, key="approve", done="approved"
    )


@require_POST
@login_required
@permission_required(REVIEW_PERM, raise_exception=True)
def claim_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request, pk, form_class=ClaimRejectForm, service=claim_reject, key="reject", done="rejected"
    )


@require_POST
@login_required
@permission_required(REVIEW_PERM, raise_exception=True)
def claim_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        form_class=ClaimReturnForm,
        service=claim_return,
        key="return",
        done="returned for correction",
    )


@login_required
@permission_required(REVIEW_PERM, raise_exception=True)
def claim_review(request: HttpRequest) -> HttpResponse:
    queue = selectors.review_queue(user=request.user)
    awaiting, awaiting_total = selectors.approved_awaiting_payment(user=request.user)
    return _list_page(
        request,
        queue,
        ReviewQueueTable,
        name="claim-review",
        template="repairs/claims/review.html",
        extra={
            "next_run": selectors.next_payment_run(),
            "awaiting": awaiting,
            "awaiting_total": awaiting_total,
        },
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def claim_payment_list(request: HttpRequest) -> HttpResponse:
    table = PaymentTable(selectors.payments_for_user(user=request.user))
    if not _spans_dealers(request.user):
        table.columns.hide("dealer")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="claim-payments"):
        return response
    return render(
        request, "repairs/claims/payments.html", {"table": table, "next_run": selectors.next_payment_run()}
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def claim_payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_get(user=request.user, pk=pk)
    table = ClaimTable(selectors.payment_claims(payment=payment), exclude=("dealer", "status", "note"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if response := table_export(request, table, name="claim-credit"):
        return response
    return render(request, "repairs/claims/payment_detail.html", {"payment": payment, "table": table})
