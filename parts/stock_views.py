"""Stock pages: stock by part, a kit's ledger, receiving and adjusting.

Thin: each view checks the permission (403 when the role may not do this at all), reads
through ``parts.stock_selectors`` (404 for a dealer outside the user's scope) and calls one
service of ``parts.stock``. Parts managers act on their own dealer's stock; principals and
service managers read theirs; regional staff and administrators read any dealer in scope.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.models import Kit
from dealers.models import Dealer
from parts import stock as services
from parts import stock_selectors as selectors
from parts.stock_filters import MovementFilter
from parts.stock_forms import AdjustForm, ReceiveForm
from parts.stock_tables import MovementTable, StockTable
from repairs.booking_selectors import dealer_ids_with_perm


def _stock_url(dealer: Dealer) -> str:
    return f"{reverse('parts-stock')}?{urlencode({'dealer': dealer.code})}"


def _keeping_dealer(request: HttpRequest, perm: str) -> Dealer:
    """The dealer whose stock the user changes: one where their own role may (``?dealer=CODE``)."""
    dealers = selectors.stock_keeping_dealers(user=request.user, perm=perm)
    code = request.POST.get("dealer_code") or request.GET.get("dealer")
    dealer = dealers.filter(code=code).first() if code else dealers.first()
    if dealer is None:
        raise PermissionDenied("You keep no dealer's stock here.")
    return dealer


def _may(request: HttpRequest, perm: str, dealer: Dealer) -> bool:
    return dealer.pk in dealer_ids_with_perm(user=request.user, perm=perm)  # from the cached scope


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def stock_list(request: HttpRequest) -> HttpResponse:
    dealer = selectors.stock_dealer_for_user(user=request.user, code=request.GET.get("dealer"))
    table = StockTable(selectors.stock_lines(dealer=dealer), dealer_code=dealer.code)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="stock"):
        return response
    dealers = selectors.stock_dealers_for_user(user=request.user).only("code", "name")
    return render(
        request,
        "parts/stock/list.html",
        {
            "dealer": dealer,
            "table": table,
            # A picker only for readers of several dealers (regional staff, administrators).
            "dealers": dealers if dealers[:2].count() > 1 else None,
            "may_receive": _may(request, selectors.RECEIVE, dealer),
            "may_adjust": _may(request, selectors.ADJUST, dealer),
        },
    )


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def kit_ledger(request: HttpRequest, kit_id: int) -> HttpResponse:
    dealer = selectors.stock_dealer_for_user(user=request.user, code=request.GET.get("dealer"))
    line = selectors.stock_line(dealer=dealer, kit_id=kit_id)
    filterset = MovementFilter(
        request.GET or None, queryset=selectors.kit_movements(dealer_id=dealer.pk, kit_id=line.pk)
    )
    table = MovementTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if response := table_export(request, table, name=f"ledger-{line.part_number.lower()}"):
        return response
    return render(
        request,
        "parts/stock/ledger.html",
        {"dealer": dealer, "line": line, "filter": filterset, "table": table},
    )


@login_required
@permission_required(selectors.RECEIVE, raise_exception=True)
def receive(request: HttpRequest) -> HttpResponse:
    dealer = _keeping_dealer(request, selectors.RECEIVE)
    form = ReceiveForm(
        request.POST or None,
        initial={"shipment": request.GET.get("shipment", "")},
        shipments=selectors.open_shipments(dealer_id=dealer.pk),
        kits=Kit.objects.order_by("part_number"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = form_call(
            form,
            services.stock_receive,
            dealer_id=dealer.pk,
            part_number=data["part_number"],
            quantity=data["quantity"],
            reference=data["reference"],
            shipment_id=data["shipment"],
            user=request.user,
        )
        if change is not None:
            messages.success(request, _receipt_message(change))
            return redirect(_stock_url(dealer))
    return render(
        request,
        "parts/stock/receive.html",
        {"dealer": dealer, "form": form},
        status=400 if form.is_bound else 200,
    )


def _receipt_message(change: services.StockChange) -> str:
    kit = change.balance.kit.part_number
    if change.replayed:
        return f"Packing slip {change.movement.reference} was already received: nothing counted twice."
    given = f"; {change.distributed} waiting vehicle{'s' if change.distributed != 1 else ''} got a kit"
    return (
        f"Received {change.movement.on_hand_delta} × {kit} ({change.balance.available} available"
        + (given if change.distributed else "")
        + ")."
    )


@login_required
@permission_required(selectors.ADJUST, raise_exception=True)
def adjust(request: HttpRequest) -> HttpResponse:
    dealer = _keeping_dealer(request, selectors.ADJUST)
    form = AdjustForm(
        request.POST or None,
        initial={"part_number": request.GET.get("part_number", "")},
        kits=Kit.objects.order_by("part_number"),
    )
    if request.method == "POST" and form.is_valid():
        change = form_call(
            form, services.stock_adjust, dealer_id=dealer.pk, user=request.user, **form.cleaned_data
        )
        if change is not None:
            if change.replayed:
                messages.success(
                    request, f"{change.movement.reference} was already recorded: nothing counted twice."
                )
            else:
                messages.success(
                    request,
                    f"Adjusted {change.balance.kit.part_number} by {change.movement.on_hand_delta:+d} "
                    f"({change.balance.on_hand} on hand, {change.balance.available} available).",
                )
            return redirect(_stock_url(dealer))
    return render(
        request,
        "parts/stock/adjust.html",
        {"dealer": dealer, "form": form},
        status=400 if form.is_bound else 200,
    )
