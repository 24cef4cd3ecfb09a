"""Booking sections on the dealers app's pages, as template tags so those pages show them
without the dealers app importing repairs (apps depend one way: repairs -> dealers):

- ``{% booking_home_panel %}``: the service manager's home panel (today's and tomorrow's
  appointments, the call list's size);
- ``{% booking_vehicle_section record %}``: the vehicle record's appointments card, with the
  actions the user may take (book, check in)."""

from __future__ import annotations

from django import template

from repairs.booking_selectors import BOOK, VIEW, home_booking_summary
from repairs.ro_selectors import repair_dealer_ids

register = template.Library()


@register.inclusion_tag("repairs/booking/_home_panel.html", takes_context=True)
def booking_home_panel(context) -> dict:
    return {"booking": home_booking_summary(user=context["request"].user)}


@register.inclusion_tag("repairs/booking/_vehicle_section.html", takes_context=True)
def booking_vehicle_section(context, record) -> dict:
    """The appointments ``vehicle_repair_history`` read for the record (no query of its own:
    the page lists each appointment once, here, and its repair history in the next card)."""
    user = context["request"].user
    history = record.repairs
    return {
        "shown": user.has_perm(VIEW),
        "appointments": history.appointments if history else [],
        "may_book": user.has_perm(BOOK),
        "check_in_dealer_ids": (
            repair_dealer_ids(user=user) if user.has_perm("repairs.add_repairorder") else frozenset()
        ),
        "vin": record.vin,
    }
