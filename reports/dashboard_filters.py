"""The completion dashboard's filters: campaign, region, dealer, model, model year, date range,
and N (the weeks beyond which a dealer's pace leaves owners unserved too long).

Region and dealer narrow the dealers in view (among the user's own); the others narrow the
figures and are handed to the selector from ``cleaned``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet

from campaign.models import Campaign, CoveredModel
from dealers.access import regions_for_user
from dealers.models import Dealer


class CompletionFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label="Campaign",
        queryset=Campaign.objects.order_by("code"),
        to_field_name="code",
        empty_label=None,
        method="keep",
    )
    region = django_filters.ModelChoiceFilter(label="Region", queryset=None, empty_label="All regions")
    # A code, not a list of every dealer: drawing 230 <option>s cost ~50 ms of the national page.
    dealer = django_filters.CharFilter(
        label="Dealer code", method="one_dealer", widget=forms.TextInput(attrs={"placeholder": "e.g. 71018"})
    )
    model = django_filters.ChoiceFilter(label="Model", choices=(), empty_label="All models", method="keep")
    year = django_filters.ChoiceFilter(label="Model year", choices=(), empty_label="All years", method="keep")
    date_from = django_filters.DateFilter(
        label="From", method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="To", method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = django_filters.NumberFilter(
        label="Flag beyond (weeks)", method="keep", min_value=1, max_value=520
    )

    class Meta:
        model = Dealer
        fields = ("campaign", "region", "dealer", "model", "year", "date_from", "date_to", "weeks")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for_user(user)
        covered = list(CoveredModel.objects.values_list("model_label", "model_year").distinct())
        self.filters["model"].extra["choices"] = [(m, m) for m in sorted({m for m, _ in covered})]
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in sorted({y for _, y in covered})]

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # narrows the figures, not the dealers (see ``cleaned``)

    def one_dealer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(code=value.strip())

    @property
    def cleaned(self) -> dict:
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return {
            "campaign": data.get("campaign"),
            "model": data.get("model") or "",
            "model_year": int(data["year"]) if data.get("year") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "unserved_weeks": int(data.get("weeks") or settings.UNSERVED_WEEKS_FLAG),
            "dealer_code": (data.get("dealer") or "").strip(),
            "narrowed": bool(data.get("region") or (data.get("dealer") or "").strip()),
        }
