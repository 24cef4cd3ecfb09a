"""The reimbursement review queue: django-tables2, sortable, paginated, exportable.

No owner column: the queue and its export carry the VIN, dates and amounts only, so
neither needs an owner-data log row; the detail page shows (and logs) the owner.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from repairs.models import ReimbursementRequest

NUMERIC = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
BADGES = {
    "submitted": "text-bg-primary",
    "more_info": "text-bg-warning",
    "approved": "text-bg-success",
    "denied": "text-bg-secondary",
}


class ReimbursementQueueTable(tables.Table):
    reference = tables.Column(
        "Reference",
        accessor="pk",
        order_by=("pk",),
        linkify=lambda record: reverse("reimbursement-review-detail", args=[record.pk]),
    )
    submitted_at = tables.DateTimeColumn(verbose_name="Submitted", format="Y-m-d H:i")
    campaign = tables.Column("Campaign", accessor="campaign__code", order_by=("campaign__code",))
    vehicle = tables.Column("VIN", accessor="vehicle_id", attrs={"td": {"class": "vin"}})
    repair_date = tables.DateColumn(verbose_name="Repair date", format="Y-m-d")
    amount_paid = tables.Column("Paid", attrs=NUMERIC)
    status = tables.Column("Status")
    approved_amount = tables.Column("Approved", attrs=NUMERIC, default="")

    class Meta:
        model = ReimbursementRequest
        fields = (
            "reference",
            "submitted_at",
            "campaign",
            "vehicle",
            "repair_date",
            "amount_paid",
            "status",
            "approved_amount",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "No reimbursement requests match."

    def render_reference(self, record: ReimbursementRequest) -> str:
        return record.reference

    def value_reference(self, record: ReimbursementRequest) -> str:
        return record.reference

    def render_status(self, record: ReimbursementRequest) -> str:
        return format_html(
            '<span class="badge {}">{}</span>', BADGES.get(record.status, ""), record.get_status_display()
        )

    def value_status(self, record: ReimbursementRequest) -> str:
        return record.get_status_display()
