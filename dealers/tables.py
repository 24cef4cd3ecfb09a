"""django-tables2 tables of pre-owned inventory: sortable, paginated, exportable to CSV.

``render_*`` draws badges and links for the page; ``value_*`` gives the plain text the
CSV export writes.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dealers.models import InventoryUnit

NUMERIC = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
MONO = {"td": {"class": "vin"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


def _stop_sale_badge(unit: InventoryUnit) -> str:
    if unit.stop_sale:
        return format_html(
            '<span class="badge text-bg-danger" title="Do not deliver until remedied">'
            '<i class="bi bi-sign-stop me-1"></i>Stop sale · {}</span>',
            unit.stop_sale_campaigns,
        )
    return mark_safe('<span class="text-body-secondary">–</span>')  # constant markup


class InventoryTable(tables.Table):
    stock_number = tables.Column(
        "Stock #", linkify=lambda record: reverse("inventory-detail", args=[record.pk])
    )
    vin = tables.Column("VIN", attrs=MONO)
    received_on = tables.DateColumn(verbose_name="Received", format="Y-m-d", attrs=NOWRAP)
    status = tables.Column("Status")
    stop_sale = tables.Column("Stop sale", order_by=("-stop_sale", "stop_sale_since"))
    dealer = tables.Column("Dealer", accessor="dealer__name", order_by=("dealer__name",))

    class Meta:
        model = InventoryUnit
        fields = ("stock_number", "vin", "received_on", "status", "stop_sale", "dealer")
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        row_attrs = {
            "class": lambda record: "table-danger" if record.stop_sale and record.status == "in_stock" else ""
        }
        per_page = 25
        empty_text = "No units match. Add a unit by VIN or upload a CSV."

    def render_stop_sale(self, record: InventoryUnit) -> str:
        return _stop_sale_badge(record)

    def value_stop_sale(self, record: InventoryUnit) -> str:
        return record.stop_sale_campaigns if record.stop_sale else ""

    def render_status(self, record: InventoryUnit) -> str:
        return record.get_status_display()


class HeldUnitTable(tables.Table):
    dealer_code = tables.Column(
        "Dealer code", accessor="dealer__code", attrs={"td": {"class": "font-monospace"}}
    )
    dealer = tables.Column("Dealer", accessor="dealer__name")
    region = tables.Column("Region", accessor="dealer__region__name")
    stock_number = tables.Column(
        "Stock #", linkify=lambda record: reverse("inventory-detail", args=[record.pk])
    )
    vin = tables.Column("VIN", attrs=MONO)
    stop_sale_campaigns = tables.Column("Campaigns")
    stop_sale_since = tables.DateTimeColumn(verbose_name="Held since", format="Y-m-d", attrs=NOWRAP)
    days_held = tables.Column(
        "Days held", accessor="stop_sale_since", order_by=("stop_sale_since",), attrs=NUMERIC
    )
    received_on = tables.DateColumn(verbose_name="Received", format="Y-m-d", attrs=NOWRAP)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "No held units: nothing in stock is affected by an open recall."
        order_by = ("-stop_sale_since",)

    def render_days_held(self, value) -> int:
        return (timezone.now() - value).days

    def value_days_held(self, value) -> int:
        return (timezone.now() - value).days


class HeldCountTable(tables.Table):
    """Held units per dealer, from one GROUP BY query (``held_counts_by_dealer``)."""

    dealer__code = tables.Column("Dealer code", attrs={"td": {"class": "font-monospace"}})
    dealer__name = tables.Column("Dealer")
    location = tables.Column("City", accessor="dealer__city", order_by=("dealer__state", "dealer__city"))
    dealer__region__name = tables.Column("Region")
    held = tables.Column("Held units", attrs=NUMERIC)
    oldest = tables.DateTimeColumn(verbose_name="Held since (oldest)", format="Y-m-d", attrs=NOWRAP)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "No dealer holds a unit on stop sale."

    def render_location(self, record: dict) -> str:
        return f"{record['dealer__city']}, {record['dealer__state']}"

    def value_location(self, record: dict) -> str:
        return f"{record['dealer__city']}, {record['dealer__state']}"

    def value_dealer__name(self, value: str) -> str:
        return value

    def render_dealer__name(self, record: dict, value: str) -> str:
        url = reverse("inventory-held")
        return format_html('<a href="{}?dealer={}">{}</a>', url, record["dealer_id"], value)
