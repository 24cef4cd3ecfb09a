"""``{% mailing_vehicle_section record %}``: the vehicle record's letters card, as a template tag
so the dealers app shows it without importing mailings (apps depend one way)."""

from __future__ import annotations

from django import template

from mailings.models import ReturnedMail
from mailings.selectors import VIEW_PERM, letters_for_vin

register = template.Library()
LABELS = dict(ReturnedMail.Reason.choices)
# Those who work the VIN's outreach see its letters: the roles that see its campaign entries.
SECTION_PERM = "campaign.view_affectedvehicle"


@register.inclusion_tag("mailings/_vehicle_section.html", takes_context=True)
def mailing_vehicle_section(context, record) -> dict:
    """One query: the VIN's letters with their returns (the record already holds the vehicle)."""
    user = context["request"].user
    if record.vehicle is None or not user.has_perm(SECTION_PERM):
        return {"show": False}
    letters = list(letters_for_vin(vin=record.vin)[:20])
    for letter in letters:
        letter.returned_label = LABELS.get(letter.returned_reason, "")
    return {
        "show": True,
        "letters": letters,
        "may_open": user.has_perm(VIEW_PERM),
        "undeliverable": record.vehicle.address_undeliverable_at is not None,
    }
