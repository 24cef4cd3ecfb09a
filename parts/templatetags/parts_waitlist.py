"""Parts sections on the repairs and dealers pages, as template tags so those pages show them
without repairs or dealers importing parts (apps depend one way: parts -> repairs -> dealers):

- ``{% parts_at_risk_badge appointment local_start %}``: "At risk" on an appointment row
  (the calendar, the home panel, the appointment page); no query, the row has what it needs;
- ``{% parts_home_panel %}``: the service manager's home: at-risk appointments, owners to call;
- ``{% parts_vehicle_section vin %}``: the vehicle record's card (its place in line, join)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dealers.models import Dealer
from parts import waitlist_selectors as selectors

register = template.Library()

AT_RISK = mark_safe(  # constant markup
    '<span class="badge text-bg-danger" title="Within 3 days and no kit yet">'
    '<i class="bi bi-exclamation-octagon me-1"></i>At risk: no kit</span>'
)


@register.simple_tag
def parts_at_risk_badge(appointment, local_start) -> str:
    if local_start is None or not selectors.appointment_at_risk(
        appointment=appointment, local_start=local_start
    ):
        return ""
    return AT_RISK


@register.simple_tag
def parts_status_badge(appointment) -> str:
    """The appointment's kit in words, for the appointment page."""
    css = {"reserved": "text-bg-success", "waiting": "text-bg-warning"}.get(appointment.parts_status)
    if css is None:
        return appointment.get_parts_status_display()
    return format_html('<span class="badge {}">{}</span>', css, appointment.get_parts_status_display())


@register.inclusion_tag("parts/waitlist/_home_panel.html", takes_context=True)
def parts_home_panel(context) -> dict:
    """Three queries: the dealers, the at-risk appointments, the owners to call (a count)."""
    user = context["request"].user
    dealer_ids = selectors.dealer_ids_with_perm(user=user, perm=selectors.VIEW)
    if not dealer_ids:
        return {"panel": None}
    dealers = list(Dealer.objects.filter(pk__in=sorted(dealer_ids)).order_by("code"))
    to_call = None
    if user.has_perm(selectors.VIEW_CALLS):
        to_call = selectors.arrived_to_call(dealer_ids=dealer_ids).count()
    return {
        "panel": True,
        "at_risk": list(selectors.appointments_at_risk(dealers=dealers)[:10]),
        "to_call": to_call,
        "at_risk_days": selectors.AT_RISK_DAYS,
    }


@register.inclusion_tag("parts/waitlist/_vehicle_section.html", takes_context=True)
def parts_vehicle_section(context, vin: str) -> dict:
    user = context["request"].user
    if not user.has_perm(selectors.VIEW):
        return {"show": False}
    return {
        "show": True,
        "reservations": selectors.reservations_for_vin(user=user, vin=vin),
        "may_join": bool(selectors.dealer_ids_with_perm(user=user, perm=selectors.JOIN)),
        "vin": vin,
    }
