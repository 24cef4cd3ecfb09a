"""django-filter filter sets of the mailing pages."""

from __future__ import annotations

import django_filters

from campaign.models import Campaign
from mailings.models import Mailing, ReturnedMail


class MailingFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label="Campaign", queryset=Campaign.objects.order_by("code"), to_field_name="code", empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Mailing.Kind.choices, empty_label="Any")
    status = django_filters.ChoiceFilter(label="Status", choices=Mailing.Status.choices, empty_label="Any")

    class Meta:
        model = Mailing
        fields = ("campaign", "kind", "status")


class OwnerNotLocatedFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label="Campaign",
        field_name="letter__campaign",
        queryset=Campaign.objects.order_by("code"),
        to_field_name="code",
        empty_label="Any",
    )
    reason = django_filters.ChoiceFilter(
        label="Why",
        choices=[c for c in ReturnedMail.Reason.choices if c[0] != "forwarded"],
        empty_label="Any",
    )
    vin = django_filters.CharFilter(label="VIN", field_name="letter__vehicle_id", lookup_expr="icontains")

    class Meta:
        model = ReturnedMail
        fields = ("campaign", "reason", "vin")
