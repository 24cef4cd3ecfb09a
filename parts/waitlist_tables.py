"""django-tables2 tables of the wait-list pages: the dealer's line for kits, and whom to call.

``render_*`` draws badges and links; ``value_*`` gives the export's plain text. No column
reads anything the selector did not fetch (no per-row query).
"""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from parts.models import KitReservation, PartsArrivedNotice
from repairs.models import Appointment

MONO = {"td": {"class": "vin"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
DASH = mark_safe('<span class="text-body-secondary">–</span>')  # constant markup
SYMPTOMATIC = mark_safe(
    '<span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle me-1"></i>Symptomatic</span>'
)
CONTACT = dict(Appointment.ContactPreference.choices)
STOP_SALE = mark_safe(
    '<span class="badge text-bg-warning"><i class="bi bi-sign-stop me-1"></i>Stop sale</span>'
)


def _vin_link(vin: str) -> str:
    return format_html('<a href="{}?{}">{}</a>', reverse("vehicle-record"), urlencode({"vin": vin}), vin)


def _local_day(record: KitReservation) -> str:
    """The appointment's date in its dealer's zone (the dealer is the reservation's)."""
    return f"{record.appointment.start_at.astimezone(ZoneInfo(record.dealer.time_zone)):%Y-%m-%d}"


def _days_since(value) -> int:
    return (timezone.now() - value).days


class WaitlistTable(tables.Table):
    """In priority order (``waitlist_for_dealer``); sorting by a column overrides it."""

    vin = tables.Column("VIN", accessor="vehicle__vin", order_by=("vehicle_id",), attrs=MONO)
    model = tables.Column("Model", accessor="vehicle__model_label", order_by=("vehicle__model_label",))
    year = tables.Column("Year", accessor="vehicle__model_year", order_by=("vehicle__model_year",))
    symptomatic = tables.Column("Symptomatic", order_by=("-symptomatic",))
    stop_sale = tables.Column("Stop sale", order_by=("-stop_sale",))
    waited = tables.Column("Waited (days)", accessor="queued_at", order_by=("queued_at",), attrs=NOWRAP)
    status = tables.Column("Status")
    kit = tables.Column("Kit", accessor="kit__part_number", order_by=("kit__part_number",), attrs=MONO)
    appointment = tables.Column("Appointment", accessor="appointment_id", order_by=("appointment__start_at",))
    withdraw = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "Nobody is waiting for a kit here."

    def __init__(self, *args, may_withdraw: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_withdraw:
            self.columns.hide("withdraw")

    def render_vin(self, value: str) -> str:
        return _vin_link(value)

    def value_vin(self, value: str) -> str:
        return value

    def render_symptomatic(self, value: bool) -> str:
        return SYMPTOMATIC if value else DASH

    def value_symptomatic(self, value: bool) -> str:
        return "yes" if value else ""

    def render_stop_sale(self, value: bool) -> str:
        return STOP_SALE if value else DASH

    def value_stop_sale(self, value: bool) -> str:
        return "yes" if value else ""

    def render_waited(self, value) -> int:
        return _days_since(value)

    def value_waited(self, value) -> int:
        return _days_since(value)

    def render_status(self, record: KitReservation) -> str:
        css = "text-bg-success" if record.status == KitReservation.Status.RESERVED else "text-bg-secondary"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def value_status(self, record: KitReservation) -> str:
        return record.get_status_display()

    def render_appointment(self, record: KitReservation, value: int) -> str:
        return format_html('<a href="{}">{}</a>', reverse("booking-detail", args=[value]), _local_day(record))

    def value_appointment(self, record: KitReservation, value: int) -> str:
        return _local_day(record)

    def render_withdraw(self, record: KitReservation) -> str:
        if record.appointment_id:
            return ""  # booked: the appointment's cancellation releases the kit
        return format_html(
            '<a class="btn btn-sm btn-outline-danger" href="{}">Withdraw</a>',
            reverse("waitlist-withdraw", args=[record.pk]),
        )


class ToCallTable(tables.Table):
    """Owners whose kit arrived, oldest first: book them (one click) or record the call."""

    vin = tables.Column(
        "VIN", accessor="reservation__vehicle__vin", order_by=("reservation__vehicle_id",), attrs=MONO
    )
    model = tables.Column(
        "Model", accessor="reservation__vehicle__model_label", order_by=("reservation__vehicle__model_label",)
    )
    kit = tables.Column("Kit", accessor="reservation__kit__part_number", attrs=MONO)
    symptomatic = tables.Column("Symptomatic", accessor="reservation__symptomatic")
    contact = tables.Column("Contact by", accessor="reservation__contact_preference", orderable=False)
    created_at = tables.Column("Kit arrived", attrs=NOWRAP)
    book = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)
    called = tables.TemplateColumn(
        template_name="parts/waitlist/_called_button.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "Nobody to call: no kit has arrived for a waiting owner."

    def __init__(self, *args, may_book: bool, may_mark: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_book:
            self.columns.hide("book")
        if not may_mark:
            self.columns.hide("called")

    def render_vin(self, value: str) -> str:
        return _vin_link(value)

    def value_vin(self, value: str) -> str:
        return value

    def render_symptomatic(self, value: bool) -> str:
        return SYMPTOMATIC if value else DASH

    def value_symptomatic(self, value: bool) -> str:
        return "yes" if value else ""

    def render_contact(self, value: str) -> str:
        return CONTACT.get(value, value)

    def value_contact(self, value: str) -> str:
        return CONTACT.get(value, value)

    def render_created_at(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def value_created_at(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_book(self, record: PartsArrivedNotice) -> str:
        reservation = record.reservation
        if reservation.appointment_id:
            return format_html(
                '<a class="btn btn-sm btn-outline-primary" href="{}">Appointment</a>',
                reverse("booking-detail", args=[reservation.appointment_id]),
            )
        query = urlencode({"vin": reservation.vehicle_id, "campaign": reservation.campaign.code})
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}?{}"><i class="bi bi-calendar-plus me-1"></i>Book</a>',
            reverse("booking-book"),
            query,
        )
