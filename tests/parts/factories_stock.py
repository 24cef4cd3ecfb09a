"""Builders for the stock tests: ALE with its V6 kit tracked, shipments on their way, stock."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction

from campaign.models import Campaign, Kit
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import InboundShipment
from parts.stock import stock_receive
from repairs.appointments import appointment_book
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

KIT = "04906-31021"
_slips = itertools.count(1)


def tracked(ale: Campaign) -> Kit:
    """ALE bookable, every covered model's repair using the V6 valve-spring kit (tracked)."""
    from tests.repairs.factories import remedy_set

    bookable(ale)
    kit = Kit.objects.get(campaign=ale, part_number=KIT)
    remedy_set(ale, stock_kit=kit)
    return kit


def slip() -> str:
    return f"PS-{next(_slips):05d}"


@transaction.atomic
def shipment(dealer, kit: Kit, quantity: int, *, reference: str = "") -> InboundShipment:
    """An open inbound shipment, its kits counted as inbound (as an allocation leaves it)."""
    shipment = InboundShipment.objects.create(
        dealer=dealer, kit=kit, quantity=quantity, reference=reference or f"SHP-{next(_slips)}"
    )
    balance = balance_locked(dealer_id=dealer.pk, kit_id=kit.pk)
    stock_move(balance=balance, kind=Kind.INBOUND, inbound=quantity, reason="Allocated.", shipment=shipment)
    return shipment


def stocked(dealer, kit: Kit, quantity: int, *, user=None):
    return stock_receive(
        dealer_id=dealer.pk, part_number=kit.part_number, quantity=quantity, reference=slip(), user=user
    )


def booked(ale: Campaign, dealer, *, user=None, days: int = 7, symptomatic: bool = False):
    """An appointment at ``dealer`` for a fresh affected VIN, ``days`` from today (a weekday)."""
    open_shop(dealer, hours="999.0", weekdays=range(7), opens=dt.time(0, 0), closes=dt.time(23, 0))
    date = next_weekday((dt.date.today() + dt.timedelta(days=days)).weekday(), after_days=days)
    return appointment_book(
        dealer_id=dealer.pk,
        vin=affected(ale, dealer=dealer).vin,
        campaign_id=ale.pk,
        date=date,
        time=dt.time(9, 0),
        transport="drop_off",
        symptomatic=symptomatic,
        user=user,
    )
