"""Filters of the reimbursement review queue."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from campaign import vin as vinlib
from repairs.models import ReimbursementRequest

WAITING = "waiting"
STATUS_CHOICES = (
    (WAITING, "Waiting for a decision"),
    *ReimbursementRequest.Status.choices,
)


class ReimbursementQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, empty_label="Any status", method="filter_status"
    )
    vin = django_filters.CharFilter(label="VIN", method="filter_vin")

    class Meta:
        model = ReimbursementRequest
        fields = ("status", "vin")

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == WAITING:
            return queryset.filter(status__in=ReimbursementRequest.UNDECIDED_STATUSES)
        return queryset.filter(status=value)

    def filter_vin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = vinlib.normalise(value)
        return queryset.filter(vehicle_id__startswith=value) if value else queryset
