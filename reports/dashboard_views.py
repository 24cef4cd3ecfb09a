"""The completion dashboard, the campaign's control room: national for campaign administrators,
a region for regional staff, the dealer's own for its principal and service manager. One page
(``/reports/``) whose filters narrow it; a thin read of ``dashboard_selectors.completion_board``
with its tables, charts, drill-down links and exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_tables2 import RequestConfig

from campaign.errors import DomainError
from campaign.exports import EXPORT_PARAM, table_export
from campaign.models import Campaign
from dealers.access import user_scope
from repairs.models import WarrantyClaim
from reports.dashboard_filters import CompletionFilter
from reports.dashboard_selectors import VIEW, completion_board, dashboard_dealers_for_user, dashboard_level
from reports.dashboard_tables import BottomTable, DealerTable, GroupTable, RegionTable


def _links(request: HttpRequest, *, campaign: Campaign) -> dict:
    """Where each number leads, for what this user may open (no link to a page they cannot)."""
    user = request.user
    scope = user_scope(user)
    call_list_dealers = scope.dealer_roles.get("service_manager", frozenset()) | scope.dealer_roles.get(
        "dealer_principal", frozenset()
    )
    base = request.GET.copy()
    for key in (EXPORT_PARAM, "table", "page", "d-page", "r-page"):
        base.pop(key, None)
    # Asked once per dealer row: what does not depend on the dealer is worked out once.
    dashboard = reverse("completion-dashboard")
    completed = (
        f"{reverse('repair-order-list')}?{urlencode({'status': 'completed', 'campaign': campaign.pk})}"
        if user.has_perm("repairs.view_repairorder")
        else ""
    )

    def here(**changes) -> str:
        query = base.copy()
        for key, value in changes.items():
            query[key] = value
        return f"{dashboard}?{query.urlencode()}"

    def open_list(dealer) -> str:
        # A dealer's open vehicles not yet booked: its call list, for its own staff.
        if dealer.dealer_id in call_list_dealers:
            return f"{reverse('booking-call-list')}?{urlencode({'dealer': dealer.code})}"
        return ""

    def remedied(dealer) -> str:
        return completed

    def scheduled(dealer) -> str:
        if dealer.dealer_id in call_list_dealers:
            return f"{reverse('booking-calendar')}?{urlencode({'dealer': dealer.code})}"
        return ""

    def claims(status: str, dealer_code: str = "") -> str:
        if not user.has_perm("repairs.view_warrantyclaim"):
            return ""
        query = {"status": status, **({"dealer": dealer_code} if dealer_code else {})}
        return f"{reverse('claim-list')}?{urlencode(query)}"

    return {
        "here": here,
        "dealer": lambda d: here(dealer=d.code),
        "open": open_list,
        "remedied": remedied,
        "scheduled": scheduled,
        "claims": claims,
        "held": reverse("inventory-held") if user.has_perm("dealers.view_inventoryunit") else "",
        "reimbursements": reverse("reimbursement-review")
        if user.has_perm("repairs.view_reimbursementrequest")
        else "",
        "waitlist": reverse("waitlist")
        if user.has_perm("parts.view_kitreservation") and call_list_dealers
        else "",
        "parts": reverse("parts-dashboard") if user.has_perm("parts.view_parts_dashboard") else "",
        "remedy_reports": reverse("remedy-report-schedule", args=[campaign.code])
        if user.has_perm("reports.view_remedy_report")
        else "",
    }


def _charts(board) -> dict:
    ranked = sorted(board.dealers, key=lambda d: (-d.completion, d.code))
    return {
        "weeks": [f"{w:%b %d}" for w in board.weeks],
        "remedied": board.cumulative_remedied,
        "involved": board.cumulative_involved,
        "regions": {
            "labels": [r.label for r in board.regions],
            "completion": [r.completion for r in board.regions],
        },
        "models": {
            "labels": [m.label for m in board.models],
            "completion": [m.completion for m in board.models],
        },
        "years": {
            "labels": [y.label for y in board.years],
            "completion": [y.completion for y in board.years],
        },
        "dealers": {
            "labels": [d.code for d in ranked],
            "names": [d.name for d in ranked],
            "completion": [d.completion for d in ranked],
        },
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def completion_dashboard(request: HttpRequest) -> HttpResponse:
    dealers = dashboard_dealers_for_user(user=request.user)
    level = dashboard_level(user=request.user)
    if level == "dealer" and not dealers.exists():
        raise PermissionDenied("You see the completion of no dealer.")
    filterset = CompletionFilter(request.GET or None, queryset=dealers, user=request.user)
    if filterset.is_bound and not filterset.form.is_valid():
        raise DomainError(
            "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()),
            field="filter",
        )
    options = filterset.cleaned
    campaign = (
        options["campaign"]
        or Campaign.objects.exclude(phase=Campaign.Phase.CLOSED).order_by("-dir_filed_on", "code").first()
        or Campaign.objects.order_by("code").first()
    )
    if campaign is None:
        raise DomainError("No campaign is loaded yet.", code="not_found")
    board = completion_board(
        campaign=campaign,
        dealer_code=options["dealer_code"],
        dealers=filterset.qs,
        every_dealer=level == "national" and not options["narrowed"],
        model=options["model"],
        model_year=options["model_year"],
        date_from=options["date_from"],
        date_to=options["date_to"],
        unserved_weeks=options["unserved_weeks"],
    )
    links = _links(request, campaign=campaign)
    tables = {
        "dealers": DealerTable(board.dealers, links=links, prefix="d-"),
        "regions": RegionTable(board.regions, link=links["here"], prefix="r-"),
        "models": GroupTable(board.models, heading="Model", prefix="m-"),
        "years": GroupTable(board.years, heading="Model year", prefix="y-"),
        "bottom": BottomTable(board.bottom(), links=links, prefix="b-", orderable=False),
    }
    which = request.GET.get("table") or "dealers"
    if request.GET.get(EXPORT_PARAM) and which not in tables:
        raise DomainError(f"This page exports {', '.join(tables)}.", field="table")
    config = RequestConfig(request, paginate={"per_page": 25})
    for name, table in tables.items():
        if name == "bottom":
            RequestConfig(request, paginate=False).configure(table)
        else:
            config.configure(table)
    if response := table_export(request, tables[which], name=f"completion-{campaign.code.lower()}-{which}"):
        return response
    claim_rows = [
        (status, label, *board.claims.get(status, (0, 0.0)), links["claims"](status))
        for status, label in WarrantyClaim.Status.choices
    ]
    context = {
        "board": board,
        "campaign": campaign,
        "filter": filterset,
        "level": level,
        "links": links,
        "claim_rows": claim_rows,
        "unserved_weeks": options["unserved_weeks"],
        "flagged": sum(1 for d in board.dealers if d.forecast and d.forecast.flagged),
        "charts": _charts(board),
        **{f"{k}_table": t for k, t in tables.items()},
    }
    return render(request, "reports/dashboard.html", context)
