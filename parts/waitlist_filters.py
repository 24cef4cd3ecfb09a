"""django-filter filter set of the dealer's wait-list."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from parts.models import KitReservation

YES_NO = (("yes", "Yes"), ("no", "No"))
KINDS = (("list", "On the wait-list"), ("appointment", "Booked, waiting for the kit"))


class WaitlistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=KitReservation.Status.choices[:2], empty_label="Waiting or reserved"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=KINDS, method="filter_kind", empty_label="Any")
    symptomatic = django_filters.ChoiceFilter(
        label="Symptomatic", choices=YES_NO, method="filter_flag", empty_label="Any"
    )
    stop_sale = django_filters.ChoiceFilter(
        label="Stop sale", choices=YES_NO, method="filter_flag", empty_label="Any"
    )
    vin = django_filters.CharFilter(label="VIN", field_name="vehicle_id", lookup_expr="icontains")

    class Meta:
        model = KitReservation
        fields = ("status", "kind", "symptomatic", "stop_sale", "vin")

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(appointment__isnull=value == "list")

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{name: value == "yes"})
