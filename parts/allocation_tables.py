"""django-tables2 tables of the allocation and inbound pages: sortable, paginated, exportable."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from parts.models import Allocation, AllocationLine, InboundShipment

NUMERIC = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
TEMPLATE = "django_tables2/bootstrap5-responsive.html"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class AllocationTable(tables.Table):
    id = tables.Column("Allocation")
    created_at = tables.Column("Created")
    kit = tables.Column("Part", accessor="kit__part_number")
    region = tables.Column("Region", accessor="region__name", default="National")
    policy = tables.Column("Policy")
    quantity = tables.Column("Kits", attrs=NUMERIC)
    allocated = tables.Column("Allocated", attrs=NUMERIC, default=0)
    dealer_count = tables.Column("Dealers", attrs=NUMERIC)
    status = tables.Column("Status")
    created_by = tables.Column("By", accessor="created_by__username", default="")
    confirmed_at = tables.Column("Confirmed", default="")

    class Meta:
        model = Allocation
        fields = (
            "id",
            "created_at",
            "kit",
            "region",
            "policy",
            "quantity",
            "allocated",
            "dealer_count",
            "status",
            "created_by",
            "confirmed_at",
        )
        order_by = ("-created_at",)
        empty_text = "No allocation yet."
        attrs = TABLE_ATTRS
        template_name = TEMPLATE
        per_page = 25

    def render_id(self, record: Allocation) -> str:
        return format_html('<a href="{}">{}</a>', reverse("allocation-detail", args=[record.pk]), record.pk)

    def value_id(self, record: Allocation) -> int:
        return record.pk

    def render_created_at(self, value) -> str:
        return _when(value)

    def value_created_at(self, value) -> str:
        return _when(value)

    def render_confirmed_at(self, value) -> str:
        return _when(value)

    def value_confirmed_at(self, value) -> str:
        return _when(value)

    def render_status(self, record: Allocation) -> str:
        css = "success" if record.status == Allocation.Status.CONFIRMED else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_status_display())

    def value_status(self, record: Allocation) -> str:
        return record.get_status_display()


class AllocationLineTable(tables.Table):
    """A confirmed allocation's lines (a draft shows them as the edit formset)."""

    code = tables.Column("Dealer code", accessor="dealer__code")
    dealer = tables.Column("Dealer", accessor="dealer__name")
    demand = tables.Column("Demand", attrs=NUMERIC)
    on_hand = tables.Column("On hand", attrs=NUMERIC)
    available = tables.Column("Available", attrs=NUMERIC)
    inbound = tables.Column("Inbound", attrs=NUMERIC)
    days_of_supply = tables.Column("Days of supply", attrs=NUMERIC, default="–")
    proposed = tables.Column("Proposed", attrs=NUMERIC)
    quantity = tables.Column("Allocated", attrs=NUMERIC)

    class Meta:
        model = AllocationLine
        fields = (
            "code",
            "dealer",
            "demand",
            "on_hand",
            "available",
            "inbound",
            "days_of_supply",
            "proposed",
            "quantity",
        )
        order_by = ("-quantity",)
        empty_text = "No dealer needs or holds this kit."
        attrs = TABLE_ATTRS
        template_name = TEMPLATE
        per_page = 50


class InboundShipmentTable(tables.Table):
    created_at = tables.Column("Announced")
    dealer = tables.Column("Dealer", accessor="dealer__name", order_by=("dealer__name",))
    kit = tables.Column("Part", accessor="kit__part_number")
    description = tables.Column("Description", accessor="kit__description", orderable=False)
    quantity = tables.Column("Kits", attrs=NUMERIC)
    received_quantity = tables.Column("Received", attrs=NUMERIC)
    outstanding_quantity = tables.Column("To come", attrs=NUMERIC)
    reference = tables.Column("Reference")
    expected_on = tables.DateColumn(verbose_name="Expected", format="Y-m-d", default="")

    class Meta:
        model = InboundShipment
        fields = (
            "created_at",
            "dealer",
            "kit",
            "description",
            "quantity",
            "received_quantity",
            "outstanding_quantity",
            "reference",
            "expected_on",
        )
        order_by = ("expected_on", "created_at")
        empty_text = "Nothing is on its way."
        attrs = TABLE_ATTRS
        template_name = TEMPLATE
        per_page = 25

    def render_created_at(self, value) -> str:
        return _when(value)

    def value_created_at(self, value) -> str:
        return _when(value)
