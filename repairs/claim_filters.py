"""django-filter filter sets of the claim lists; dealer choices are limited to the user's scope."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from dealers.models import Dealer
from repairs.models import WarrantyClaim


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="VIN or RO", method="filter_q")
    rejection_code = django_filters.ChoiceFilter(
        label="Reason", choices=WarrantyClaim.RejectionCode.choices, empty_label="Any reason"
    )
    dealer = django_filters.ModelChoiceFilter(queryset=Dealer.objects.none(), empty_label="Every dealer")
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label="From"
    )
    submitted_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte", label="To")

    class Meta:
        model = WarrantyClaim
        fields = ("q", "rejection_code", "dealer", "submitted_from", "submitted_to")

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["dealer"].queryset = dealers
        self.form.fields["dealer"].queryset = dealers

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(Q(vehicle__vin__startswith=value) | Q(repair_order__ro_number__iexact=value))
