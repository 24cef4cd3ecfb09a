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
    kind = tables.Column("Message", attrs={"td": {"class": "small"}})
    channel = tables.Column("Channel")
    recipient = tables.Column("To", orderable=False)
    vin = tables.Column("VIN", accessor="vehicle_id", attrs={"td": {"class": "vin"}})
    dealer = tables.Column("Dealer", accessor="dealer__code", order_by=("dealer__code",))
    status = tables.Column("Status")
    attempts = tables.Column("Tries", attrs={"td": {"class": "text-end"}})
    sent_at = tables.Column("Sent", attrs={"td": {"class": "text-nowrap"}})
    # In the export only (long; of use to whoever asks the provider about one message). The note
    # (the last error, or why nothing was sent) shows on the page under the status.
    provider_id = tables.Column("Provider id", orderable=False, visible=False)
    last_error = tables.Column("Note", orderable=False, visible=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 50
        empty_text = "No messages match."

    def render_created_at(self, value) -> str:
        return _when(value)

    def value_created_at(self, value) -> str:
        return _when(value)

    def render_sent_at(self, record: Message, value) -> str:
        # Most go within seconds of being written: the time alone, unless another day.
        if value and timezone.localdate(value) == timezone.localdate(record.created_at):
            return f"{timezone.localtime(value):%H:%M}"
        return _when(value)

    def value_sent_at(self, value) -> str:
        return _when(value)

    def render_kind(self, record: Message) -> str:
        return record.get_kind_display()

    def value_kind(self, record: Message) -> str:
        return record.get_kind_display()

    def render_channel(self, record: Message) -> str:
        icon, label = ("bi-envelope", "E-mail") if record.channel == "email" else ("bi-phone", "Text")
        return format_html('<span class="text-nowrap"><i class="bi {} me-1"></i>{}</span>', icon, label)

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
        badge = format_html(
            '<span class="badge {}">{}</span>', STATUS_CSS.get(record.status, ""), record.get_status_display()
        )
        if not record.last_error:
            return badge
        note = record.last_error
        short = note if len(note) <= 40 else note[:39] + "…"
        return format_html('{}<div class="small text-body-secondary" title="{}">{}</div>', badge, note, short)

    def value_status(self, record: Message) -> str:
        return record.get_status_display()

    def value_last_error(self, value: str) -> str:
        return value
