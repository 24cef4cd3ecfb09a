"""``{% booking_home_panel %}``: the service manager's home panel (today's and tomorrow's
appointments, the call list's size). A template tag so the dealers app's home page can show
it without importing repairs (apps depend one way: repairs -> dealers)."""

from __future__ import annotations

from django import template

from repairs.booking_selectors import home_booking_summary

register = template.Library()


@register.inclusion_tag("repairs/booking/_home_panel.html", takes_context=True)
def booking_home_panel(context) -> dict:
    return {"booking": home_booking_summary(user=context["request"].user)}
