"""django-filter filter sets for the inventory and held-unit lists.

Choices are limited to what the user may see (dealers.access); a dealer or region
outside their scope is simply not a valid choice.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaign.models import Campaign
from dealers.models import Dealer, InventoryUnit, Region


def campaign_code_q(code: str) -> Q:
    """Units whose stored "ALE, B0X" campaign list holds ``code`` as a whole item."""
    return (
        Q(stop_sale_campaigns=code)
        | Q(stop_sale_campaigns__startswith=f"{code}, ")
        | Q(stop_sale_campaigns__endswith=f", {code}")
        | Q(stop_sale_campaigns__contains=f", {code}, ")
    )


class InventoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="VIN or stock #", method="filter_q")
    status = django_filters.ChoiceFilter(choices=InventoryUnit.Status.choices, empty_label="Any status")
    stop_sale = django_filters.ChoiceFilter(
        label="Stop sale",
        choices=(("held", "On stop sale"), ("clear", "Not on stop sale")),
        empty_label="All units",
        method="filter_stop_sale",
    )

    class Meta:
        model = InventoryUnit
        fields = ("q", "status", "stop_sale")

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            queryset.filter(Q(vin__icontains=value) | Q(stock_number__icontains=value)) if value else queryset
        )

    def filter_stop_sale(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(stop_sale=(value == "held"))


class HeldFilter(django_filters.FilterSet):
    dealer = django_filters.ModelChoiceFilter(
        label="Dealer", queryset=Dealer.objects.none(), empty_label="All dealers"
    )
    region = django_filters.ModelChoiceFilter(
        label="Region", field_name="dealer__region", queryset=Region.objects.none(), empty_label="All regions"
    )
    campaign = django_filters.ModelChoiceFilter(
        label="Campaign",
        queryset=Campaign.objects.none(),
        to_field_name="code",
        empty_label="Any campaign",
        method="filter_campaign",
    )
    since = django_filters.DateFilter(
        label="Held since (on or after)",
        method="filter_since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = InventoryUnit
        fields = ("dealer", "region", "campaign", "since")

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["dealer"].queryset = dealers.order_by("name")
        self.filters["region"].queryset = (
            Region.objects.filter(dealers__in=dealers).distinct().order_by("name")
        )
        self.filters["campaign"].queryset = Campaign.objects.order_by("code")

    def filter_campaign(self, queryset: QuerySet, name: str, value: Campaign) -> QuerySet:
        return queryset.filter(campaign_code_q(value.code))

    def filter_since(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        return queryset.filter(stop_sale_since__gte=start)
