"""The completion dashboard's tables (django-tables2 over the selector's lines): sortable,
exportable. ``render_*`` draws links for the page; ``value_*`` is what CSV/XLSX write (the
plain figure, no link). Body and export rows are drawn by ``campaign.table_body``."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from campaign.table_body import FastBodyTable

NUMERIC = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class Count(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return f"{value:,}"

    def value(self, value):
        return value


class Percent(Count):
    def render(self, value) -> str:
        return f"{value:.1f} %"


class TargetDate(tables.Column):
    def __init__(self, target: int, *args, **kwargs):
        self.target = target
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(f"{target} % by", *args, accessor="forecast", **kwargs)

    def render(self, value) -> str:
        return value.label(self.target) if value else "–"

    def value(self, value) -> str:
        return value.label(self.target) if value else ""


class Flag(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__("Unserved too long", *args, accessor="forecast", **kwargs)

    def render(self, value, record) -> str:
        if not value or not value.flagged:
            return ""
        weeks = "never at this pace" if value.weeks_to_serve is None else f"{value.weeks_to_serve:,.0f} weeks"
        return format_html(
            '<span class="badge text-bg-danger" data-flagged="{}">{}</span>',
            record.key if hasattr(record, "key") else record.code,
            weeks,
        )

    def value(self, value) -> str:
        if not value or not value.flagged:
            return ""
        return "never" if value.weeks_to_serve is None else f"{value.weeks_to_serve:.0f}"


class _Figures(FastBodyTable):
    involved = Count("Involved")
    remedied = Count("Remedied")
    open = Count("Open")
    not_needed = Count("Not needed")
    unreachable = Count("Unreachable")
    completion = Percent("Completion")

    class Meta(FastBodyTable.Meta):
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        orderable = True


class GroupTable(_Figures):
    label = tables.Column("")

    class Meta(_Figures.Meta):
        sequence = ("label", "...")
        per_page = 50

    def __init__(self, *args, heading: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["label"].column.verbose_name = heading


class RegionTable(GroupTable):
    weekly_rate = Count("Per week (8 wk)")
    target_50 = TargetDate(50)
    target_75 = TargetDate(75)
    target_90 = TargetDate(90)

    class Meta(GroupTable.Meta):
        sequence = ("label", "...")

    def __init__(self, *args, link, **kwargs):
        self.link = link
        super().__init__(*args, heading="Region", **kwargs)

    def render_label(self, record, value) -> str:
        return format_html('<a href="{}">{}</a>', self.link(region=record.key), value)

    def value_label(self, value) -> str:
        return value

    def render_weekly_rate(self, value) -> str:
        return f"{value:,.1f}"

    def value_weekly_rate(self, value) -> float:
        return round(value, 1)


class DealerTable(_Figures):
    code = tables.Column("Code", attrs={"td": {"class": "font-monospace"}})
    name = tables.Column("Dealer")
    region = tables.Column("Region")
    scheduled = Count("Scheduled")
    waiting_parts = Count("Waiting for parts")
    weekly_rate = Count("Per week (8 wk)")
    target_50 = TargetDate(50)
    target_75 = TargetDate(75)
    target_90 = TargetDate(90)
    kits_needed = Count("Kits still needed")
    flag = Flag()

    class Meta(_Figures.Meta):
        sequence = ("code", "name", "region", "...")
        per_page = 25
        empty_text = "No dealers in view."

    def __init__(self, *args, links, **kwargs):
        self.links = links
        super().__init__(*args, **kwargs)

    def render_name(self, record, value) -> str:
        return format_html('<a href="{}">{}</a>', self.links["dealer"](record), value)

    def render_open(self, record, value) -> str:
        url = self.links["open"](record)
        return format_html('<a href="{}">{}</a>', url, f"{value:,}") if url else f"{value:,}"

    def render_remedied(self, record, value) -> str:
        url = self.links["remedied"](record)
        return format_html('<a href="{}">{}</a>', url, f"{value:,}") if url else f"{value:,}"

    def render_scheduled(self, record, value) -> str:
        url = self.links["scheduled"](record)
        return format_html('<a href="{}">{}</a>', url, f"{value:,}") if url else f"{value:,}"

    def render_weekly_rate(self, value) -> str:
        return f"{value:,.1f}"

    # The export's figures: what the links above show, without the links.
    def value_name(self, value) -> str:
        return value

    def value_open(self, value) -> int:
        return value

    value_remedied = value_scheduled = value_open

    def value_weekly_rate(self, value) -> float:
        return round(value, 1)


class BottomTable(DealerTable):
    """The ten dealers furthest behind: the figures that say why, fewer columns to draw."""

    class Meta(DealerTable.Meta):
        exclude = ("not_needed", "scheduled", "waiting_parts", "target_50", "target_75", "kits_needed")
