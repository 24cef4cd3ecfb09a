"""Transfer pages under /parts/transfers/: the list (both directions), a request, a transfer
with its history and the steps the user may take now.

Thin: the permission first (403), the selectors for reads (404 for a stranger's transfer),
one service per step, ``form_call`` for its refusal (the page again, with the message).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from parts import transfers as services
from parts.models import Transfer
from parts.transfer_forms import STEP_BUTTONS, TransferRequestForm, TransferStepForm
from parts.transfer_selectors import VIEW_PERM, transfer_events, transfer_get, transfers_for_user
from parts.transfer_tables import TransferTable

Status = Transfer.Status
STEPS = {
    "approve": (services.APPROVE_PERM, services.transfer_approve, "approved"),
    "decline": (services.APPROVE_PERM, services.transfer_decline, "declined"),
    "ship": (services.CHANGE_PERM, services.transfer_ship, "shipped"),
    "receive": (services.CHANGE_PERM, services.transfer_receive, "received"),
    "cancel": (services.REQUEST_PERM, services.transfer_cancel, "cancelled"),
}


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def transfer_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    transfers = transfers_for_user(user=request.user)
    if status == "open":
        transfers = transfers.filter(status__in=Transfer.OPEN_STATUSES)
    elif status in Status.values:
        transfers = transfers.filter(status=status)
    table = TransferTable(transfers)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="transfers"):
        return response
    tabs = [("", "All"), ("open", "Open"), *Status.choices]
    return render(
        request,
        "parts/transfers/list.html",
        {
            "table": table,
            "tabs": tabs,
            "status": status,
            "may_request": services.transfer_request_dealers(user=request.user).exists(),
        },
    )


@login_required
@permission_required(services.REQUEST_PERM, raise_exception=True)
def transfer_request_view(request: HttpRequest) -> HttpResponse:
    form = TransferRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = form_call(
            form,
            services.transfer_request,
            to_dealer_id=data["to_dealer"].pk,
            from_dealer_code=data["from_dealer"],
            kit_id=data["kit"].pk,
            quantity=data["quantity"],
            reason=data["reason"],
            user=request.user,
        )
        if transfer is not None:
            messages.success(request, f"Transfer {transfer.pk} requested from {transfer.from_dealer.name}.")
            return redirect("transfer-detail", pk=transfer.pk)
    return render(request, "parts/transfers/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, transfer: Transfer, *, status: int = 200, bound=None) -> HttpResponse:
    actions = services.transfer_actions(user=request.user, transfer=transfer)
    forms = []
    for step in STEP_BUTTONS:
        if step in actions:
            action = reverse(f"transfer-{step}", args=[transfer.pk])
            forms.append(
                bound if bound and bound.step == step else TransferStepForm(action=action, step=step)
            )
    context = {"transfer": transfer, "events": transfer_events(transfer=transfer), "forms": forms}
    return render(request, "parts/transfers/detail.html", context, status=status)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, transfer_get(user=request.user, pk=pk))


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    _, service, done = STEPS[step]
    transfer = transfer_get(user=request.user, pk=pk)
    if not services.transfer_may(user=request.user, transfer=transfer, step=step):
        # The role may take this step, but not at this transfer's dealers (the requester approving).
        raise PermissionDenied("Not a step you take for this transfer.")
    form = TransferStepForm(request.POST, action=request.path, step=step)
    form.step = step
    if form.is_valid():
        note = form.cleaned_data.get("reason", "")
        kwargs = {"reference": note} if step == "ship" else ({} if step == "receive" else {"reason": note})
        moved = form_call(form, service, transfer_id=transfer.pk, user=request.user, **kwargs)
        if moved is not None:
            messages.success(request, f"Transfer {moved.pk} {done}.")
            return redirect("transfer-detail", pk=moved.pk)
    return _detail(request, transfer_get(user=request.user, pk=pk), status=400, bound=form)


def _step_view(step: str):
    perm = STEPS[step][0]

    @require_POST
    @login_required
    @permission_required(perm, raise_exception=True)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _step(request, pk, step)

    view.__name__ = f"transfer_{step}_view"
    return view


transfer_approve_view = _step_view("approve")
transfer_decline_view = _step_view("decline")
transfer_ship_view = _step_view("ship")
transfer_receive_view = _step_view("receive")
transfer_cancel_view = _step_view("cancel")
