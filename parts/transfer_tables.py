"""django-tables2 table of the transfer pages: sortable, paginated, exportable."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from parts.models import Transfer

NUMERIC = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
BADGE = {
    "requested": "warning",
    "approved": "info",
    "shipped": "primary",
    "received": "success",
    "declined": "danger",
    "cancelled": "secondary",
}


class TransferTable(tables.Table):
    id = tables.Column("Transfer")
    created_at = tables.Column("Requested")
    kit = tables.Column("Part", accessor="kit__part_number")
    from_dealer = tables.Column("From", accessor="from_dealer__name", order_by=("from_dealer__name",))
    to_dealer = tables.Column("To", accessor="to_dealer__name", order_by=("to_dealer__name",))
    quantity = tables.Column("Kits", attrs=NUMERIC)
    status = tables.Column("Status")
    reference = tables.Column("Reference")
    shipped_at = tables.Column("Shipped", default="")

    class Meta:
        model = Transfer
        fields = (
            "id",
            "created_at",
            "kit",
            "from_dealer",
            "to_dealer",
            "quantity",
            "status",
            "reference",
            "shipped_at",
        )
        order_by = ("-created_at",)
        empty_text = "No transfer here."
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25

    def render_id(self, record: Transfer) -> str:
        return format_html('<a href="{}">{}</a>', reverse("transfer-detail", args=[record.pk]), record.pk)

    def value_id(self, record: Transfer) -> int:
        return record.pk

    def render_created_at(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_created_at(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_shipped_at(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def value_shipped_at(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def render_status(self, record: Transfer) -> str:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', BADGE[record.status], record.get_status_display()
        )

    def value_status(self, record: Transfer) -> str:
        return record.get_status_display()
