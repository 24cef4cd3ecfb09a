"""The parts dashboard's filters: a region (of the user's) and a kit.

The region narrows the dealers in view; the kit narrows every figure to one part number, so
the filter set filters dealers and hands the kit to the selector (``kit_id``).
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from campaign.models import Kit
from dealers.access import regions_for_user
from dealers.models import Dealer


class PartsDashboardFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(queryset=None, empty_label="All regions")
    kit = django_filters.ModelChoiceFilter(
        queryset=Kit.objects.select_related("campaign"),
        label="Kit",
        empty_label="All kits",
        method="filter_kit",
    )

    class Meta:
        model = Dealer
        fields = ("region", "kit")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for_user(user)

    def filter_kit(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the kit narrows the figures, not the dealers: see kit_id

    @property
    def kit_id(self) -> int | None:
        kit = self.form.cleaned_data.get("kit") if self.is_bound and self.form.is_valid() else None
        return kit.pk if kit else None
