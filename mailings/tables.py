"""django-tables2 tables of the mailing pages: sortable, paginated, exportable (no owner data)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from mailings.models import Mailing, ReturnedMail

NUMERIC = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
BADGE = {"queued": "secondary", "rendering": "info", "done": "success", "failed": "danger"}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class MailingTable(tables.Table):
    id = tables.Column("Mailing")
    campaign = tables.Column("Campaign", accessor="campaign__code")
    kind = tables.Column("Kind")
    status = tables.Column("Status")
    letters_total = tables.Column("Letters", attrs=NUMERIC)
    letters_done = tables.Column("Rendered", attrs=NUMERIC, default=0)
    skipped_already_mailed = tables.Column("Already mailed", attrs=NUMERIC)
    skipped_undeliverable = tables.Column("Undeliverable", attrs=NUMERIC)
    created_at = tables.Column("Created")
    created_by = tables.Column("By", accessor="created_by__username", default="mailing_send")
    finished_at = tables.Column("Finished", default="")

    class Meta:
        model = Mailing
        fields = (
            "id",
            "campaign",
            "kind",
            "status",
            "letters_total",
            "letters_done",
            "skipped_already_mailed",
            "skipped_undeliverable",
            "created_at",
            "created_by",
            "finished_at",
        )
        order_by = ("-created_at",)
        empty_text = "No mailing yet."
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25

    def render_id(self, record: Mailing) -> str:
        return format_html('<a href="{}">{}</a>', reverse("mailing-detail", args=[record.pk]), record.pk)

    def value_id(self, record: Mailing) -> int:
        return record.pk

    def render_kind(self, record: Mailing) -> str:
        return record.get_kind_display()

    def value_kind(self, record: Mailing) -> str:
        return record.get_kind_display()

    def render_status(self, record: Mailing) -> str:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', BADGE[record.status], record.get_status_display()
        )

    def value_status(self, record: Mailing) -> str:
        return record.get_status_display()

    def render_created_at(self, value) -> str:
        return _when(value)

    def value_created_at(self, value) -> str:
        return _when(value)

    def render_finished_at(self, value) -> str:
        return _when(value)

    def value_finished_at(self, value) -> str:
        return _when(value)


class OwnerNotLocatedTable(tables.Table):
    """Returned letters whose owner is now out of reach: VIN, dealer, the letter, the return."""

    vin = tables.Column("VIN", accessor="letter__vehicle_id", order_by=("letter__vehicle_id",))
    vehicle = tables.Column("Vehicle", accessor="letter__vehicle__model_label", orderable=False)
    campaign = tables.Column("Campaign", accessor="letter__campaign__code")
    dealer = tables.Column(
        "Servicing dealer", accessor="letter__vehicle__servicing__dealer__name", default=""
    )
    mailed_on = tables.Column("Letter mailed", accessor="letter__mailed_on")
    received_on = tables.Column("Returned")
    reason = tables.Column("Why")
    action = tables.TemplateColumn(
        template_name="mailings/_not_located_action.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = ReturnedMail
        fields = ("vin", "vehicle", "campaign", "dealer", "mailed_on", "received_on", "reason")
        sequence = ("vin", "vehicle", "campaign", "dealer", "mailed_on", "received_on", "reason", "action")
        order_by = ("-received_on",)
        empty_text = "No candidates: no open vehicle's letter has come back undeliverable."
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25

    def render_vin(self, value) -> str:
        return format_html('<a class="vin" href="{}?vin={}">{}</a>', reverse("vehicle-record"), value, value)

    def value_vin(self, value) -> str:
        return value

    def render_vehicle(self, record: ReturnedMail) -> str:
        vehicle = record.letter.vehicle
        return f"{vehicle.model_year} {vehicle.model_label}"

    def value_vehicle(self, record: ReturnedMail) -> str:
        return self.render_vehicle(record)

    def render_reason(self, record: ReturnedMail) -> str:
        return record.get_reason_display()

    def value_reason(self, record: ReturnedMail) -> str:
        return record.get_reason_display()
