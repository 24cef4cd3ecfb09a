"""The parts section's own tabs, and where "Parts" in the main menu lands.

One entry in the main menu (``dealers.navigation``) leads here; the pages under /parts/ share
these tabs, each shown only to a role that may open it (``dealers.roles``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


@dataclass(frozen=True)
class PartsTab:
    label: str
    url_name: str
    needs: str
    icon: str


PARTS_TABS: tuple[PartsTab, ...] = (
    PartsTab("Stock", "parts-stock", "parts.view_stockbalance", "box-seam"),
    PartsTab("Wait-list", "waitlist", "parts.view_kitreservation", "hourglass-split"),
    PartsTab("Kits on their way", "inbound-list", "parts.view_inboundshipment", "truck"),
    PartsTab("Transfers", "transfer-list", "parts.view_transfer", "arrow-left-right"),
    PartsTab("Allocations", "allocation-list", "parts.view_allocation", "diagram-3"),
    PartsTab("Dashboard", "parts-dashboard", "parts.view_parts_dashboard", "bar-chart-line"),
)


def parts_tabs_for(*, user, path: str) -> list[dict]:
    """The tabs ``user`` may open, the one holding ``path`` marked active (the longest match)."""
    perms = user.get_all_permissions() if user.is_authenticated else set()
    tabs = [(tab, reverse(tab.url_name)) for tab in PARTS_TABS if user.is_superuser or tab.needs in perms]
    current = max((url for _, url in tabs if path.startswith(url)), key=len, default=None)
    return [{"label": t.label, "url": url, "icon": t.icon, "active": url == current} for t, url in tabs]


@login_required
@permission_required("parts.view_stockbalance", raise_exception=True)
def parts_home(request: HttpRequest) -> HttpResponseRedirect:
    """Planners (regional, national) land on the dashboard; a dealer's staff on its stock."""
    planner = request.user.has_perm("parts.view_allocation")
    return HttpResponseRedirect(reverse("parts-dashboard" if planner else "parts-stock"))
