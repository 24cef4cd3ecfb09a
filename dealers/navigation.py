"""The navigation bar, built from what the signed-in user may do.

One list of entries, each naming the permission it needs (``dealers.roles`` says
which role holds which). The template shows only the entries the user may use, so
a page a role cannot open never appears in its menu. Every entry names a URL the
project defines: a wrong name fails every page (and the tests), not silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

# Who may use an entry: a Django permission "app.codename", MEMBER for anyone with a
# membership (or national scope), STAFF for Django admin users.
MEMBER = "member"
STAFF = "staff"


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    needs: str
    icon: str
    kwargs: dict[str, str] = field(default_factory=dict)
    # Highlight the entry on any page under this path (defaults to the entry's URL).
    section: str | None = None


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("Home", "home", MEMBER, "house"),
    # The campaign's control room (reports): completion, burn-up, forecast, remedy reports.
    NavEntry(
        "Completion",
        "completion-dashboard",
        "reports.view_completion_dashboard",
        "speedometer2",
        section="/reports/",
    ),
    NavEntry("Vehicle record", "vehicle-record", "campaign.view_vehicle", "search"),
    NavEntry(
        "Appointments",
        "booking-calendar",
        "repairs.view_appointment",
        "calendar-week",
        section="/appointments/",
    ),
    # In the menu for those who add to it (service and parts managers); readers reach it by Parts' tabs.
    NavEntry(
        "Wait-list", "waitlist", "parts.add_kitreservation", "hourglass-split", section="/parts/wait-list/"
    ),
    NavEntry("Campaigns", "campaign-list", "campaign.view_campaign", "megaphone", section="/campaigns/"),
    NavEntry("Inventory", "inventory-list", "dealers.view_inventoryunit", "car-front", section="/inventory/"),
    NavEntry("Held units", "inventory-held", "dealers.view_inventoryunit", "sign-stop"),
    NavEntry(
        "Repair orders",
        "repair-order-list",
        "repairs.view_repairorder",
        "wrench-adjustable",
        section="/repair-orders/",
    ),
    NavEntry("Parts", "parts-home", "parts.view_stockbalance", "box-seam", section="/parts/"),
    NavEntry("Claims", "claim-list", "repairs.view_warrantyclaim", "receipt", section="/claims/"),
    NavEntry("Claim review", "claim-review", "repairs.review_warrantyclaim", "clipboard-check"),
    NavEntry(
        "Reimbursements",
        "reimbursement-review",
        "repairs.view_reimbursementrequest",
        "cash-coin",
        section="/reimbursement/review/",
    ),
    # Administrators land on the mailings, regional staff on their "owner not located" candidates.
    NavEntry(
        "Mailings", "mailing-home", "mailings.view_returnedmail", "envelope-paper", section="/mailings/"
    ),
    NavEntry("Dealer settings", "dealer-settings", "dealers.view_dealer_settings", "sliders"),
    NavEntry("Admin", "admin:index", STAFF, "gear", section="/admin/"),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    icon: str
    active: bool


def _may_use(entry: NavEntry, user, perms: set[str], is_member: bool) -> bool:
    if entry.needs == MEMBER:
        return is_member
    if entry.needs == STAFF:
        return user.is_staff
    return user.is_superuser or entry.needs in perms


def nav_for_user(*, user, path: str = "/") -> list[NavLink]:
    """The entries ``user`` may use, with the one for ``path`` marked active."""
    from dealers.access import user_scope

    if not user.is_authenticated:
        return []
    perms = user.get_all_permissions()
    is_member = not user_scope(user).is_empty
    usable = []
    for entry in NAV_ENTRIES:
        if not _may_use(entry, user, perms, is_member):
            continue
        url = reverse(entry.url_name, kwargs=entry.kwargs or None)
        usable.append((entry, url, entry.section or url))
    # The most specific section wins: /inventory/held/ lights "Held units", not also "Inventory".
    matches = [
        section for _, url, section in usable if (path == url if section == "/" else path.startswith(section))
    ]
    current = max(matches, key=len, default=None)
    return [NavLink(entry.label, url, entry.icon, section == current) for entry, url, section in usable]


def navigation(request: HttpRequest) -> dict[str, Callable[[], list[NavLink]]]:
    """Context processor: ``nav_links`` is computed only if a template renders it."""

    def links() -> list[NavLink]:
        return nav_for_user(user=request.user, path=request.path)

    return {"nav_links": links}
