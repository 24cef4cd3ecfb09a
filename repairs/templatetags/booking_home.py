"""Booking sections on the dealers app's pages, as template tags so those pages show them
without the dealers app importing repairs (apps depend one way: repairs -> dealers):

- ``{% booking_home_panel %}``: the service manager's home panel (today's and tomorrow's
  appointments, the call list's size);
- ``{% booking_vehicle_section vin %}``: the vehicle record's appointments (in the user's scope)."""

from __future__ import annotations

from django import template

from repairs.booking_selectors import appointments_for_vin, home_booking_summary

register = template.Library()


@register.inclusion_tag("repairs/booking/_home_panel.html", takes_context=True)
def booking_home_panel(context) -> dict:
    return {"booking": home_booking_summary(user=context["request"].user)}


@register.inclusion_tag("repairs/booking/_vehicle_section.html", takes_context=True)
def booking_vehicle_section(context, vin: str) -> dict:
    user = context["request"].user
    return {
        "appointments": appointments_for_vin(user=user, vin=vin),
        "may_book": user.has_perm("repairs.add_appointment"),
        "vin": vin,
    }
