"""The parts dashboard's tables (django-tables2 over the selector's rows): sortable, exportable.

``render_*`` draws links and dashes for the page; ``value_*`` gives the plain figure the
CSV/XLSX export writes. Body and export rows are drawn by ``campaign.table_body``.
"""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from campaign.table_body import FastBodyTable

NUMERIC = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
NOT_AT_RATE = "not at the current rate"


class Count(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        # Not humanize's intcomma: it localises each call (~0.2 ms a cell, a fifth of the page).
        return f"{value:,}"

    def value(self, value):
        return value


class Surplus(Count):
    def render(self, value) -> str:
        css = (
            "text-success" if value > 0 else "text-danger fw-semibold" if value < 0 else "text-body-secondary"
        )
        return format_html('<span class="{}">{}</span>', css, f"{value:+,}" if value else "0")


class DaysOfSupply(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return "–" if value is None else f"{value:,.1f}"

    def value(self, value):
        return "" if value is None else value


class ClearsOn(tables.Column):
    """When the wait-list clears at the last 4 weeks' inbound rate."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, accessor="waiting", orderable=False, **kwargs)

    def render(self, record, table) -> str:
        return _clears(record, table.today)

    def value(self, record, table) -> str:
        return _clears(record, table.today)


def _clears(record, today: dt.date) -> str:
    if record.waiting <= 0:
        return "nothing waiting"
    day = record.clears_on(today)
    return NOT_AT_RATE if day is None else f"{day:%Y-%m-%d}"


class _FiguresTable(FastBodyTable):
    on_hand = Count("On hand")
    reserved = Count("Reserved")
    available = Count("Available")
    inbound = Count("Inbound")
    waitlist = Count("Wait-list")
    waiting_appointments = Count("Waiting appts")
    surplus = Surplus("Surplus")
    consumed_14d = Count("Used (14 d)")
    days_of_supply = DaysOfSupply("Days of supply")
    clears = ClearsOn(verbose_name="Wait-list clears")

    def __init__(self, data, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    class Meta(FastBodyTable.Meta):
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 25


class RegionTable(_FiguresTable):
    region = tables.Column("Region")
    dealers = Count("Dealers")

    class Meta(_FiguresTable.Meta):
        sequence = ("region", "dealers", "...")
        empty_text = "No dealers."

    def render_region(self, record, value) -> str:
        return format_html('<a href="{}">{}</a>', self._region_url(record.region_id), value)

    def _region_url(self, region_id: int) -> str:
        # One reverse() a table, then the id swapped in: the URL pattern is fixed.
        if not hasattr(self, "_region_pattern"):
            self._region_pattern = reverse("parts-dashboard-region", args=[0]).replace("/0/", "/{}/")
        return self._region_pattern.format(region_id)

    def value_region(self, value) -> str:
        return value


class DealerTable(_FiguresTable):
    code = tables.Column("Code", attrs={"td": {"class": "font-monospace"}})
    name = tables.Column("Dealer")
    region = tables.Column("Region")

    class Meta(_FiguresTable.Meta):
        sequence = ("code", "name", "region", "...")
        empty_text = "No dealers in view."

    def render_name(self, record, value) -> str:
        if not hasattr(self, "_dealer_pattern"):
            self._dealer_pattern = reverse("parts-dashboard-dealer", args=[0]).replace("/0/", "/{}/")
        return format_html('<a href="{}">{}</a>', self._dealer_pattern.format(record.dealer_id), value)

    def value_name(self, value) -> str:
        return value


class KitTable(_FiguresTable):
    """A dealer's own page: one row per kit it stocks or waits for."""

    part_number = tables.Column("Kit", attrs={"td": {"class": "font-monospace"}})

    class Meta(_FiguresTable.Meta):
        sequence = ("part_number", "...")
        empty_text = "No stock and nothing waiting at this dealer yet."
