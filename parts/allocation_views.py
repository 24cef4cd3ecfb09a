"""Allocation pages under /parts/allocations/ and the dealer's inbound list under /parts/inbound/.

Thin: the permission first (403 when the role may not allocate at all), the selectors for
reads (404 for another region's allocation), one service per write, ``form_call`` for its
refusal. A draft's page is its preview: the lines as a formset, saved and then confirmed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from dealers.access import user_scope
from parts import allocation_selectors as selectors
from parts.allocation import (
    allocation_confirm,
    allocation_create,
    allocation_discard,
    allocation_lines_update,
)
from parts.allocation_filters import AllocationFilter
from parts.allocation_forms import AllocationCreateForm, AllocationDiscardForm, LineFormSet
from parts.allocation_tables import AllocationLineTable, AllocationTable, InboundShipmentTable
from parts.models import Allocation
from parts.transfer_selectors import transfers_in_transit_to
from parts.transfer_tables import TransferTable

VIEW_PERM = selectors.VIEW_PERM
ADD_PERM = selectors.ADD_PERM
INBOUND_PERM = "parts.view_inboundshipment"
LINES_PER_PAGE = 100


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def allocation_list(request: HttpRequest) -> HttpResponse:
    filterset = AllocationFilter(request.GET, queryset=selectors.allocations_for_user(user=request.user))
    table = AllocationTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="allocations"):
        return response
    return render(
        request,
        "parts/allocations/list.html",
        {"filter": filterset, "table": table, "may_allocate": request.user.has_perm(ADD_PERM)},
    )


@login_required
@permission_required(ADD_PERM, raise_exception=True)
def allocation_new(request: HttpRequest) -> HttpResponse:
    form = AllocationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        allocation = form_call(
            form,
            allocation_create,
            kit_id=data["kit"].pk,
            quantity=data["quantity"],
            policy=data["policy"],
            region_id=data["region"].pk if data["region"] else None,
            note=data["note"],
            user=request.user,
        )
        if allocation is not None:
            return redirect("allocation-detail", pk=allocation.pk)
    return render(request, "parts/allocations/new.html", {"form": form}, status=400 if form.errors else 200)


def _lines_page(request: HttpRequest, allocation: Allocation):
    """The page of the draft's lines being edited. One page is one formset, so a network of any
    size stays under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (two fields a line); dealer-code order
    never moves a line to another page when its quantity changes."""
    paginator = Paginator(selectors.allocation_lines(allocation=allocation), LINES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def _detail(
    request: HttpRequest, allocation: Allocation, *, formset=None, discard_form=None, status: int = 200
) -> HttpResponse:
    lines = selectors.allocation_lines(allocation=allocation)
    draft = allocation.status == Allocation.Status.DRAFT
    may_edit = draft and request.user.has_perm(ADD_PERM)
    context = {
        "allocation": allocation,
        "may_edit": may_edit,
        "events": allocation.events.select_related("by"),
    }
    if may_edit:
        page = _lines_page(request, allocation)
        context["page"] = page
        context["formset"] = formset or LineFormSet(queryset=page.object_list)
        context["discard_form"] = discard_form or AllocationDiscardForm()
    else:
        table = AllocationLineTable(lines)
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        if response := table_export(request, table, name="allocation-lines"):
            return response
        context["table"] = table
    if draft:
        context["totals"] = selectors.allocation_line_totals(allocation=allocation)
    context["shipments"] = allocation.shipments.select_related("dealer").order_by("dealer__code")[:200]
    return render(request, "parts/allocations/detail.html", context, status=status)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.allocation_get(user=request.user, pk=pk))


@require_POST
@login_required
@permission_required(ADD_PERM, raise_exception=True)
def allocation_lines_view(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    page = _lines_page(request, allocation)
    formset = LineFormSet(request.POST, queryset=page.object_list)
    if formset.is_valid():
        done = form_call(
            formset,
            allocation_lines_update,
            allocation_id=allocation.pk,
            quantities=formset.quantities(),
            user=request.user,
        )
        if done is not None:
            messages.success(request, "Lines saved: review them, then confirm.")
            url = reverse("allocation-detail", args=[allocation.pk])
            return redirect(f"{url}?page={page.number}" if page.number > 1 else url)
    return _detail(request, allocation, formset=formset, status=400)


@require_POST
@login_required
@permission_required(ADD_PERM, raise_exception=True)
def allocation_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    form = AllocationDiscardForm(request.POST)
    if form.is_valid():
        done = form_call(
            form,
            allocation_discard,
            allocation_id=allocation.pk,
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        if done is not None:
            messages.success(request, f"Allocation {done.pk} discarded: nothing was shipped.")
            return redirect("allocation-detail", pk=done.pk)
    return _detail(request, allocation, discard_form=form, status=400)


@require_POST
@login_required
@permission_required(ADD_PERM, raise_exception=True)
def allocation_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    # A refusal (already confirmed, no line with kits) goes back with its message (DomainErrorMiddleware).
    done = allocation_confirm(allocation_id=allocation.pk, user=request.user)
    count = done.shipments.count()
    messages.success(
        request, f"Allocation {done.pk} confirmed: {count} inbound shipment{'s' if count != 1 else ''}."
    )
    return redirect("allocation-detail", pk=done.pk)


@login_required
@permission_required(INBOUND_PERM, raise_exception=True)
def inbound_list(request: HttpRequest) -> HttpResponse:
    """What is on its way to the user's dealers: allocated shipments and transfers in transit."""
    table = InboundShipmentTable(selectors.inbound_shipments_for_user(user=request.user), prefix="s-")
    scope = user_scope(request.user)
    if not (scope.national or scope.region_ids or len(scope.dealer_ids) > 1):
        table.columns.hide("dealer")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="inbound-shipments"):
        return response
    transit = None
    if request.user.has_perm("parts.view_transfer"):
        transit = TransferTable(transfers_in_transit_to(user=request.user), prefix="t-", exclude=("status",))
        RequestConfig(request, paginate={"per_page": 25}).configure(transit)
    return render(request, "parts/inbound/list.html", {"table": table, "transit": transit})
