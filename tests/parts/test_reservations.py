"""Reservations and the wait-list (parts.reservations, parts.receivers): who gets a kit, when,
and where it goes after a cancellation, a no-show, a completion or a move to another dealer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from campaign.errors import DomainError
from campaign.models import AffectedVehicle
from dealers.models import InventoryUnit
from parts.models import KitReservation, PartsArrivedNotice, StockBalance, StockMovement
from parts.reservations import (
    reservation_release_for_vin,
    waitlist_join,
    waitlist_withdraw,
)
from repairs.appointments import appointment_cancel, appointment_no_show
from repairs.models import Appointment
from repairs.outcomes import outcome_not_needed, outcome_remedied_elsewhere
from repairs.repair_orders import repair_order_check_in, repair_order_complete, repair_order_walk_in
from tests.parts.waitlist_factories import book, receive, tracked
from tests.repairs.factories_booking import affected

pytestmark = pytest.mark.django_db

Status = KitReservation.Status


@pytest.fixture
def kit(ale):
    return tracked(ale)


def balance(dealer, kit) -> StockBalance:
    return StockBalance.objects.get(dealer=dealer, kit=kit)


def assert_ledger_adds_up(dealer, kit) -> None:
    b = balance(dealer, kit)
    sums = StockMovement.objects.filter(dealer=dealer, kit=kit).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
    )
    assert (b.on_hand, b.reserved) == (sums["on_hand"] or 0, sums["reserved"] or 0)
    assert b.available >= 0


def join(ale, dealer, user, *, vin=None, **kwargs) -> KitReservation:
    vin = vin or affected(ale, dealer=dealer).vin
    return waitlist_join(dealer_id=dealer.pk, vin=vin, campaign_id=ale.pk, user=user, **kwargs)


def test_booking_reserves_an_available_kit_and_waits_without_one(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    first = book(ale, dealer_a, user=service_manager_a)
    second = book(ale, dealer_a, user=service_manager_a)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.parts_status, second.parts_status) == ("reserved", "waiting")
    assert first.kit_reservation.status == Status.RESERVED and second.kit_reservation.status == Status.WAITING
    assert (balance(dealer_a, kit).on_hand, balance(dealer_a, kit).reserved) == (1, 1)
    # Booked at the counter: nobody to call back for either.
    assert not PartsArrivedNotice.objects.exists()
    assert_ledger_adds_up(dealer_a, kit)


def test_untracked_parts_leave_the_booking_alone(ale, dealer_a, service_manager_a):
    from tests.repairs.factories_booking import bookable

    bookable(ale)
    appointment = book(ale, dealer_a, user=service_manager_a)
    assert appointment.parts_status == Appointment.Parts.NOT_TRACKED
    assert not KitReservation.objects.exists()


def test_arrivals_go_symptomatic_then_stop_sale_then_first_come(ale, kit, dealer_a, service_manager_a):
    plain_early = join(ale, dealer_a, service_manager_a)
    held_vin = affected(ale, dealer=dealer_a).vin
    InventoryUnit.objects.create(
        dealer=dealer_a, vin=held_vin, stock_number="S1", received_on="2010-01-01", stop_sale=True
    )
    held = join(ale, dealer_a, service_manager_a, vin=held_vin)
    plain_late = join(ale, dealer_a, service_manager_a)
    symptomatic = book(ale, dealer_a, symptomatic=True, user=service_manager_a).kit_reservation
    assert held.stop_sale and symptomatic.symptomatic

    given = [receive(dealer_a, kit, 1) for _ in range(3)]
    assert given == [1, 1, 1]
    served = list(
        KitReservation.objects.filter(status=Status.RESERVED)
        .order_by("reserved_at")
        .values_list("pk", flat=True)
    )
    assert served == [symptomatic.pk, held.pk, plain_early.pk]
    assert KitReservation.objects.get(pk=plain_late.pk).status == Status.WAITING
    # Each owner who had been waiting is told, once; the waiting appointment is now reserved.
    told = sorted(PartsArrivedNotice.objects.values_list("reservation_id", flat=True))
    assert told == sorted([symptomatic.pk, held.pk, plain_early.pk])
    assert Appointment.objects.get(pk=symptomatic.appointment_id).parts_status == "reserved"
    assert_ledger_adds_up(dealer_a, kit)


def test_a_receipt_of_several_kits_serves_the_line_in_one_go(ale, kit, dealer_a, service_manager_a):
    waiting = [join(ale, dealer_a, service_manager_a) for _ in range(3)]
    assert receive(dealer_a, kit, 5) == 3
    assert all(
        r.status == Status.RESERVED for r in KitReservation.objects.filter(pk__in=[w.pk for w in waiting])
    )
    assert balance(dealer_a, kit).available == 2


@pytest.mark.parametrize("close", ["cancel", "no_show"])
def test_a_cancellation_or_no_show_gives_the_kit_to_the_next_in_line(
    close, ale, kit, dealer_a, service_manager_a
):
    receive(dealer_a, kit, 1)
    holder = book(ale, dealer_a, user=service_manager_a)
    nxt = join(ale, dealer_a, service_manager_a)
    if close == "cancel":
        appointment_cancel(
            appointment_id=holder.pk, dealer_ids=[dealer_a.pk], reason="Owner sold it", user=service_manager_a
        )
    else:
        Appointment.objects.filter(pk=holder.pk).update(start_at=holder.start_at.replace(year=2020))
        appointment_no_show(
            appointment_id=holder.pk, dealer_ids=[dealer_a.pk], reason="Did not come", user=service_manager_a
        )
    holder.kit_reservation.refresh_from_db(), nxt.refresh_from_db()
    assert holder.kit_reservation.status == Status.RELEASED
    assert nxt.status == Status.RESERVED
    assert PartsArrivedNotice.objects.filter(reservation=nxt).count() == 1
    kinds = list(StockMovement.objects.filter(dealer=dealer_a).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["receipt", "reservation", "release", "reservation"]
    assert list(holder.kit_reservation.events.order_by("pk").values_list("to_status", flat=True)) == [
        "waiting",
        "reserved",
        "released",
    ]
    assert_ledger_adds_up(dealer_a, kit)


def test_a_reschedule_keeps_the_kit(ale, kit, dealer_a, service_manager_a):
    from repairs.appointments import appointment_reschedule, dealer_today

    receive(dealer_a, kit, 1)
    holder = book(ale, dealer_a, user=service_manager_a)
    import datetime as dt

    appointment_reschedule(
        appointment_id=holder.pk,
        dealer_ids=[dealer_a.pk],
        date=dealer_today(dealer_a) + dt.timedelta(days=9),
        time=dt.time(9, 0),
        reason="Owner asked",
        user=service_manager_a,
    )
    holder.kit_reservation.refresh_from_db()
    assert holder.kit_reservation.status == Status.RESERVED


def _complete(ro, user):
    return repair_order_complete(
        repair_order_id=ro.pk,
        completed_on=None,
        mileage_out=61_012,
        technician="T. Tech",
        labor_hours=Decimal("6.2"),
        user=user,
    )


def test_completion_consumes_the_reserved_kit(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    appointment = book(ale, dealer_a, user=service_manager_a)
    ro = repair_order_check_in(
        appointment_id=appointment.pk, ro_number="RO77", mileage_in=61_000, user=service_manager_a
    )
    _complete(ro, service_manager_a)
    reservation = KitReservation.objects.get(appointment=appointment)
    assert reservation.status == Status.CONSUMED
    b = balance(dealer_a, kit)
    assert (b.on_hand, b.reserved) == (0, 0)
    consumption = StockMovement.objects.get(kind="consumption")
    assert consumption.repair_order_id == ro.pk and consumption.reference == "RO RO77"
    assert_ledger_adds_up(dealer_a, kit)


def test_a_walk_in_uses_an_available_kit(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    vin = affected(ale, dealer=dealer_a).vin
    ro = repair_order_walk_in(
        dealer_id=dealer_a.pk,
        vin=vin,
        campaign_id=ale.pk,
        ro_number="W1",
        mileage_in=10,
        user=service_manager_a,
    )
    _complete(ro, service_manager_a)
    assert balance(dealer_a, kit).on_hand == 0


def test_completion_without_a_kit_is_refused_and_writes_nothing(ale, kit, dealer_a, service_manager_a):
    appointment = book(ale, dealer_a, user=service_manager_a)  # waiting: no kit at the dealer
    ro = repair_order_check_in(
        appointment_id=appointment.pk, ro_number="RO78", mileage_in=61_000, user=service_manager_a
    )
    with pytest.raises(DomainError) as exc:
        _complete(ro, service_manager_a)
    assert (
        exc.value.code == "conflict" and "04906-31021" in exc.value.message and "receive" in exc.value.message
    )
    ro.refresh_from_db()
    assert ro.status != "completed"
    assert AffectedVehicle.objects.get(vehicle_id=ro.vehicle_id).status == "open"
    assert not StockMovement.objects.filter(kind="consumption").exists()


def test_remedied_elsewhere_and_not_needed_release_the_kit(ale, kit, dealer_a, dealer_b, service_manager_a):
    receive(dealer_a, kit, 2)
    one, two = join(ale, dealer_a, service_manager_a), join(ale, dealer_a, service_manager_a)
    third = join(ale, dealer_a, service_manager_a)
    entry_one = AffectedVehicle.objects.get(vehicle_id=one.vehicle_id)
    outcome_remedied_elsewhere(
        entry_id=entry_one.pk,
        other_dealer_code=dealer_b.code,
        other_ro_number="B1",
        reason="r",
        user=service_manager_a,
    )
    entry_two = AffectedVehicle.objects.get(vehicle_id=two.vehicle_id)
    outcome_not_needed(entry_id=entry_two.pk, reason="Inspected: fine", user=service_manager_a)
    one.refresh_from_db(), two.refresh_from_db(), third.refresh_from_db()
    assert (one.status, two.status, third.status) == (Status.RELEASED, Status.RELEASED, Status.RESERVED)
    assert balance(dealer_a, kit).available == 1
    assert_ledger_adds_up(dealer_a, kit)


def test_unreachable_releases_the_kit(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    held = join(ale, dealer_a, service_manager_a)
    reservation_release_for_vin(vin=held.vehicle_id, campaign_id=ale.pk, user=None, reason="Unreachable")
    held.refresh_from_db()
    assert held.status == Status.RELEASED and balance(dealer_a, kit).reserved == 0


def test_booking_at_another_dealer_moves_the_vehicle_and_its_kit_goes_to_the_next(
    ale, kit, dealer_a, dealer_b, service_manager_a, service_manager_b
):
    receive(dealer_a, kit, 1)
    mover = join(ale, dealer_a, service_manager_a)
    next_at_a = join(ale, dealer_a, service_manager_a)
    assert mover.status == Status.RESERVED and next_at_a.status == Status.WAITING
    at_b = book(ale, dealer_b, vin=mover.vehicle_id, user=service_manager_b)
    mover.refresh_from_db(), next_at_a.refresh_from_db()
    assert mover.status == Status.RELEASED and next_at_a.status == Status.RESERVED
    new = at_b.kit_reservation
    assert new.dealer_id == dealer_b.pk and new.status == Status.WAITING and at_b.parts_status == "waiting"
    assert_ledger_adds_up(dealer_a, kit)
    assert_ledger_adds_up(dealer_b, kit)


def test_a_waiting_vehicle_that_books_here_keeps_its_place_and_kit(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    entry = join(ale, dealer_a, service_manager_a)
    appointment = book(ale, dealer_a, vin=entry.vehicle_id, user=service_manager_a)
    assert appointment.kit_reservation.pk == entry.pk and appointment.parts_status == "reserved"
    assert KitReservation.objects.count() == 1


def test_join_refuses_twice_and_vins_that_need_no_kit(ale, kit, dealer_a, service_manager_a):
    entry = join(ale, dealer_a, service_manager_a)
    with pytest.raises(DomainError) as exc:
        join(ale, dealer_a, service_manager_a, vin=entry.vehicle_id)
    assert exc.value.code == "conflict"
    remedied = affected(ale, dealer=dealer_a, status="remedied").vin
    with pytest.raises(DomainError, match="needs no kit"):
        join(ale, dealer_a, service_manager_a, vin=remedied)
    with pytest.raises(DomainError) as exc:
        join(ale, dealer_a, service_manager_a, vin="JTHBE96S17000793X")
    assert exc.value.field == "vin"


def test_join_is_open_in_the_preliminary_phase(ale, dealer_a, service_manager_a):
    from campaign.models import Campaign, Kit
    from tests.repairs.factories import remedy_set

    kit = Kit.objects.get(campaign=ale, part_number="04906-31021")
    remedy_set(ale, stock_kit=kit)
    assert ale.phase == Campaign.Phase.PRELIMINARY
    assert join(ale, dealer_a, service_manager_a).status == Status.WAITING


def test_withdraw_needs_a_reason_and_passes_the_kit_on(ale, kit, dealer_a, dealer_b, service_manager_a):
    receive(dealer_a, kit, 1)
    holder, nxt = join(ale, dealer_a, service_manager_a), join(ale, dealer_a, service_manager_a)
    with pytest.raises(DomainError):
        waitlist_withdraw(
            reservation_id=holder.pk, dealer_ids=[dealer_a.pk], reason=" ", user=service_manager_a
        )
    with pytest.raises(DomainError) as exc:
        waitlist_withdraw(
            reservation_id=holder.pk, dealer_ids=[dealer_b.pk], reason="x", user=service_manager_a
        )
    assert exc.value.code == "not_found"
    waitlist_withdraw(
        reservation_id=holder.pk, dealer_ids=[dealer_a.pk], reason="Sold", user=service_manager_a
    )
    nxt.refresh_from_db()
    assert nxt.status == Status.RESERVED
    with pytest.raises(DomainError) as exc:
        waitlist_withdraw(
            reservation_id=holder.pk, dealer_ids=[dealer_a.pk], reason="again", user=service_manager_a
        )
    assert exc.value.code == "conflict"
