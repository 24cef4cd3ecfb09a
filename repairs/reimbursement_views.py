"""Owner reimbursement pages: the public request form and its confirmation; the warranty
administrator's queue, a request (owner data, logged), its receipt (logged) and the decision.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.upload_limits import upload_limit
from config.client_address import client_address
from dealers.owner_data import owner_data_access_record
from repairs.models import ReimbursementRequest
from repairs.reimbursement import (
    reimbursement_approve,
    reimbursement_campaigns,
    reimbursement_deny,
    reimbursement_request_info,
    reimbursement_submit,
)
from repairs.reimbursement_filters import WAITING, ReimbursementQueueFilter
from repairs.reimbursement_forms import ReimbursementDecisionForm, ReimbursementRequestForm
from repairs.reimbursement_receipts import EXTENSION_BY_TYPE, UPLOAD_LIMIT_SETTING
from repairs.reimbursement_selectors import (
    reimbursement_events,
    reimbursement_get,
    reimbursement_queue,
    reimbursement_vin_history,
)
from repairs.reimbursement_tables import ReimbursementQueueTable
from repairs.reimbursement_throttle import reimbursement_throttle_hit

VIEW = "repairs.view_reimbursementrequest"
REVIEW = "repairs.review_reimbursementrequest"
# The confirmation link works for a day: long enough to print it, too short to collect.
SENT_SALT = "reimbursement-sent"
SENT_MAX_AGE = 24 * 3600
DECISIONS = {
    "approve": reimbursement_approve,
    "deny": reimbursement_deny,
    "more_info": reimbursement_request_info,
}


@upload_limit(UPLOAD_LIMIT_SETTING)
def reimbursement_request(request: HttpRequest) -> HttpResponse:
    campaigns = reimbursement_campaigns()
    # Prefill from the look-up's link (?vin=&campaign=): only what it gives.
    initial = {
        key: request.GET[key][:100].strip().upper() for key in ("vin", "campaign") if request.GET.get(key)
    }
    form = ReimbursementRequestForm(
        request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial
    )
    context: dict = {"form": form, "campaigns": campaigns}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        throttle = reimbursement_throttle_hit(address=client_address(request), vin=data["vin"])
        if not throttle.allowed:
            response = render(
                request,
                "repairs/reimbursement/throttled.html",
                {"retry_after": throttle.retry_after, "campaigns": campaigns},
                status=429,
            )
            response["Retry-After"] = str(throttle.retry_after)
            return response
        filed = form_call(
            form,
            reimbursement_submit,
            vin=data["vin"],
            campaign_code=data["campaign"],
            owner_name=data["owner_name"],
            address1=data["address1"],
            city=data["city"],
            state=data["state"],
            postal_code=data["postal_code"],
            phone=data["phone"],
            email=data["email"],
            repair_date=data["repair_date"],
            facility=data["facility"],
            amount_paid=data["amount_paid"],
            receipt=data["receipt"],
            owner_paid_statement=data["owner_paid_statement"],
        )
        if filed is not None:
            return redirect("reimbursement-sent", token=signing.dumps(filed.pk, salt=SENT_SALT))
    return render(request, "repairs/reimbursement/request_form.html", context)


def reimbursement_sent(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: the reference and what happens next; nothing about the vehicle's owner."""
    try:
        pk = signing.loads(token, salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This confirmation link is not valid or has expired.") from None
    return render(request, "repairs/reimbursement/sent.html", {"filed": reimbursement_get(pk=pk)})


@login_required
@permission_required(VIEW, raise_exception=True)
def reimbursement_review(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", WAITING)  # the work still to do, unless asked otherwise
    filterset = ReimbursementQueueFilter(data, queryset=reimbursement_queue())
    table = ReimbursementQueueTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="reimbursement-requests"):
        return response
    return render(request, "repairs/reimbursement/review_list.html", {"filter": filterset, "table": table})


@login_required
@permission_required(VIEW, raise_exception=True)
def reimbursement_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filed = reimbursement_get(pk=pk)
    return _detail_page(request, filed, ReimbursementDecisionForm(action="", amount_paid=filed.amount_paid))


def _detail_page(
    request: HttpRequest, filed: ReimbursementRequest, form, *, status: int = 200
) -> HttpResponse:
    # The owner's name and contact details are on the page: logged, and the response kept out of caches.
    owner_data_access_record(user=request.user, vehicle=filed.vehicle, context="reimbursement request")
    may_decide = request.user.has_perm(REVIEW) and filed.status in ReimbursementRequest.UNDECIDED_STATUSES
    if form.is_bound and not may_decide:
        # Decided meanwhile (another reviewer): the form is gone, its refusal shows as a message.
        for error in form.non_field_errors():
            messages.error(request, error)
    form.helper.form_action = reverse("reimbursement-decide", args=[filed.pk])
    return render(
        request,
        "repairs/reimbursement/review_detail.html",
        {
            "filed": filed,
            "events": reimbursement_events(request=filed),
            "history": reimbursement_vin_history(request=filed),
            "form": form if may_decide else None,
        },
        status=status,
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def reimbursement_receipt(request: HttpRequest, pk: int) -> FileResponse:
    filed = reimbursement_get(pk=pk)
    owner_data_access_record(user=request.user, vehicle=filed.vehicle, context="reimbursement receipt")
    return FileResponse(
        filed.receipt.open("rb"),
        as_attachment=True,
        filename=f"{filed.reference}-receipt{EXTENSION_BY_TYPE.get(filed.receipt_content_type, '')}",
        content_type=filed.receipt_content_type,
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_POST
def reimbursement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    filed = reimbursement_get(pk=pk)
    form = ReimbursementDecisionForm(request.POST, action="", amount_paid=filed.amount_paid)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        kwargs = {"request_id": filed.pk, "user": request.user, "reason": form.cleaned_data["reason"]}
        if decision == "approve":
            kwargs["amount"] = form.cleaned_data["amount"]
        decided = form_call(form, DECISIONS[decision], **kwargs)
        if decided is not None:
            messages.success(request, f"{decided.reference}: {decided.get_status_display().lower()}.")
            return redirect("reimbursement-review-detail", pk=decided.pk)
    filed.refresh_from_db()
    decided_meanwhile = filed.status not in ReimbursementRequest.UNDECIDED_STATUSES
    return _detail_page(request, filed, form, status=409 if decided_meanwhile else 400)
