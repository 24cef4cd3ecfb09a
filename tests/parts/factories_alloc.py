"""Builders for the allocation and transfer tests: stock, waiting vehicles, held units, kits used."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from campaign.models import Kit
from dealers.models import InventoryUnit, ServicingDealer
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import StockBalance, StockMovement
from parts.reservations import waitlist_join
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

V6 = "04906-31021"  # GS 350 / IS 350 / GS 450h
V8 = "04906-38011"  # GS 460 / LS 460 / LS 460 L
_serials = itertools.count(10000)
_v8_serials = itertools.count(5000200)


def kit(campaign, part_number: str = V6) -> Kit:
    return Kit.objects.get(campaign=campaign, part_number=part_number)


def vin_for(part_number: str = V6) -> str:
    """A fresh VIN on ALE's ranges whose repair uses the kit: a 2007 GS 350 or a 2007 LS 460."""
    if part_number == V8:
        return ale_vin(next(_v8_serials), vds="BL46F", year=2007)
    return ale_vin(next(_serials))


def affected(campaign, dealer, *, part_number: str = V6, status: str = "open") -> str:
    vehicle = VehicleFactory(vin=vin_for(part_number))
    AffectedVehicleFactory(campaign=campaign, vehicle=vehicle, status=status)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)
    return vehicle.vin


def stock(dealer, the_kit: Kit, on_hand: int, *, kind: str = Kind.RECEIPT) -> StockBalance:
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer.pk, kit_id=the_kit.pk)
        stock_move(balance=balance, kind=kind, on_hand=on_hand, reason="Test stock.")
    return StockBalance.objects.get(pk=balance.pk)


def waiting(campaign, dealer, n: int, *, part_number: str = V6) -> list[str]:
    """``n`` owners on the dealer's wait-list for the kit (the dealer has none to give them)."""
    vins = [affected(campaign, dealer, part_number=part_number) for _ in range(n)]
    for vin in vins:
        waitlist_join(dealer_id=dealer.pk, vin=vin, campaign_id=campaign.pk, user=None)
    return vins


def held_unit(campaign, dealer, *, part_number: str = V6) -> InventoryUnit:
    vin = affected(campaign, dealer, part_number=part_number)
    return InventoryUnit.objects.create(
        dealer=dealer,
        vin=vin,
        stock_number=f"S{vin[-6:]}",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_campaigns=campaign.code,
    )


def consumed(dealer, the_kit: Kit, n: int, *, days_ago: int = 1) -> None:
    """``n`` kits used in repairs ``days_ago`` days ago (stocked first so the ledger holds)."""
    stock(dealer, the_kit, n)
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer.pk, kit_id=the_kit.pk)
        movement = stock_move(balance=balance, kind=Kind.CONSUMPTION, on_hand=-n, reason="Test repairs.")
    StockMovement.objects.filter(pk=movement.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))


def ledger_sums(dealer, the_kit: Kit) -> tuple[int, int, int]:
    rows = StockMovement.objects.filter(dealer=dealer, kit=the_kit).values_list(
        "on_hand_delta", "reserved_delta", "inbound_delta"
    )
    return tuple(sum(r[i] for r in rows) for i in range(3))
