"""A vehicle's place in line for a kit: symptomatic first, then units held from sale, then first come.

The stop-sale part is stored on the reservation (the queue's index orders by it) and copied
from the dealer's pre-owned inventory, which changes on its own: a trade-in of a VIN already
waiting is held the day it lands in stock. ``reservations_stop_sale_refresh`` brings the copy up
to date; it runs when the inventory says holds changed (``dealers.inventory_signals``) and
under the balance's lock before kits are handed out, so who gets a kit never rests on a stale flag.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from dealers.models import InventoryUnit
from parts.models import KitReservation


def _held():
    return InventoryUnit.objects.filter(
        dealer_id=OuterRef("dealer_id"),
        vin=OuterRef("vehicle_id"),
        status=InventoryUnit.Status.IN_STOCK,
        stop_sale=True,
    )


def held_from_sale(*, dealer_id: int, vin: str) -> bool:
    return InventoryUnit.objects.filter(
        dealer_id=dealer_id, vin=vin, status=InventoryUnit.Status.IN_STOCK, stop_sale=True
    ).exists()


def reservations_stop_sale_refresh(
    *, vins: Iterable[str] | None = None, dealer_id: int | None = None, kit_id: int | None = None
) -> int:
    """Two conditional updates set the live reservations' flag where it differs from the
    inventory (only those rows are written). Scoped by VINs, or by a dealer's kit; none: all."""
    live = KitReservation.objects.filter(status__in=KitReservation.LIVE_STATUSES)
    if vins is not None:
        live = live.filter(vehicle_id__in=list(vins))
    if dealer_id is not None:
        live = live.filter(dealer_id=dealer_id)
    if kit_id is not None:
        live = live.filter(kit_id=kit_id)
    raised = live.filter(stop_sale=False).filter(Exists(_held())).update(stop_sale=True)
    lowered = live.filter(stop_sale=True).exclude(Exists(_held())).update(stop_sale=False)
    return raised + lowered
