"""``{% parts_tabs %}``: the parts section's tabs (``parts.navigation``)."""

from django import template

from parts.navigation import parts_tabs_for

register = template.Library()


@register.inclusion_tag("parts/_tabs.html", takes_context=True)
def parts_tabs(context) -> dict:
    request = context["request"]
    return {"tabs": parts_tabs_for(user=request.user, path=request.path)}
