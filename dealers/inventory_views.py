"""Pre-owned inventory pages: the list, add by VIN, CSV upload, a unit, delivery, held units.

Thin: each view checks the permission (403 when the role may not do this at all),
fetches through the selectors (404 for a stranger's unit) and calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.errors import DomainError
from campaign.exports import EXPORT_PARAM, table_export
from campaign.http_errors import form_call
from campaign.upload_limits import upload_limit
from dealers.filters import HeldFilter, InventoryFilter
from dealers.inventory import inventory_add, inventory_deliver
from dealers.inventory_forms import UPLOAD_LIMIT_SETTING, DeliverForm, InventoryAddForm, InventoryUploadForm
from dealers.inventory_import import inventory_import, inventory_rejects_open
from dealers.inventory_selectors import (
    ADD,
    CHANGE,
    VIEW,
    held_counts_by_dealer,
    held_dealers_for_user,
    held_units_for_user,
    inventory_dealers_for_user,
    inventory_spans_dealers,
    inventory_unit_events,
    inventory_unit_get,
    inventory_unit_to_keep,
    inventory_units_for_user,
    kept_dealer_ids,
    stop_sale_notices_for_user,
)
from dealers.models import InventoryEvent
from dealers.tables import HeldCountTable, HeldUnitTable, InventoryTable

# The held-units page has two tables; ``?table=`` says which one an export is of.
HELD_TABLES = ("units", "dealers")


def _stock_keeper(request: HttpRequest, perm: str) -> None:
    # The permission alone is not enough: the administrator holds every model permission
    # (for Django admin) but keeps no dealer's stock; pre-owned managers do.
    if not kept_dealer_ids(user=request.user, perm=perm):
        raise PermissionDenied("You keep no dealer's pre-owned inventory.")


@login_required
@permission_required(VIEW, raise_exception=True)
def inventory_list(request: HttpRequest) -> HttpResponse:
    units = inventory_units_for_user(user=request.user)
    data = request.GET.copy()
    data.setdefault("status", "in_stock")  # the stock on the lot, unless asked otherwise
    filterset = InventoryFilter(data, queryset=units)
    table = InventoryTable(filterset.qs)
    if not inventory_spans_dealers(user=request.user):
        table.columns.hide("dealer")  # one dealer's stock: the column would say nothing
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="inventory"):
        return response
    return render(
        request,
        "dealers/inventory_list.html",
        {
            "filter": filterset,
            "table": table,
            "notices": stop_sale_notices_for_user(user=request.user),
            "may_add": bool(kept_dealer_ids(user=request.user, perm=ADD)),
        },
    )


@login_required
@permission_required(ADD, raise_exception=True)
def inventory_add_view(request: HttpRequest) -> HttpResponse:
    _stock_keeper(request, ADD)
    dealers = inventory_dealers_for_user(user=request.user)
    form = InventoryAddForm(request.POST or None, dealers=dealers)
    if request.method == "POST" and form.is_valid():
        unit = form_call(
            form,
            inventory_add,
            dealer_id=form.cleaned_data["dealer"].pk,
            vin=form.cleaned_data["vin"],
            stock_number=form.cleaned_data["stock_number"],
            received_on=form.cleaned_data["received_on"],
            user=request.user,
        )
        if unit is not None:
            if unit.stop_sale:
                messages.error(
                    request,
                    f"Stock {unit.stock_number} added and put on STOP SALE ({unit.stop_sale_campaigns}): "
                    "do not deliver until remedied.",
                )
            else:
                messages.success(request, f"Stock {unit.stock_number} ({unit.vin}) added; no open recall.")
            return redirect("inventory-detail", pk=unit.pk)
    return render(request, "dealers/inventory_add.html", {"form": form})


@login_required
@permission_required(ADD, raise_exception=True)
@upload_limit(UPLOAD_LIMIT_SETTING)
def inventory_upload(request: HttpRequest) -> HttpResponse:
    _stock_keeper(request, ADD)
    dealers = inventory_dealers_for_user(user=request.user)
    form = InventoryUploadForm(request.POST or None, request.FILES or None, dealers=dealers)
    result = None
    if request.method == "POST" and form.is_valid():
        # A refusal of the whole file (unreadable header, too many rows) is about the file.
        result = form_call(
            form,
            inventory_import,
            dealer_id=form.cleaned_data["dealer"].pk,
            file=form.cleaned_data["file"],
            user=request.user,
        )
    return render(request, "dealers/inventory_upload.html", {"form": form, "result": result})


@login_required
@permission_required(ADD, raise_exception=True)
def inventory_upload_rejects(request: HttpRequest, token: str) -> FileResponse:
    _stock_keeper(request, ADD)
    return FileResponse(
        inventory_rejects_open(user=request.user, token=token),
        as_attachment=True,
        filename="inventory-rejects.csv",
        content_type="text/csv",
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, inventory_unit_get(user=request.user, pk=pk))


def _detail_page(request: HttpRequest, unit, *, status: int = 200) -> HttpResponse:
    events = list(inventory_unit_events(unit=unit)[:50])
    refusal = next((e for e in events if e.kind == InventoryEvent.Kind.DELIVERY_REFUSED), None)
    may_deliver = unit.status == unit.Status.IN_STOCK and unit.dealer_id in kept_dealer_ids(
        user=request.user, perm=CHANGE
    )
    return render(
        request,
        "dealers/inventory_detail.html",
        {
            "unit": unit,
            "events": events,
            "last_refusal": refusal,
            "deliver_form": DeliverForm(action=reverse("inventory-deliver", args=[unit.pk]))
            if may_deliver
            else None,
        },
        status=status,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def inventory_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    _stock_keeper(request, CHANGE)
    unit = inventory_unit_to_keep(user=request.user, pk=pk)
    form = DeliverForm(request.POST, action="")
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if form_call(form, inventory_deliver, unit_id=unit.pk, user=request.user, note=note) is None:
        # Refused (stop sale, or no longer in stock; a stop-sale refusal is itself recorded):
        # the unit's page again with the reason, answering 409 where a delivery redirects.
        for error in form.non_field_errors():
            messages.error(request, error)
        unit.refresh_from_db()
        return _detail_page(request, unit, status=409)
    messages.success(request, f"Stock {unit.stock_number} marked delivered.")
    return redirect("inventory-detail", pk=unit.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def inventory_held(request: HttpRequest) -> HttpResponse:
    dealers = held_dealers_for_user(user=request.user)
    filterset = HeldFilter(
        request.GET or None, queryset=held_units_for_user(user=request.user), dealers=dealers
    )
    units = filterset.qs
    counts = HeldCountTable(held_counts_by_dealer(units=units), prefix="d-")
    table = HeldUnitTable(units, prefix="u-")
    spans = inventory_spans_dealers(user=request.user)
    if not spans:
        # One dealer's own held units: no per-dealer table, no dealer columns or filters.
        for column in ("dealer_code", "dealer", "region"):
            table.columns.hide(column)
    which = request.GET.get("table") or "units"
    if request.GET.get(EXPORT_PARAM) and which not in HELD_TABLES:
        raise DomainError(f"The held-units page exports {' or '.join(HELD_TABLES)}.", field="table")
    config = RequestConfig(request, paginate={"per_page": 25})
    if spans or which == "dealers":
        config.configure(counts)
    config.configure(table)
    export = counts if which == "dealers" else table
    if response := table_export(request, export, name="held-dealers" if which == "dealers" else "held-units"):
        return response
    return render(
        request,
        "dealers/inventory_held.html",
        {
            "filter": filterset,
            "counts": counts,
            "table": table,
            "spans_dealers": spans,
            "notices": stop_sale_notices_for_user(user=request.user),
        },
    )
