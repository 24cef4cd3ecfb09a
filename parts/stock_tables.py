"""django-tables2 tables of the stock pages: one line per kit, and a kit's ledger.

``render_*`` draws links and badges; ``value_*`` is the plain text the CSV/XLSX export writes.
No column reads anything the selector did not fetch (no per-row query).
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from campaign.models import Kit
from parts.models import StockMovement

NUM = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class StockTable(tables.Table):
    part_number = tables.Column("Part number", attrs=NOWRAP)
    description = tables.Column("Kit")
    campaign = tables.Column("Campaign", accessor="campaign__code", order_by=("campaign__code",))
    on_hand = tables.Column("On hand", attrs=NUM)
    reserved = tables.Column("Reserved", attrs=NUM)
    available = tables.Column("Available", attrs=NUM)
    inbound = tables.Column("Inbound", attrs=NUM)
    waiting = tables.Column("Waiting", attrs=NUM)
    at_risk = tables.Column("At risk", attrs=NUM)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "No campaign stocks a kit yet."

    def __init__(self, *args, dealer_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.dealer_code = dealer_code

    def render_part_number(self, record: Kit, value: str) -> str:
        url = f"{reverse('parts-stock-kit', args=[record.pk])}?{urlencode({'dealer': self.dealer_code})}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_available(self, value: int) -> str:
        css = "text-danger fw-semibold" if value == 0 else ""
        return format_html('<span class="{}">{}</span>', css, value)

    def render_waiting(self, value: int) -> str:
        if value:
            return format_html('<span class="badge text-bg-warning">{}</span>', value)
        return "0"

    def render_at_risk(self, value: int) -> str:
        if value:
            return format_html(
                '<span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle me-1"></i>{}</span>',
                value,
            )
        return "0"


class MovementTable(tables.Table):
    at = tables.Column("When", attrs=NOWRAP)
    kind = tables.Column("Movement")
    on_hand_delta = tables.Column("On hand ±", attrs=NUM)
    reserved_delta = tables.Column("Reserved ±", attrs=NUM)
    inbound_delta = tables.Column("Inbound ±", attrs=NUM)
    on_hand_after = tables.Column("On hand", attrs=NUM)
    reserved_after = tables.Column("Reserved", attrs=NUM)
    inbound_after = tables.Column("Inbound", attrs=NUM)
    reference = tables.Column("Reference")
    reason = tables.Column("Why", orderable=False)
    by = tables.Column("By", accessor="by__username", order_by=("by__username",), default="system")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 50
        empty_text = "No movement of this kit at this dealer yet."

    def render_at(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def value_at(self, value) -> str:
        return timezone.localtime(value).isoformat(timespec="seconds")

    def render_kind(self, record: StockMovement) -> str:
        return record.get_kind_display()

    def value_kind(self, record: StockMovement) -> str:
        return record.kind

    def _signed(self, value: int) -> str:
        return f"{value:+d}" if value else "–"

    render_on_hand_delta = render_reserved_delta = render_inbound_delta = _signed

    def value_on_hand_delta(self, value: int) -> int:
        return value

    def value_reserved_delta(self, value: int) -> int:
        return value

    def value_inbound_delta(self, value: int) -> int:
        return value
