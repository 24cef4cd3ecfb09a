"""The demo's parts story (``seed_demo`` at a small fleet): the ledger's invariants hold on what
it writes, and the story has what the dashboard is there to show."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from dealers.models import Dealer
from parts.dashboard_selectors import parts_dashboard
from parts.models import (
    Allocation,
    InboundShipment,
    KitReservation,
    KitReservationEvent,
    PartsArrivedNotice,
    StockBalance,
    StockMovement,
    Transfer,
)
from repairs.models import Appointment, RepairOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed for the module (it takes a few seconds), rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = StringIO()
        call_command("seed_demo", "--vehicles", "6000", "--seed", "3", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_every_balance_is_the_sum_of_its_movements(seeded):
    sums = {
        (r["dealer_id"], r["kit_id"]): (r["on_hand"], r["reserved"], r["inbound"])
        for r in StockMovement.objects.values("dealer_id", "kit_id").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), inbound=Sum("inbound_delta")
        )
    }
    balances = {
        (b.dealer_id, b.kit_id): (b.on_hand, b.reserved, b.inbound) for b in StockBalance.objects.all()
    }
    assert balances and all(sums.get(key, (0, 0, 0)) == figures for key, figures in balances.items())
    assert set(sums) <= set(balances)
    assert all(on_hand >= reserved >= 0 and inbound >= 0 for on_hand, reserved, inbound in balances.values())


def test_reserved_is_the_reserved_reservations(seeded):
    rows = (
        KitReservation.objects.filter(status="reserved")
        .values("dealer_id", "kit_id")
        .annotate(n=Sum("quantity"))
    )
    held = {(r["dealer_id"], r["kit_id"]): r["n"] for r in rows}
    assert held
    assert {(b.dealer_id, b.kit_id): b.reserved for b in StockBalance.objects.filter(reserved__gt=0)} == held


def test_the_running_figures_never_go_below_zero(seeded):
    assert not StockMovement.objects.filter(
        Q(reserved_after__lt=0) | Q(inbound_after__lt=0) | Q(on_hand_after__lt=0)
    ).exists()
    # Each movement's figures follow from the one before it (the statement reads true).
    for dealer_id, kit_id in StockBalance.objects.values_list("dealer_id", "kit_id")[:40]:
        on_hand = reserved = inbound = 0
        for m in StockMovement.objects.filter(dealer_id=dealer_id, kit_id=kit_id).order_by("at", "pk"):
            on_hand, reserved, inbound = (
                on_hand + m.on_hand_delta,
                reserved + m.reserved_delta,
                inbound + m.inbound_delta,
            )
            assert (m.on_hand_after, m.reserved_after, m.inbound_after) == (on_hand, reserved, inbound)
            assert on_hand >= reserved


def test_completed_ros_consumed_their_kits_after_receipts(seeded):
    ros = RepairOrder.objects.filter(status="completed")
    consumptions = StockMovement.objects.filter(kind="consumption")
    assert consumptions.count() == ros.count() > 0
    assert set(consumptions.values_list("repair_order_id", flat=True)) == set(
        ros.values_list("pk", flat=True)
    )
    firsts = {
        (r["dealer_id"], r["kit_id"]): r["t"]
        for r in StockMovement.objects.filter(kind="receipt")
        .values("dealer_id", "kit_id")
        .annotate(t=Min("at"))
    }
    for c in consumptions.values("dealer_id", "kit_id", "at")[:500]:
        assert firsts[(c["dealer_id"], c["kit_id"])] < c["at"]


def test_appointments_are_reserved_or_waiting_as_the_stock_says(seeded):
    statuses = dict(Appointment.objects.values_list("parts_status").annotate(n=Count("pk")))
    assert set(statuses) == {"reserved", "waiting"} and statuses["reserved"] > statuses["waiting"] > 0
    for appt in Appointment.objects.select_related("kit_reservation"):
        assert appt.kit_reservation.status == appt.parts_status
    # A kit never sits available while a vehicle waits for it at the same dealer.
    waiting = set(KitReservation.objects.filter(status="waiting").values_list("dealer_id", "kit_id"))
    for b in StockBalance.objects.all():
        assert b.on_hand - b.reserved == 0 or (b.dealer_id, b.kit_id) not in waiting


def test_history_rows_for_every_reservation_and_transfer(seeded):
    assert not KitReservation.objects.filter(events__isnull=True).exists()
    assert (
        KitReservationEvent.objects.filter(to_status="reserved").count()
        == KitReservation.objects.filter(status="reserved").count()
    )
    assert not Transfer.objects.filter(events__isnull=True).exists()


def test_the_story_has_starved_and_surplus_dealers_supply_on_its_way_and_whom_to_call(seeded):
    board = parts_dashboard(dealers=Dealer.objects.all())
    assert board.surpluses() and board.shortfalls()
    waitlists = sorted((r.waitlist for r in board.rows), reverse=True)
    assert waitlists[0] >= 15 and waitlists[-1] == 0  # of various lengths
    assert any(r.available == 0 and r.waitlist >= 15 for r in board.rows)  # starved
    assert any(r.clears_on(board.today) is None for r in board.rows if r.waiting)  # dry
    past = Allocation.objects.filter(status="confirmed").order_by("confirmed_at")[:1]
    assert InboundShipment.objects.filter(allocation__in=past, status="received").exists()
    assert InboundShipment.objects.filter(status="open", allocation__isnull=False).exists()
    assert Transfer.objects.filter(status="shipped").exists()
    assert PartsArrivedNotice.objects.filter(called_at__isnull=True).exists()
    assert all(
        m.at < timezone.now() + dt.timedelta(seconds=1) for m in StockMovement.objects.order_by("-at")[:5]
    )


def test_the_demo_parts_manager_has_something_to_act_on(seeded):
    dealer = Dealer.objects.get(memberships__user__username="parts", memberships__role="parts_manager")
    assert InboundShipment.objects.filter(dealer=dealer, status="open").exists()
    assert Transfer.objects.filter(from_dealer=dealer, status="requested").exists()
    assert PartsArrivedNotice.objects.filter(reservation__dealer=dealer).exists()
    assert Appointment.objects.filter(dealer=dealer, parts_status="waiting").exists()
