"""The repair-order list as a django-tables2 table (sortable, paginated, exportable)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse

from repairs.models import RepairOrder

MONO = {"td": {"class": "vin"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class RepairOrderTable(tables.Table):
    ro_number = tables.Column("RO", linkify=lambda record: reverse("repair-order-detail", args=[record.pk]))
    vehicle_id = tables.Column("VIN", attrs=MONO)
    campaign = tables.Column("Campaign", accessor="campaign__code", order_by=("campaign__code",))
    labor_operation = tables.Column("Labor op")
    status = tables.Column("Status")
    opened_at = tables.DateTimeColumn(verbose_name="Opened", format="Y-m-d H:i", attrs=NOWRAP)
    completed_on = tables.DateColumn(verbose_name="Completed", format="Y-m-d", attrs=NOWRAP)
    dealer = tables.Column("Dealer", accessor="dealer__name", order_by=("dealer__name",))

    class Meta:
        model = RepairOrder
        fields = (
            "ro_number",
            "vehicle_id",
            "campaign",
            "labor_operation",
            "status",
            "opened_at",
            "completed_on",
            "dealer",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        per_page = 25
        empty_text = "No repair orders here."

    def render_status(self, record: RepairOrder) -> str:
        return record.get_status_display()
