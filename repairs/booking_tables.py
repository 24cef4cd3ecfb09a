"""django-tables2 tables of the booking pages: the call list and a dealer's appointments.

``render_*`` draws badges and links for the page; ``value_*`` gives the plain text the
CSV/XLSX export writes. No column reads anything the selector did not fetch (no per-row query).
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from campaign.models import AffectedVehicle

MONO = {"td": {"class": "vin"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
DASH = mark_safe('<span class="text-body-secondary">–</span>')  # constant markup


class CallListTable(tables.Table):
    """Ranked by risk in SQL (``call_list_for_dealer``); sorting by a column overrides it."""

    vin = tables.Column("VIN", accessor="vehicle__vin", order_by=("vehicle_id",), attrs=MONO)
    model = tables.Column("Model", accessor="vehicle__model_label", order_by=("vehicle__model_label",))
    year = tables.Column("Year", accessor="vehicle__model_year", order_by=("vehicle__model_year",))
    campaign = tables.Column("Campaign", accessor="campaign__code", order_by=("campaign__code",))
    is_symptomatic = tables.Column("Symptomatic", order_by=("-is_symptomatic",))
    stop_sale = tables.Column("Stop sale", order_by=("-stop_sale",))
    # A plain column, not DateTimeColumn: that one renders each cell through a template
    # (measured: a fifth of the table's rendering time at 25 rows).
    added_at = tables.Column("On the list since", attrs=NOWRAP)
    book = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)
    # The parts app's wait-list, by URL name: an owner who cannot come yet waits for a kit.
    wait_list = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "Nobody to call: every open vehicle you service is booked."

    def __init__(self, *args, may_book: bool, may_join: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_book = may_book
        if not may_book:
            self.columns.hide("book")
        if not may_join:
            self.columns.hide("wait_list")

    def render_vin(self, record: AffectedVehicle, value: str) -> str:
        url = f"{reverse('vehicle-record')}?{urlencode({'vin': value})}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_added_at(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d}"

    def value_added_at(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d}"

    def value_vin(self, value: str) -> str:
        return value

    def render_is_symptomatic(self, value: bool) -> str:
        if value:
            return mark_safe(
                '<span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle me-1"></i>Symptomatic</span>'
            )
        return DASH

    def value_is_symptomatic(self, value: bool) -> str:
        return "yes" if value else ""

    def render_stop_sale(self, value: bool) -> str:
        if value:
            return mark_safe(
                '<span class="badge text-bg-warning"><i class="bi bi-sign-stop me-1"></i>Stop sale</span>'
            )
        return DASH

    def value_stop_sale(self, value: bool) -> str:
        return "yes" if value else ""

    def render_book(self, record: AffectedVehicle) -> str:
        query = urlencode({"vin": record.vehicle_id, "campaign": record.campaign.code})
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}?{}"><i class="bi bi-calendar-plus me-1"></i>Book</a>',
            reverse("booking-book"),
            query,
        )

    def render_wait_list(self, record: AffectedVehicle) -> str:
        query = urlencode({"vin": record.vehicle_id, "campaign": record.campaign.code})
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}?{}"><i class="bi bi-hourglass-split me-1"></i>Wait-list</a>',
            reverse("waitlist-join"),
            query,
        )
