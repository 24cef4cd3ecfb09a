"""django-filter filter set of the message log."""

from __future__ import annotations

import django_filters

from notifications.models import Channel, Message


class MessageFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Message", choices=Message.Kind.choices, empty_label="Any")
    channel = django_filters.ChoiceFilter(label="Channel", choices=Channel.choices, empty_label="Any")
    status = django_filters.ChoiceFilter(label="Status", choices=Message.Status.choices, empty_label="Any")
    vin = django_filters.CharFilter(label="VIN", field_name="vehicle_id", lookup_expr="icontains")
    dealer = django_filters.CharFilter(label="Dealer code", field_name="dealer__code", lookup_expr="exact")
    written_from = django_filters.DateFilter(
        label="Written from", field_name="created_at", lookup_expr="date__gte"
    )
    written_until = django_filters.DateFilter(label="until", field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Message
        fields = ("kind", "channel", "status", "vin", "dealer", "written_from", "written_until")
