"""Stock states for the dashboard tests, written through the ledger (``stock_move``) so the
figures are the ones real movements leave; movements are then dated back where a test needs it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from campaign.models import Kit
from parts.ledger import Kind, balance_locked, stock_move
from parts.models import KitReservation, StockMovement
from tests.factories import VehicleFactory
from tests.repairs.factories import AppointmentFactory

V6 = "04906-31021"
V8 = "04906-38011"


def kit(campaign, part_number: str = V6) -> Kit:
    return Kit.objects.get(campaign=campaign, part_number=part_number)


def move(dealer, kit: Kit, kind: str, *, days_ago: float = 0, **deltas) -> StockMovement:
    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer.pk, kit_id=kit.pk)
        movement = stock_move(balance=balance, kind=kind, reason="test", **deltas)
    if days_ago:
        StockMovement.objects.filter(pk=movement.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return movement


def receive(dealer, kit: Kit, n: int, *, days_ago: float = 0) -> None:
    move(dealer, kit, Kind.RECEIPT, on_hand=n, days_ago=days_ago)


def consume(dealer, kit: Kit, n: int, *, days_ago: float = 0) -> None:
    for _ in range(n):
        move(dealer, kit, Kind.CONSUMPTION, on_hand=-1, days_ago=days_ago)


def wait(dealer, kit: Kit, campaign, *, n: int = 1, appointment: bool = False) -> list[KitReservation]:
    """``n`` vehicles waiting for the kit at the dealer (with an appointment each, if asked)."""
    rows = []
    for _ in range(n):
        vehicle = VehicleFactory()
        appt = AppointmentFactory(dealer=dealer, vehicle=vehicle, campaign=campaign) if appointment else None
        rows.append(
            KitReservation.objects.create(
                dealer=dealer,
                kit=kit,
                vehicle=vehicle,
                campaign=campaign,
                appointment=appt,
                queued_at=timezone.now(),
            )
        )
    return rows
