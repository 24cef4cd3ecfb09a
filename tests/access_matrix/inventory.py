"""Pre-owned inventory: principals and pre-owned managers of their dealer, regional and national staff read;
only pre-owned managers add and deliver. A unit of dealer A is a 404 for dealer B's staff."""

from __future__ import annotations

import datetime as dt

from tests.access_matrix import Case, World, dealer_a_object, only

READERS = ("principal_a", "preowned_manager_a", "preowned_manager_b", "regional_west", "campaign_admin")
KEEPERS = ("preowned_manager_a", "preowned_manager_b")


def _clean_vin(world: World) -> str:
    from campaign import vin as vinlib
    from tests.access_matrix import _serials

    return vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial=f"C{next(_serials):06d}")


def _rejects_of_preowned_a(world: World) -> dict:
    import io

    from dealers.inventory_import import inventory_import

    result = inventory_import(
        dealer_id=world.dealer_a.pk,
        file=io.BytesIO(b"vin,stock_number,received_on\nNOT-A-VIN,P1,2010-07-01\n"),
        user=world.users["preowned_manager_a"],
    )
    return {"token": result.rejects_token}


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
    ),
    Case("inventory-upload", expect=only(KEEPERS), id="form"),
    Case(
        "inventory-upload-rejects",
        kwargs=_rejects_of_preowned_a,
        expect=only(("preowned_manager_a",), preowned_manager_b=404),
    ),
    Case(
        "inventory-detail",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a).pk},
        expect=dealer_a_object(
            allowed=("principal_a", "preowned_manager_a", "regional_west", "campaign_admin")
        ),
    ),
    Case(
        "inventory-deliver",
        method="post",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a).pk},
        expect=dealer_a_object(ok=302, allowed=("preowned_manager_a",)),
    ),
    Case(
        "inventory-deliver",
        method="post",
        kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a, stop_sale=True).pk},
        expect=dealer_a_object(ok=302, allowed=("preowned_manager_a",)),
        id="stop-sale",
    ),
]
