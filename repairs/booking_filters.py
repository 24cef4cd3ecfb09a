"""django-filter filter set of the call list."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from campaign.models import AffectedVehicle, CoveredModel

YES_NO = (("yes", "Yes"), ("no", "No"))


class CallListFilter(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(
        label="Model", field_name="vehicle__model_label", choices=(), empty_label="Any model"
    )
    year = django_filters.ChoiceFilter(
        label="Model year", field_name="vehicle__model_year", choices=(), empty_label="Any year"
    )
    stop_sale = django_filters.ChoiceFilter(
        label="Stop sale", choices=YES_NO, method="filter_flag", empty_label="Any"
    )
    symptomatic = django_filters.ChoiceFilter(
        label="Symptomatic", choices=YES_NO, method="filter_flag", empty_label="Any"
    )

    class Meta:
        model = AffectedVehicle
        fields = ("model", "year", "stop_sale", "symptomatic")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The covered models' labels and years: a short list, one query, not a scan of the fleet.
        covered = list(CoveredModel.objects.values_list("model_label", "model_year").distinct())
        self.filters["model"].extra["choices"] = [(m, m) for m in sorted({m for m, _ in covered})]
        self.filters["year"].extra["choices"] = [(y, y) for y in sorted({y for _, y in covered})]

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        column = "is_symptomatic" if name == "symptomatic" else "stop_sale"
        return queryset.filter(**{column: value == "yes"})
