"""django-filter filter set of the allocation list."""

from __future__ import annotations

import django_filters

from parts.models import Allocation


class AllocationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Allocation.Status.choices, empty_label="Any status")
    policy = django_filters.ChoiceFilter(choices=Allocation.Policy.choices, empty_label="Any policy")
    part_number = django_filters.CharFilter(
        field_name="kit__part_number", label="Part number", lookup_expr="iexact"
    )

    class Meta:
        model = Allocation
        fields = ("status", "policy", "part_number")
