""" "Parts" in the main menu: a redirect for every role that reads stock (planners to the
dashboard, dealer staff to their stock); the pre-owned manager and warranty desk have no parts."""

from __future__ import annotations

from tests.access_matrix import Case, only

STOCK_READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)

CASES = [Case("parts-home", expect=only(STOCK_READERS, ok=302))]
