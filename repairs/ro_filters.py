"""The repair-order list's filters: the state tabs, a VIN or RO number, the campaign."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from campaign.models import Campaign
from repairs.models import RepairOrder


class RepairOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RepairOrder.Status.choices, empty_label="Any state")
    q = django_filters.CharFilter(label="VIN or RO number", method="filter_q")
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), empty_label="All campaigns")

    class Meta:
        model = RepairOrder
        fields = ("status", "q", "campaign")

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        return (
            queryset.filter(Q(vehicle_id__icontains=value) | Q(ro_number__icontains=value))
            if value
            else queryset
        )
