"""The vehicle record's card of messages and the owner's contact preference, as a template tag
so dealers (which holds the page) never imports notifications (apps depend one way)."""

from __future__ import annotations

from django import template

from notifications import selectors
from notifications.models import ContactPreference
from notifications.tables import recipient_masked

register = template.Library()


@register.inclusion_tag("notifications/_vehicle_section.html", takes_context=True)
def notifications_vehicle_section(context, record) -> dict:
    """Two queries: the preference and the VIN's messages in the user's scope (whether the user
    may change it is read from the record's servicing dealer). Recipients are shown whole only where the record showed the owner (and so
    logged the view: ``dealers.vehicle_record``)."""
    user = context["request"].user
    if record.vehicle is None or not user.has_perm(selectors.VIEW_PREFERENCE):
        return {"show": False}
    rows = selectors.messages_for_vin(user=user, vin=record.vin)
    for row in rows:
        row.shown_recipient = row.recipient if record.owner_visible else recipient_masked(row.recipient)
    stated = ContactPreference.objects.filter(vehicle_id=record.vin).values_list("choice", flat=True).first()
    choice = stated or ContactPreference.Choice.BOTH
    label = (
        ContactPreference.Choice(choice).label
        if stated
        else "Not stated (the booking's contact choice counts)"
    )
    return {
        "show": True,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "vin": record.vin,
        "messages": rows,
        "preference": choice,
        "preference_label": label,
        "choices": ContactPreference.Choice.choices,
        "may_edit": record.servicing_dealer is not None
        and selectors.preference_editable(user=user, vin=record.vin, dealer_id=record.servicing_dealer.pk),
    }
