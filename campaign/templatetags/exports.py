"""``{% export_links %}``: the CSV and XLSX download links of a table, for any page."""

from __future__ import annotations

from django import template

from campaign.exports import CONTENT_TYPES, EXPORT_PARAM

register = template.Library()


@register.inclusion_tag("partials/export_links.html", takes_context=True)
def export_links(context, table: str = "") -> dict:
    """Links to this page's table as each export format, keeping the page's filters and sort."""
    request = context["request"]
    links = []
    for export_format in CONTENT_TYPES:
        query = request.GET.copy()
        query[EXPORT_PARAM] = export_format
        if table:
            query["table"] = table
        links.append((export_format.upper(), f"?{query.urlencode()}"))
    return {"links": links}
