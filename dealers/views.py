"""The home page each role lands on after sign-in, and dismissing its notices."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from dealers import selectors
from dealers.access import get_for_user, user_scope
from dealers.forms import VinEntryForm
from dealers.models import Dealer
from dealers.services import notice_dismiss


class CountColumn(tables.Column):
    """A right-aligned count with thousands separators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return intcomma(value)


class RegionDealerTable(tables.Table):
    """The regional dashboard: one row per dealer, counts aggregated in SQL (selectors.region_dealer_counts)."""

    code = tables.Column("Code", attrs={"td": {"class": "font-monospace"}})
    name = tables.Column("Dealer")
    city = tables.Column("City", order_by=("state", "city"))
    state = tables.Column("State")
    affected = CountColumn("Affected")
    open = CountColumn("Open")
    remedied = CountColumn("Remedied")
    completion = tables.Column("Completion", attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 25
        empty_text = "No dealers in your region yet."

    def render_completion(self, record: Dealer) -> str:
        if not record.affected:
            return "–"
        return format_html("{}&nbsp;%", round(record.completion, 1))

    def render_name(self, record: Dealer, value: str) -> str:
        return format_html('<a href="{}?dealer={}">{}</a>', reverse("inventory-held"), record.pk, value)


def _chart_data(rows) -> dict:
    # Dealers are labelled by code (short), regions by name; the tooltip shows the name.
    return {
        "labels": [getattr(d, "code", d.name) for d in rows],
        "names": [d.name for d in rows],
        "open": [d.open for d in rows],
        "remedied": [d.remedied for d in rows],
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user).roles == {"warranty_admin"} and not request.user.is_superuser:
        # The warranty administrator's day is the review queue (its count, the next payment run).
        return redirect("claim-review")
    summary = selectors.home_summary(user=request.user)
    if summary.no_access:
        return render(request, "dealers/home_no_access.html", status=200)

    context: dict = {
        "summary": summary,
        "vin_form": VinEntryForm(action=reverse("vehicle-record"), button_label="Check VIN"),
        "inventory_url": reverse("inventory-list"),
        "held_url": reverse("inventory-held"),
    }
    if summary.is_regional or summary.is_admin:
        dealers = selectors.region_dealer_counts(user=request.user)
        context["regions"] = selectors.region_totals(dealers=dealers)
    if summary.is_regional and not summary.is_admin:
        table = RegionDealerTable(dealers)
        tables.RequestConfig(request, paginate={"per_page": 25}).configure(table)
        context["region_table"] = table
        context["chart"] = _chart_data([row.record for row in table.page.object_list])
    if summary.is_admin:
        campaigns = list(selectors.campaigns_for_admin())
        for c in campaigns:
            c.imports_url = reverse("vin-import-list", kwargs={"code": c.code})
            c.admin_url = reverse("admin:campaign_campaign_change", args=[c.pk])
        context["admin_campaigns"] = campaigns
        context["chart"] = _chart_data(context["regions"])
    return render(request, "dealers/home.html", context)


@require_POST
@login_required
@permission_required("dealers.change_dealernotice", raise_exception=True)
def notice_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_for_user(selectors.notices_for_user(user=request.user), request.user, pk=pk)
    if notice_dismiss(notice=notice, user=request.user):
        messages.success(request, "Notice dismissed for everyone at your dealership.")
    return redirect("home")
