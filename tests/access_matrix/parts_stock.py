"""Parts stock: parts managers receive and adjust their own dealer's stock; principals and
service managers read theirs; regional staff and administrators read any dealer in scope
(regional: their region). Pre-owned managers and warranty administrators have no stock pages.
Another dealer's stock is a 404. The API likewise (anonymous: 401)."""

from __future__ import annotations

import json

from django.urls import reverse

from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, dealer_b_object, only

KIT = "04906-31021"
PARTS = ("parts_manager_a", "parts_manager_b")
READERS = (
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
# Written as for dealer A (dealer_b_object maps them to B's twins).
READERS_AT_A = ("principal_a", "service_manager_a", "parts_manager_a", "regional_west", "campaign_admin")


def _kit(world: World) -> dict:
    from campaign.models import Kit

    return {"kit_id": Kit.objects.get(campaign=world.ale, part_number=KIT).pk}


def _stocked(persona_dealer):
    def check(world, persona, response, kwargs) -> None:
        from parts.models import StockBalance

        dealer = world.dealer_a if persona.endswith("_a") else world.dealer_b
        balance = StockBalance.objects.get(dealer=dealer, kit__part_number=KIT)
        assert balance.on_hand == persona_dealer
        if response.status_code == 302:
            assert_redirect(response, f"{reverse('parts-stock')}?dealer={dealer.code}")
        else:
            assert response.json()["on_hand"] == persona_dealer

    return check


def _at(dealer_attr: str):
    return lambda world: {"dealer": getattr(world, dealer_attr).code}


RECEIPT = {"shipment": "", "part_number": KIT, "quantity": 2, "reference": "PS-MATRIX"}
ADJUSTMENT = {"part_number": KIT, "quantity": 3, "reason_code": "cycle_count", "reason": "Matrix"}

CASES = [
    Case("parts-stock", expect=only(READERS)),
    Case("parts-stock-kit", kwargs=_kit, expect=only(READERS), id="own"),
    Case(
        "parts-stock-kit",
        kwargs=_kit,
        data=_at("dealer_a"),
        expect=dealer_a_object(allowed=READERS_AT_A),
        id="dealer-a",
    ),
    Case(
        "parts-stock-kit",
        kwargs=_kit,
        data=_at("dealer_b"),
        expect=dealer_b_object(allowed=READERS_AT_A),
        id="dealer-b",
    ),
    # The superuser holds every permission but keeps no dealer's stock: nothing to receive into.
    Case("parts-stock-receive", expect=only(PARTS)),
    Case(
        "parts-stock-receive",
        method="post",
        data=RECEIPT,
        expect=only(PARTS, ok=302),
        writes=PARTS,
        effect=_stocked(2),
        id="unplanned",
    ),
    Case("parts-stock-adjust", expect=only(PARTS)),
    Case(
        "parts-stock-adjust",
        method="post",
        data=ADJUSTMENT,
        expect=only(PARTS, ok=302),
        writes=PARTS,
        effect=_stocked(3),
        id="count",
    ),
    # National readers have every dealer: without ``dealer`` the API asks which (400).
    Case(
        "api-parts-stock",
        expect=only(READERS, anonymous=401, campaign_admin=400, superuser=400),
    ),
    Case(
        "api-parts-stock",
        data=_at("dealer_b"),
        expect=dealer_b_object(allowed=READERS_AT_A, anonymous=401),
        id="dealer-b",
    ),
    Case(
        "api-parts-receipts",
        method="post",
        data=json.dumps({"part_number": KIT, "quantity": 2, "reference": "PS-MATRIX"}),
        content_type="application/json",
        expect=only(PARTS, ok=201, anonymous=401),
        writes=PARTS,
        effect=_stocked(2),
    ),
    Case(
        "api-parts-adjustments",
        method="post",
        data=json.dumps(
            {"part_number": KIT, "quantity": 3, "reason": "Matrix", "reason_code": "cycle_count"}
        ),
        content_type="application/json",
        expect=only(PARTS, ok=201, anonymous=401),
        writes=PARTS,
        effect=_stocked(3),
    ),
]
