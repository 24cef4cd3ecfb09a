"""The parts dashboard: campaign administrators nationally, regional staff in their regions, a
dealer's principal and parts manager their own dealer (the index sends them there). Service and
pre-owned managers and warranty administrators have no parts figures (403)."""

from __future__ import annotations

from tests.access_matrix import Case, dealer_a_object, dealer_b_object, only

READERS = ("principal_a", "parts_manager_a", "regional_west", "campaign_admin")
DEALER_READERS = ("principal_a", "parts_manager_a", "principal_b", "parts_manager_b")

CASES = [
    # Dealer staff of one dealer are redirected to their own dealer's page.
    Case(
        "parts-dashboard",
        expect=only(
            (*DEALER_READERS, "regional_west", "campaign_admin", "superuser"),
            **dict.fromkeys(DEALER_READERS, 302),
        ),
    ),
    # A region: its regional staff and the nation; dealer staff hold the permission but no region (404).
    Case(
        "parts-dashboard-region",
        kwargs=lambda w: {"pk": w.region_west.pk},
        expect=only(
            ("regional_west", "campaign_admin", "superuser", *DEALER_READERS),
            **dict.fromkeys(DEALER_READERS, 404),
        ),
    ),
    Case(
        "parts-dashboard-region",
        kwargs=lambda w: {"pk": w.region_east.pk},
        expect=only(
            ("regional_west", "campaign_admin", "superuser", *DEALER_READERS),
            regional_west=404,
            **dict.fromkeys(DEALER_READERS, 404),
        ),
        id="east",
    ),
    Case(
        "parts-dashboard-dealer",
        kwargs=lambda w: {"pk": w.dealer_a.pk},
        expect=dealer_a_object(allowed=READERS),
    ),
    Case(
        "parts-dashboard-dealer",
        kwargs=lambda w: {"pk": w.dealer_b.pk},
        expect=dealer_b_object(allowed=READERS),
        id="dealer-b",
    ),
]
