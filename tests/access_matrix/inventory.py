"""Pre-owned inventory: principals and pre-owned managers of their dealer, regional and national staff read;
only pre-owned managers add and deliver. A unit of dealer A is a 404 for dealer B's staff."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, dealer_b_object, only

READERS = (
    "principal_a",
    "preowned_manager_a",
    "principal_b",
    "preowned_manager_b",
    "regional_west",
    "campaign_admin",
)
KEEPERS = ("preowned_manager_a", "preowned_manager_b")
# Who opens one unit: its dealer's principal and pre-owned manager, its region, the nation.
UNIT_READERS = ("principal_a", "preowned_manager_a", "regional_west", "campaign_admin")


def _clean_vin(world: World) -> str:
    from campaign import vin as vinlib
    from tests.access_matrix import _serials

    return vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial=f"C{next(_serials):06d}")


def _rejects_of(persona: str, dealer: str):
    def build(world: World) -> dict:
        import io

        from dealers.inventory_import import inventory_import

        result = inventory_import(
            dealer_id=getattr(world, f"dealer_{dealer}").pk,
            file=io.BytesIO(b"vin,stock_number,received_on\nNOT-A-VIN,P1,2010-07-01\n"),
            user=world.users[persona],
        )
        return {"token": result.rejects_token}

    return build


_rejects_of_preowned_a = _rejects_of("preowned_manager_a", "a")


def _added(world, persona, response, kwargs) -> None:
    from dealers.models import InventoryUnit

    unit = InventoryUnit.objects.filter(created_by=world.users[persona]).latest("pk")
    assert unit.dealer == world.dealer_a and unit.events.filter(kind="added").exists()
    assert_redirect(response, reverse("inventory-detail", args=[unit.pk]), message="added")


def _delivered(world, persona, response, kwargs) -> None:
    from dealers.models import InventoryUnit

    unit = InventoryUnit.objects.get(pk=kwargs["pk"])
    assert (
        unit.status == "delivered" and unit.events.filter(kind="delivered", by=world.users[persona]).exists()
    )
    assert_redirect(response, reverse("inventory-detail", args=[unit.pk]), message="marked delivered")


def _delivery_refused(world, persona, response, kwargs) -> None:
    from dealers.models import InventoryUnit

    # The refusal is itself recorded (an event), and the unit stays on the lot.
    unit = InventoryUnit.objects.get(pk=kwargs["pk"])
    assert unit.status == "in_stock" and unit.events.filter(kind="delivery_refused").exists()
    # The unit's page again (409, where a delivery redirects), the reason on the form.
    assert "Stop sale" in response.content.decode()


CASES = [
    Case("inventory-list", expect=only(READERS)),
    Case("inventory-held", expect=only(READERS)),
    Case("inventory-add", expect=only(KEEPERS), id="form"),
    # Adding to dealer A: A's pre-owned manager is redirected to the new unit; B's gets the form
    # back (dealer A is not one of their choices) and nothing is written.
    Case(
        "inventory-add",
        method="post",
        data=lambda w: {
            "dealer": w.dealer_a.pk,
            "vin": _clean_vin(w),
            "stock_number": f"M{dt.datetime.now().timestamp():.6f}"[-12:],
            "received_on": "2010-07-01",
        },
        expect=only(KEEPERS, ok=200, preowned_manager_a=302),
        id="dealer-a",
        writes=("preowned_manager_a",),
        effect=_added,
    ),
    Case("inventory-upload", expect=only(KEEPERS), id="form"),
    Case(
        "inventory-upload-rejects",
        kwargs=_rejects_of_preowned_a,
        expect=only(("preowned_manager_a",), preowned_manager_b=404),
    ),
    Case(
        "inventory-upload-rejects",
        kwargs=_rejects_of("preowned_manager_b", "b"),
        expect=only(("preowned_manager_b",), preowned_manager_a=404),
        id="dealer-b",
    ),
    Case(
        "inventory-detail",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a).pk},
        expect=dealer_a_object(allowed=UNIT_READERS),
    ),
    # Dealer B's unit: B's principal and pre-owned manager open it; A's and West's staff get 404.
    Case(
        "inventory-detail",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_b).pk},
        expect=dealer_b_object(allowed=UNIT_READERS),
        id="dealer-b",
    ),
    Case(
        "inventory-deliver",
        method="post",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a).pk},
        expect=dealer_a_object(ok=302, allowed=("preowned_manager_a",)),
        writes=("preowned_manager_a",),
        effect=_delivered,
    ),
    Case(
        "inventory-deliver",
        method="post",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_b).pk},
        expect=dealer_b_object(ok=302, allowed=("preowned_manager_a",)),
        writes=("preowned_manager_b",),
        effect=_delivered,
        id="dealer-b",
    ),
    # Under stop sale the delivery is refused by the domain rule (409), and the refusal is
    # recorded (an event): a write, told apart from a delivery by its status and the unit's.
    Case(
        "inventory-deliver",
        method="post",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a, stop_sale=True).pk},
        expect=dealer_a_object(ok=409, allowed=("preowned_manager_a",)),
        writes=("preowned_manager_a",),
        effect=_delivery_refused,
        id="stop-sale",
    ),
]
