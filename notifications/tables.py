"""The message log's table. The recipient is owner data (an owner's e-mail or phone): the log
shows it masked, so the list itself needs no owner-data access; the vehicle record, whose view
is logged, shows it whole."""

from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from notifications.models import Message

STATUS_CSS = {
    Message.Status.SENT: "text-bg-success",
    Message.Status.FAILED: "text-bg-danger",
    Message.Status.SKIPPED: "text-bg-secondary",
    Message.Status.QUEUED: "text-bg-info",
    Message.Status.SENDING: "text-bg-warning",
}


def recipient_masked(value: str) -> str:
    """j•••@example.com, •••1234: enough to tell two apart, not to contact anyone."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"•••{value[-4:]}" if len(value) > 4 else "•••"


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class MessageTable(tables.Table):
    created_at = tables.Column("Written", attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column("Message")
    channel = tables.Column("Channel")
    recipient = tables.Column("To", orderable=False)
    vin = tables.Column("VIN", accessor="vehicle_id", attrs={"td": {"class": "vin"}})
    dealer = tables.Column("Dealer", accessor="dealer__code", order_by=("dealer__code",))
    status = tables.Column("Status")
    attempts = tables.Column("Attempts", attrs={"td": {"class": "text-end"}})
    sent_at = tables.Column("Sent", attrs={"td": {"class": "text-nowrap"}})
    provider_id = tables.Column(
        "Provider id", orderable=False, attrs={"td": {"class": "small font-monospace"}}
    )
    last_error = tables.Column("Last error / why not sent", orderable=False, attrs={"td": {"class": "small"}})

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 50
        empty_text = "No messages match."

    def render_created_at(self, value) -> str:
        return _when(value)

    def value_created_at(self, value) -> str:
        return _when(value)

    def render_sent_at(self, value) -> str:
        return _when(value)

    def value_sent_at(self, value) -> str:
        return _when(value)

    def render_kind(self, record: Message) -> str:
        return record.get_kind_display()

    def value_kind(self, record: Message) -> str:
        return record.get_kind_display()

    def render_channel(self, record: Message) -> str:
        icon = "bi-envelope" if record.channel == "email" else "bi-phone"
        return format_html('<i class="bi {} me-1"></i>{}', icon, record.get_channel_display())

    def value_channel(self, record: Message) -> str:
        return record.get_channel_display()

    def render_recipient(self, value: str) -> str:
        return recipient_masked(value)

    def value_recipient(self, value: str) -> str:
        return recipient_masked(value)

    def render_vin(self, value: str) -> str:
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("vehicle-record"), urlencode({"vin": value}), value
        )

    def value_vin(self, value: str) -> str:
        return value

    def render_status(self, record: Message) -> str:
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_CSS.get(record.status, ""), record.get_status_display()
        )

    def value_status(self, record: Message) -> str:
        return record.get_status_display()

    def render_last_error(self, value: str) -> str:
        return value[:160]
