"""Repair-order pages: the list by state, one RO with its history, check-in, walk-in, start,
cancel, completion; and the vehicle record's outcome forms.

Thin: the permission first (403 when the role may not do this at all), the object through
the user's scope (404 for a stranger's), then one service.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.models import Campaign
from dealers.models import Dealer
from repairs import outcomes
from repairs.models import RepairOrder
from repairs.repair_orders import (
    repair_order_cancel,
    repair_order_check_in,
    repair_order_complete,
    repair_order_kit,
    repair_order_start,
    repair_order_walk_in,
)
from repairs.ro_filters import RepairOrderFilter
from repairs.ro_forms import (
    CheckInForm,
    CompleteForm,
    ReasonForm,
    RemediedElsewhereForm,
    UnreachableForm,
    WalkInForm,
    parts_text,
)
from repairs.ro_selectors import (
    RECORD_OUTCOME,
    SET_UNREACHABLE,
    UNDO_OUTCOME,
    VIEW_RO,
    appointment_for_check_in,
    repair_dealer_ids,
    repair_order_get,
    repair_order_history,
    repair_orders_for_user,
)
from repairs.ro_tables import RepairOrderTable

ADD = "repairs.add_repairorder"
CHANGE = "repairs.change_repairorder"
TABS = (
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
)


def _repairer(request: HttpRequest) -> frozenset[int]:
    # The permission alone is not enough: the superuser holds it but repairs at no dealer.
    dealer_ids = repair_dealer_ids(user=request.user)
    if not dealer_ids:
        raise PermissionDenied("You work no dealer's repair orders.")
    return dealer_ids


@login_required
@permission_required(VIEW_RO, raise_exception=True)
def repair_order_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", "open")
    filterset = RepairOrderFilter(data, queryset=repair_orders_for_user(user=request.user))
    table = RepairOrderTable(filterset.qs)
    if len(repair_dealer_ids(user=request.user)) == 1:
        table.columns.hide("dealer")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="repair-orders"):
        return response
    return render(
        request,
        "repairs/ro/list.html",
        {
            "filter": filterset,
            "table": table,
            "tabs": [(value, label, urlencode({"status": value})) for value, label in TABS],
            "current": data.get("status"),
            "may_open": bool(repair_dealer_ids(user=request.user)) and request.user.has_perm(ADD),
        },
    )


@login_required
@permission_required(VIEW_RO, raise_exception=True)
def repair_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ro = repair_order_get(user=request.user, pk=pk)
    may_work = ro.dealer_id in repair_dealer_ids(user=request.user) and request.user.has_perm(CHANGE)
    return render(
        request,
        "repairs/ro/detail.html",
        {
            "ro": ro,
            "events": repair_order_history(repair_order=ro),
            "parts": list(ro.parts.all()),
            "may_work": may_work and ro.status in RepairOrder.OPEN_STATUSES,
            # A completed RO's next step is its claim: offered until one is filed (a rejected one
            # is corrected and resubmitted from its own page, so any claim hides the link).
            "may_claim": may_work
            and request.user.has_perm("repairs.add_warrantyclaim")
            and ro.status == RepairOrder.Status.COMPLETED
            and not ro.claims.exists(),
            "cancel_form": ReasonForm(),
        },
    )


@login_required
@permission_required(ADD, raise_exception=True)
def repair_order_check_in_view(request: HttpRequest, appointment_pk: int) -> HttpResponse:
    _repairer(request)
    appointment = appointment_for_check_in(user=request.user, pk=appointment_pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ro = form_call(
            form,
            repair_order_check_in,
            appointment_id=appointment.pk,
            ro_number=form.cleaned_data["ro_number"],
            mileage_in=form.cleaned_data["mileage_in"],
            user=request.user,
        )
        if ro is not None:
            messages.success(request, f"Checked in: RO {ro.ro_number} opened for {ro.vehicle_id}.")
            return redirect("repair-order-detail", pk=ro.pk)
    return render(request, "repairs/ro/check_in.html", {"form": form, "appointment": appointment})


@login_required
@permission_required(ADD, raise_exception=True)
def repair_order_walk_in_view(request: HttpRequest) -> HttpResponse:
    dealer_ids = _repairer(request)
    form = WalkInForm(
        request.POST or None,
        initial={"vin": request.GET.get("vin", "")},
        dealers=Dealer.objects.filter(pk__in=sorted(dealer_ids)).order_by("name"),
        campaigns=Campaign.objects.exclude(phase=Campaign.Phase.PRELIMINARY).order_by("code"),
    )
    if request.method == "POST" and form.is_valid():
        ro = form_call(
            form,
            repair_order_walk_in,
            dealer_id=form.cleaned_data["dealer"].pk,
            vin=form.cleaned_data["vin"],
            campaign_id=form.cleaned_data["campaign"].pk,
            ro_number=form.cleaned_data["ro_number"],
            mileage_in=form.cleaned_data["mileage_in"],
            user=request.user,
        )
        if ro is not None:
            messages.success(request, f"Walk-in: RO {ro.ro_number} opened for {ro.vehicle_id}.")
            return redirect("repair-order-detail", pk=ro.pk)
    return render(request, "repairs/ro/walk_in.html", {"form": form})


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def repair_order_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    _repairer(request)
    ro = repair_order_start(repair_order_id=pk, user=request.user)
    messages.success(request, f"RO {ro.ro_number} in progress.")
    return redirect("repair-order-detail", pk=ro.pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def repair_order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    _repairer(request)
    # An empty reason is refused by the service (message and back to the RO).
    ro = repair_order_cancel(repair_order_id=pk, reason=request.POST.get("reason", ""), user=request.user)
    messages.success(request, f"RO {ro.ro_number} cancelled.")
    return redirect("repair-order-detail", pk=ro.pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
def repair_order_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _repairer(request)
    ro = repair_order_get(user=request.user, pk=pk)
    form = CompleteForm(
        request.POST or None,
        initial={
            "completed_on": timezone.localdate(),
            "labor_hours": ro.flat_rate_hours,
            "mileage_out": ro.mileage_in,
            "parts": parts_text(repair_order_kit(repair_order=ro)),
        },
    )
    if request.method == "POST" and form.is_valid():
        done = form_call(
            form,
            repair_order_complete,
            repair_order_id=ro.pk,
            user=request.user,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, f"RO {done.ro_number} completed: {done.vehicle_id} is remedied.")
            return redirect("repair-order-detail", pk=done.pk)
    return render(request, "repairs/ro/complete.html", {"form": form, "ro": ro})


def _back_to_record(change) -> HttpResponse:
    return redirect(f"{reverse('vehicle-record')}?{urlencode({'vin': change.entry.vehicle_id})}")


def _outcome_post(request: HttpRequest, form, service, **kwargs) -> HttpResponse:
    # A form error (a missing choice) goes back to the record as a message, like a refusal.
    data = form.cleaned_data if form.is_valid() else {k: request.POST.get(k, "") for k in form.fields}
    change = service(user=request.user, **kwargs, **data)
    messages.success(request, f"{change.entry.vehicle_id}: {change.get_kind_display().lower()} recorded.")
    return _back_to_record(change)


@login_required
@permission_required(RECORD_OUTCOME, raise_exception=True)
@require_POST
def outcome_remedied_elsewhere_view(request: HttpRequest, entry_pk: int) -> HttpResponse:
    return _outcome_post(
        request, RemediedElsewhereForm(request.POST), outcomes.outcome_remedied_elsewhere, entry_id=entry_pk
    )


@login_required
@permission_required(RECORD_OUTCOME, raise_exception=True)
@require_POST
def outcome_not_needed_view(request: HttpRequest, entry_pk: int) -> HttpResponse:
    return _outcome_post(request, ReasonForm(request.POST), outcomes.outcome_not_needed, entry_id=entry_pk)


@login_required
@permission_required(SET_UNREACHABLE, raise_exception=True)
@require_POST
def outcome_unreachable_view(request: HttpRequest, entry_pk: int) -> HttpResponse:
    return _outcome_post(
        request, UnreachableForm(request.POST), outcomes.outcome_unreachable, entry_id=entry_pk
    )


@login_required
@permission_required(UNDO_OUTCOME, raise_exception=True)
@require_POST
def outcome_undo_view(request: HttpRequest, entry_pk: int) -> HttpResponse:
    return _outcome_post(request, ReasonForm(request.POST), outcomes.outcome_undo, entry_id=entry_pk)
