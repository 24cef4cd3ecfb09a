"""Booking an appointment: the checks, the horizon, the waiter rule, time zones, the phase gate,
and the changes (reschedule, cancel, no-show) with their reasons and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import RemedyOperation
from repairs.appointments import (
    PRELIMINARY_REFUSAL,
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
)
from repairs.models import Appointment, AppointmentEvent, ShopDay
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(ale, dealer_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="16.0")
    return dealer_a


def _book(ale, dealer, user, **overrides):
    kwargs = {
        "dealer_id": dealer.pk,
        "vin": overrides.pop("vin", None) or affected(ale, dealer=dealer).vin,
        "campaign_id": ale.pk,
        "date": next_weekday(0),
        "time": dt.time(8, 30),
        "transport": "drop_off",
        "user": user,
    }
    kwargs.update(overrides)
    return appointment_book(**kwargs)


def test_booking_records_the_appointment_and_its_event(ale, shop, service_manager_a):
    vin = affected(ale, dealer=shop).vin
    appointment = _book(ale, shop, service_manager_a, vin=vin, symptomatic=True, notes=" calls after 5 ")
    assert appointment.status == "scheduled" and appointment.hours == Decimal("6.0")
    assert appointment.symptomatic and appointment.notes == "calls after 5"
    assert appointment.parts_status == "not_tracked"
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.from_status, event.to_status, event.by) == ("", "scheduled", service_manager_a)


def test_any_dealer_may_book_a_vin_it_does_not_service(ale, shop, dealer_b, service_manager_a):
    vin = affected(ale, dealer=dealer_b).vin
    assert _book(ale, shop, service_manager_a, vin=vin).dealer == shop


@pytest.mark.parametrize(
    ("vin", "message"),
    [("JTHBE96S17000793", "17 characters"), ("JTHBE96S270007930", "check digit")],
)
def test_an_invalid_vin_is_refused(ale, shop, service_manager_a, vin, message):
    with pytest.raises(DomainError, match=message) as refused:
        _book(ale, shop, service_manager_a, vin=vin)
    assert refused.value.field == "vin" and refused.value.code == "invalid"


def test_a_vin_off_the_list_or_remedied_is_refused(ale, shop, service_manager_a):
    from tests.factories import VehicleFactory, ale_vin

    with pytest.raises(DomainError, match="not on the ALE list"):
        _book(ale, shop, service_manager_a, vin=VehicleFactory(vin=ale_vin(39999)).vin)
    with pytest.raises(DomainError, match="remedied"):
        _book(ale, shop, service_manager_a, vin=affected(ale, status="remedied").vin)
    with pytest.raises(DomainError, match="not needed"):
        _book(ale, shop, service_manager_a, vin=affected(ale, status="not_needed").vin)
    # An unreachable owner who turns up is booked: the remedy is still to do.
    assert _book(ale, shop, service_manager_a, vin=affected(ale, status="unreachable").vin)


def test_no_booking_in_the_preliminary_phase(ale, dealer_a, service_manager_a):
    open_shop(dealer_a)
    from tests.repairs.factories import remedy_set

    remedy_set(ale)
    assert ale.phase == "preliminary"
    with pytest.raises(DomainError) as refused:
        _book(ale, dealer_a, service_manager_a)
    assert refused.value.message == PRELIMINARY_REFUSAL and "wait-list" in refused.value.message
    assert not Appointment.objects.exists()


def test_no_booking_without_a_remedy_for_the_model(ale, shop, service_manager_a):
    RemedyOperation.objects.all().delete()
    with pytest.raises(DomainError, match="no labor operation"):
        _book(ale, shop, service_manager_a)


def test_the_horizon_is_today_to_180_days(ale, shop, service_manager_a, settings):
    today = timezone.now().astimezone(ZoneInfo(shop.time_zone)).date()
    open_shop(shop, weekdays=range(7), opens=dt.time(0, 0), closes=dt.time(23, 59))
    last = today + dt.timedelta(days=180)
    assert _book(ale, shop, service_manager_a, date=last).start_at.date() in (
        last,
        last + dt.timedelta(days=1),
    )
    with pytest.raises(DomainError, match="180 days ahead"):
        _book(ale, shop, service_manager_a, date=last + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="passed"):
        _book(ale, shop, service_manager_a, date=today - dt.timedelta(days=1))
    settings.BOOKING_HORIZON_DAYS = 365
    assert _book(ale, shop, service_manager_a, date=last + dt.timedelta(days=1))


def test_a_waiter_cannot_have_a_job_of_more_than_a_day(ale, dealer_a, service_manager_a):
    bookable(ale, hours="22.0")
    open_shop(dealer_a, hours="16.0")
    with pytest.raises(DomainError, match="cannot wait") as refused:
        _book(ale, dealer_a, service_manager_a, transport="waiter")
    assert refused.value.field == "transport"
    assert set(ShopDay.objects.values_list("booked_hours", flat=True)) <= {Decimal("0")}
    assert _book(ale, dealer_a, service_manager_a, transport="loaner").slots.count() == 2


def test_the_start_is_the_dealers_local_time(ale, dealer_b, service_manager_b):
    dealer_b.time_zone = "America/New_York"
    dealer_b.save(update_fields=["time_zone"])
    bookable(ale)
    open_shop(dealer_b, opens=dt.time(7, 0), closes=dt.time(9, 0))
    monday = next_weekday(0)
    appointment = _book(ale, dealer_b, service_manager_b, date=monday, time=dt.time(8, 30))
    local = appointment.start_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.time()) == (monday, dt.time(8, 30))
    assert appointment.start_at.astimezone(dt.UTC).hour in (12, 13)  # EDT or EST
    # 08:30 in New York is 05:30 in Los Angeles, before that shop opens: the zone is the dealer's.
    with pytest.raises(DomainError, match="between 07:00 and 09:00"):
        _book(ale, dealer_b, service_manager_b, date=monday, time=dt.time(9, 30))


def test_one_open_appointment_per_vin_and_campaign(ale, shop, service_manager_a):
    vin = affected(ale, dealer=shop).vin
    first = _book(ale, shop, service_manager_a, vin=vin)
    with pytest.raises(DomainError) as refused:
        _book(ale, shop, service_manager_a, vin=vin, date=next_weekday(1))
    assert refused.value.code == "conflict"
    assert not ShopDay.objects.filter(date=next_weekday(1), booked_hours__gt=0).exists()
    appointment_cancel(
        appointment_id=first.pk, dealer_ids={shop.pk}, reason="Owner moved", user=service_manager_a
    )
    assert _book(ale, shop, service_manager_a, vin=vin).status == "scheduled"


def test_reschedule_moves_the_hours_and_records_both_starts(ale, shop, service_manager_a):
    monday, wednesday = next_weekday(0), next_weekday(2)
    appointment = _book(ale, shop, service_manager_a, date=monday)
    before = appointment.start_at
    with pytest.raises(DomainError, match="reason"):
        appointment_reschedule(
            appointment_id=appointment.pk,
            dealer_ids={shop.pk},
            date=wednesday,
            time=dt.time(9),
            reason=" ",
            user=service_manager_a,
        )
    moved = appointment_reschedule(
        appointment_id=appointment.pk,
        dealer_ids={shop.pk},
        date=wednesday,
        time=dt.time(9),
        reason="Owner asked",
        user=service_manager_a,
    )
    days = dict(ShopDay.objects.values_list("date", "booked_hours"))
    assert days[monday] == 0 and days[wednesday] == Decimal("6.0")
    event = moved.events.latest("pk")
    assert (event.from_start_at, event.to_start_at, event.reason) == (before, moved.start_at, "Owner asked")


def test_another_dealers_appointment_cannot_be_changed(
    ale, shop, dealer_b, service_manager_a, service_manager_b
):
    appointment = _book(ale, shop, service_manager_a)
    with pytest.raises(DomainError) as refused:
        appointment_cancel(
            appointment_id=appointment.pk, dealer_ids={dealer_b.pk}, reason="x", user=service_manager_b
        )
    assert refused.value.code == "not_found"


def test_cancel_then_change_again_is_a_conflict(ale, shop, service_manager_a):
    appointment = _book(ale, shop, service_manager_a)
    appointment_cancel(
        appointment_id=appointment.pk, dealer_ids={shop.pk}, reason="Sold", user=service_manager_a
    )
    with pytest.raises(DomainError) as refused:
        appointment_cancel(
            appointment_id=appointment.pk, dealer_ids={shop.pk}, reason="Sold", user=service_manager_a
        )
    assert refused.value.code == "conflict"
    assert list(appointment.events.values_list("to_status", flat=True).order_by("pk")) == [
        "scheduled",
        "cancelled",
    ]


def test_no_show_only_after_the_start(ale, shop, service_manager_a):
    appointment = _book(ale, shop, service_manager_a)
    with pytest.raises(DomainError, match="after the appointment's start"):
        appointment_no_show(
            appointment_id=appointment.pk, dealer_ids={shop.pk}, reason="Did not come", user=service_manager_a
        )
    Appointment.objects.filter(pk=appointment.pk).update(start_at=timezone.now() - dt.timedelta(hours=1))
    missed = appointment_no_show(
        appointment_id=appointment.pk, dealer_ids={shop.pk}, reason="Did not come", user=service_manager_a
    )
    assert missed.status == "no_show" and not missed.slots.exists()
    assert ShopDay.objects.get(date=next_weekday(0)).booked_hours == 0


def test_reschedule_to_an_earlier_day_frees_the_later_one(ale, dealer_a, service_manager_a):
    bookable(ale, hours="20.0")
    open_shop(dealer_a, hours="8.0")
    monday = next_weekday(0)
    wednesday = monday + dt.timedelta(days=2)
    appointment = _book(ale, dealer_a, service_manager_a, date=wednesday)
    appointment_reschedule(
        appointment_id=appointment.pk,
        dealer_ids={dealer_a.pk},
        date=monday,
        time=dt.time(8),
        reason="Earlier slot",
        user=service_manager_a,
    )
    days = dict(ShopDay.objects.filter(booked_hours__gt=0).values_list("date", "booked_hours"))
    assert days == {
        monday: Decimal("8.0"),
        monday + dt.timedelta(days=1): Decimal("8.0"),
        wednesday: Decimal("4.0"),
    }
