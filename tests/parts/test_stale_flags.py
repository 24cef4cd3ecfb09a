"""Flags that must follow what happened after the fact: an appointment whose kit was released,
a unit held from sale after its VIN joined the line, an outcome undone, and appointments
booked before their campaign's kits were tracked (``parts_reserve_scheduled``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from campaign.models import AffectedVehicle, RemedyOperation
from dealers.inventory import inventory_add
from parts.models import KitReservation, PartsArrivedNotice, StockBalance
from repairs.appointments import appointment_cancel
from repairs.outcomes import outcome_not_needed, outcome_undo
from tests.parts.waitlist_factories import book, receive, tracked
from tests.repairs.factories_booking import affected

pytestmark = pytest.mark.django_db

Status = KitReservation.Status


@pytest.fixture
def kit(ale):
    return tracked(ale)


def _entry(appointment) -> AffectedVehicle:
    return AffectedVehicle.objects.get(vehicle_id=appointment.vehicle_id, campaign_id=appointment.campaign_id)


def test_an_outcome_that_frees_the_kit_says_so_on_the_open_appointment(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    appointment = book(ale, dealer_a, user=service_manager_a)
    assert appointment.parts_status == "reserved"
    outcome_not_needed(entry_id=_entry(appointment).pk, reason="Inspected: fine", user=service_manager_a)
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert appointment.parts_status == "released"
    assert StockBalance.objects.get(dealer=dealer_a, kit=kit).reserved == 0


def test_a_cancelled_appointment_no_longer_claims_its_kit(ale, kit, dealer_a, service_manager_a):
    receive(dealer_a, kit, 1)
    appointment = book(ale, dealer_a, user=service_manager_a)
    appointment_cancel(
        appointment_id=appointment.pk,
        dealer_ids=[dealer_a.pk],
        reason="Owner sold it",
        user=service_manager_a,
    )
    appointment.refresh_from_db()
    assert (appointment.status, appointment.parts_status) == ("cancelled", "released")


def test_an_undone_outcome_puts_the_open_appointment_back_in_line_at_its_booking_time(
    ale, kit, dealer_a, service_manager_a
):
    receive(dealer_a, kit, 1)
    first = book(ale, dealer_a, user=service_manager_a)
    later = book(ale, dealer_a, user=service_manager_a)
    entry = _entry(first)
    outcome_not_needed(entry_id=entry.pk, reason="Wrong VIN read", user=service_manager_a)
    later.refresh_from_db()
    assert later.parts_status == "reserved"  # the freed kit went to the next in line

    outcome_undo(entry_id=entry.pk, reason="It was the other car", user=service_manager_a)
    first.refresh_from_db()
    assert first.parts_status == "waiting"
    # The same reservation comes back (one per appointment), with its place in line and why.
    restored = KitReservation.objects.get(appointment=first)
    assert restored.status == Status.WAITING
    assert list(restored.events.order_by("pk").values_list("to_status", "reason"))[-2:] == [
        ("released", "Inspected, remedy not needed: the vehicle needs no kit here."),
        ("waiting", "Outcome undone: back in line."),
    ]
    # The next kit is the first owner's again: they booked first.
    receive(dealer_a, kit, 1)
    first.refresh_from_db()
    assert first.parts_status == "reserved"
    assert PartsArrivedNotice.objects.filter(reservation=restored).count() == 1


def test_a_unit_held_after_joining_moves_ahead_of_plain_owners(ale, kit, dealer_a, service_manager_a):
    plain = book(ale, dealer_a, user=service_manager_a).kit_reservation
    traded_in = book(ale, dealer_a, user=service_manager_a).kit_reservation
    assert not traded_in.stop_sale
    # The owner trades the car in: it lands in pre-owned stock and is held from sale.
    inventory_add(
        dealer_id=dealer_a.pk,
        vin=traded_in.vehicle_id,
        stock_number="T1",
        received_on=dt.date(2010, 8, 1),
        user=None,
    )
    traded_in.refresh_from_db()
    assert traded_in.stop_sale
    receive(dealer_a, kit, 1)
    traded_in.refresh_from_db(), plain.refresh_from_db()
    assert (traded_in.status, plain.status) == (Status.RESERVED, Status.WAITING)


def test_a_stale_flag_is_refreshed_before_kits_are_handed_out(ale, kit, dealer_a, service_manager_a):
    plain = book(ale, dealer_a, user=service_manager_a).kit_reservation
    held = book(ale, dealer_a, user=service_manager_a).kit_reservation
    # The hold arrives by a path that announces nothing (a raw update, as a bulk load would).
    from dealers.models import InventoryUnit

    InventoryUnit.objects.create(
        dealer=dealer_a, vin=held.vehicle_id, stock_number="S9", received_on="2010-01-01", stop_sale=True
    )
    receive(dealer_a, kit, 1)
    held.refresh_from_db(), plain.refresh_from_db()
    assert (held.status, held.stop_sale, plain.status) == (Status.RESERVED, True, Status.WAITING)


def test_reserve_scheduled_brings_pre_parts_bookings_into_line_in_booking_order(
    ale, kit, dealer_a, service_manager_a, capsys
):
    # Booked while the campaign tracked no kit (as in a database from before parts).
    RemedyOperation.objects.filter(covered_model__campaign=ale).update(kit=None)
    first = book(ale, dealer_a, user=service_manager_a)
    second = book(ale, dealer_a, user=service_manager_a)
    assert (first.parts_status, second.parts_status) == ("not_tracked", "not_tracked")
    RemedyOperation.objects.filter(covered_model__campaign=ale).update(kit=kit)
    receive(dealer_a, kit, 1)

    call_command("parts_reserve_scheduled", "ALE")
    assert capsys.readouterr().out.strip() == "1 reserved a kit, 1 wait for parts, 0 use no tracked kit."
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.parts_status, second.parts_status) == ("reserved", "waiting")
    assert KitReservation.objects.get(appointment=second).queued_at == second.created_at

    call_command("parts_reserve_scheduled")
    assert capsys.readouterr().out.strip() == "0 reserved a kit, 0 wait for parts, 0 use no tracked kit."


def test_reserve_scheduled_refuses_an_unknown_campaign(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No campaign 'XYZ'"):
        call_command("parts_reserve_scheduled", "XYZ")


def test_reserve_scheduled_leaves_untracked_bookings_alone(ale, dealer_a, service_manager_a, capsys):
    from tests.repairs.factories_booking import bookable

    bookable(ale)
    vin = affected(ale, dealer=dealer_a).vin
    appointment = book(ale, dealer_a, vin=vin, user=service_manager_a)
    RemedyOperation.objects.filter(covered_model__campaign=ale).update(kit=None)
    call_command("parts_reserve_scheduled")
    assert capsys.readouterr().out.strip() == "0 reserved a kit, 0 wait for parts, 1 use no tracked kit."
    appointment.refresh_from_db()
    assert appointment.parts_status == "not_tracked"
