"""django-filter filter set of a kit's ledger: its movements by kind."""

from __future__ import annotations

import django_filters

from parts.models import StockMovement


class MovementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label="Movement", choices=StockMovement.Kind.choices, empty_label="Every kind"
    )

    class Meta:
        model = StockMovement
        fields = ("kind",)
