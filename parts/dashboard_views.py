"""The parts dashboard pages: national → region → dealer, each a thin read of
``parts.dashboard_selectors.parts_dashboard`` with its tables, charts and exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_tables2 import RequestConfig

from campaign.errors import DomainError
from campaign.exports import EXPORT_PARAM, table_export
from dealers.access import get_for_user
from parts.dashboard_filters import PartsDashboardFilter
from parts.dashboard_selectors import (
    Dashboard,
    dashboard_dealers_for_user,
    dashboard_level,
    parts_dashboard,
    region_for_dashboard,
)
from parts.dashboard_tables import DealerTable, KitTable, RegionTable

VIEW_DASHBOARD = "parts.view_parts_dashboard"
CHART_DEALERS = 25  # the misallocation chart of a region: its dealers furthest out of balance


def _charts(board: Dashboard, *, groups: list) -> dict:
    return {
        "weeks": [f"{w:%b %d}" for w in board.weeks],
        "consumption": board.weekly_consumption,
        "labels": [g[0] for g in groups],
        "names": [g[1] for g in groups],
        "available": [g[2].available for g in groups],
        "waiting": [g[2].waiting for g in groups],
    }


def _export_or_render(request, *, tables: dict, name: str, template: str, context: dict) -> HttpResponse:
    which = request.GET.get("table") or next(iter(tables))
    if request.GET.get(EXPORT_PARAM) and which not in tables:
        raise DomainError(f"This page exports {' or '.join(tables)}.", field="table")
    config = RequestConfig(request, paginate={"per_page": 25})
    for table in tables.values():
        config.configure(table)
    if response := table_export(request, tables[which], name=f"{name}-{which}"):
        return response
    return render(request, template, {**context, **{f"{k}_table": t for k, t in tables.items()}})


def _board_page(request: HttpRequest, *, dealers, region=None) -> HttpResponse:
    filterset = PartsDashboardFilter(request.GET or None, queryset=dealers, user=request.user)
    board = parts_dashboard(dealers=filterset.qs, kit_id=filterset.kit_id)
    regions = RegionTable(board.regions, today=board.today, prefix="r-")
    dealer_table = DealerTable(board.rows, today=board.today, prefix="d-")
    if region is None and len(board.regions) > 1:
        tables = {"regions": regions, "dealers": dealer_table}
        groups = [(r.region, r.region, r) for r in board.regions]
    else:
        tables = {"dealers": dealer_table}
        out_of_balance = sorted(board.rows, key=lambda r: (-abs(r.surplus), r.code))[:CHART_DEALERS]
        groups = [(r.code, r.name, r) for r in out_of_balance]
    context = {
        "board": board,
        "filter": filterset,
        "region": region,
        "level": "region" if region else dashboard_level(user=request.user),
        # Fixed top-ten lists, not sortable tables: plain markup (django-tables2 costs ~0.1 ms a cell).
        "surpluses": board.surpluses(),
        "shortfalls": board.shortfalls(),
        "charts": _charts(board, groups=groups),
        "clears_on": board.total.clears_on(board.today),
        "show_region": region is None,
    }
    name = f"parts-dashboard-region-{region.code.lower()}" if region else "parts-dashboard"
    return _export_or_render(
        request, tables=tables, name=name, template="parts/dashboard/board.html", context=context
    )


@login_required
@permission_required(VIEW_DASHBOARD, raise_exception=True)
def parts_dashboard_view(request: HttpRequest) -> HttpResponse:
    dealers = dashboard_dealers_for_user(user=request.user)
    if dashboard_level(user=request.user) == "dealer":
        own = list(dealers.values_list("pk", flat=True)[:2])
        if len(own) == 1:  # a principal or parts manager of one dealer: their own dashboard
            return redirect("parts-dashboard-dealer", pk=own[0])
    return _board_page(request, dealers=dealers)


@login_required
@permission_required(VIEW_DASHBOARD, raise_exception=True)
def parts_dashboard_region_view(request: HttpRequest, pk: int) -> HttpResponse:
    region = region_for_dashboard(user=request.user, pk=pk)
    if region is None:
        raise Http404("No such region.")
    return _board_page(
        request, dealers=dashboard_dealers_for_user(user=request.user).filter(region=region), region=region
    )


@login_required
@permission_required(VIEW_DASHBOARD, raise_exception=True)
def parts_dashboard_dealer_view(request: HttpRequest, pk: int) -> HttpResponse:
    dealers = dashboard_dealers_for_user(user=request.user)
    dealer = get_for_user(dealers.select_related("region"), request.user, dealer_path="self", pk=pk)
    filterset = PartsDashboardFilter(
        request.GET or None, queryset=dealers.filter(pk=dealer.pk), user=request.user
    )
    board = parts_dashboard(dealers=dealers.filter(pk=dealer.pk), kit_id=filterset.kit_id, by_kit=True)
    kits = KitTable(board.rows, today=board.today, prefix="k-")
    context = {
        "board": board,
        "filter": filterset,
        "dealer": dealer,
        "may_see_region": region_for_dashboard(user=request.user, pk=dealer.region_id) is not None,
        "charts": _charts(board, groups=[(r.part_number, r.part_number, r) for r in board.rows]),
        "clears_on": board.total.clears_on(board.today),
    }
    return _export_or_render(
        request,
        tables={"kits": kits},
        name=f"parts-dashboard-{dealer.code.lower()}",
        template="parts/dashboard/dealer.html",
        context=context,
    )
