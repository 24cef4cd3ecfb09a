"""Builders for the wait-list tests: ALE bookable with a tracked kit, kits received, bookings."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction

from campaign.models import Kit
from parts.ledger import Kind, balance_locked, stock_move
from parts.reservations import kits_distribute
from repairs.appointments import appointment_book, dealer_today
from tests.repairs.factories import remedy_set
from tests.repairs.factories_booking import affected, bookable, open_shop

V6_KIT = "04906-31021"
# A packing slip counts once per dealer and kit (stock_movement_reference_once): a fresh one each time.
_slips = itertools.count(1)


def tracked(ale, *, part_number: str = V6_KIT) -> Kit:
    """ALE past the preliminary phase, every covered model's repair using this stocked kit."""
    bookable(ale)
    kit = Kit.objects.get(campaign=ale, part_number=part_number)
    remedy_set(ale, stock_kit=kit)
    return kit


def receive(dealer, kit: Kit, quantity: int, *, user=None, reference: str | None = None) -> int:
    """Kits arrive (a receipt) and go to the line at once; returns how many vehicles got one."""
    reference = reference or f"PS-{next(_slips)}"
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer.pk, kit_id=kit.pk)
        stock_move(balance=balance, kind=Kind.RECEIPT, on_hand=quantity, user=user, reference=reference)
        return kits_distribute(balance=balance, user=user, reason=f"Received {reference}.")


def book(ale, dealer, vin: str | None = None, *, days: int = 7, symptomatic: bool = False, user=None):
    """An appointment at ``dealer`` (its shop opened every day), ``days`` ahead of its today."""
    open_shop(dealer, hours="999.0", weekdays=range(7))
    vin = vin or affected(ale, dealer=dealer).vin
    return appointment_book(
        dealer_id=dealer.pk,
        vin=vin,
        campaign_id=ale.pk,
        date=dealer_today(dealer) + dt.timedelta(days=days),
        time=dt.time(8, 0),
        transport="drop_off",
        symptomatic=symptomatic,
        user=user,
    )
