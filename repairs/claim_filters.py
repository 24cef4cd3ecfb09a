"""django-filter filter sets of the claim lists; dealer choices are limited to the user's scope."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from repairs.models import WarrantyClaim


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="VIN or RO", method="filter_q")
    rejection_code = django_filters.ChoiceFilter(
        label="Reason", choices=WarrantyClaim.RejectionCode.choices, empty_label="Any reason"
    )
    # A code, not a select of every dealer: 1,400 options would cost the national list more than its rows.
    dealer = django_filters.CharFilter(field_name="dealer__code", label="Dealer code", method="filter_dealer")
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label="From"
    )
    submitted_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte", label="To")

    class Meta:
        model = WarrantyClaim
        fields = ("q", "rejection_code", "dealer", "submitted_from", "submitted_to")

    def filter_dealer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The list is already scoped: a code outside the user's scope simply matches nothing.
        return queryset.filter(dealer__code=value.strip()) if value.strip() else queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(Q(vehicle__vin__startswith=value) | Q(repair_order__ro_number__iexact=value))
