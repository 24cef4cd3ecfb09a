"""Shop capacity: the allocation rule, carry-over, overbooking, hours and closure edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from campaign.errors import DomainError
from repairs.appointments import appointment_book, appointment_cancel
from repairs.capacity import shop_closure_add, shop_closure_remove, shop_hours_set, shop_load_for
from repairs.models import ShopClosure, ShopDay
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

pytestmark = pytest.mark.django_db
H = Decimal


def _book(campaign, dealer, user, *, date, time=dt.time(8, 0), transport="drop_off", vin=None):
    vin = vin or affected(campaign, dealer=dealer).vin
    return appointment_book(
        dealer_id=dealer.pk,
        vin=vin,
        campaign_id=campaign.pk,
        date=date,
        time=time,
        transport=transport,
        user=user,
    )


def _slots(appointment):
    return [(s.day.date, s.hours) for s in appointment.slots.select_related("day").order_by("day__date")]


def test_a_job_that_fits_takes_its_hours_on_the_day(ale, dealer_a, service_manager_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="16.0")
    monday = next_weekday(0)
    appointment = _book(ale, dealer_a, service_manager_a, date=monday)
    assert _slots(appointment) == [(monday, H("6.0"))]
    assert ShopDay.objects.get(dealer=dealer_a, date=monday).booked_hours == H("6.0")


def test_a_long_job_carries_over_a_weekend_and_a_closed_day(ale, dealer_a, service_manager_a):
    bookable(ale, hours="22.0")  # the LS 600h L's engine comes out
    open_shop(dealer_a, hours="8.0")
    thursday = next_weekday(3)
    friday, monday = thursday + dt.timedelta(days=1), thursday + dt.timedelta(days=4)
    shop_closure_add(dealer_id=dealer_a.pk, date=friday, reason="Inventory day", user=service_manager_a)
    appointment = _book(ale, dealer_a, service_manager_a, date=thursday)
    # Thursday 8 h, Friday closed, Saturday and Sunday have no hours, Monday 8 h, Tuesday 6 h.
    assert _slots(appointment) == [
        (thursday, H("8.0")),
        (monday, H("8.0")),
        (monday + dt.timedelta(days=1), H("6.0")),
    ]


def test_day_one_takes_only_what_is_free(ale, dealer_a, service_manager_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="10.0")
    monday = next_weekday(0)
    _book(ale, dealer_a, service_manager_a, date=monday)
    second = _book(ale, dealer_a, service_manager_a, date=monday, time=dt.time(9, 0))
    assert _slots(second) == [(monday, H("4.0")), (monday + dt.timedelta(days=1), H("2.0"))]


def test_a_full_day_is_refused(ale, dealer_a, service_manager_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="12.0")
    monday = next_weekday(0)
    _book(ale, dealer_a, service_manager_a, date=monday)
    _book(ale, dealer_a, service_manager_a, date=monday)
    with pytest.raises(DomainError, match="fully booked") as refused:
        _book(ale, dealer_a, service_manager_a, date=monday)
    assert refused.value.field == "date"
    assert ShopDay.objects.get(dealer=dealer_a, date=monday).booked_hours == H("12.0")


def test_a_closed_day_and_a_start_outside_opening_hours_are_refused(ale, dealer_a, service_manager_a):
    bookable(ale)
    open_shop(dealer_a, opens=dt.time(7, 30), closes=dt.time(15, 0))
    with pytest.raises(DomainError, match="closed"):
        _book(ale, dealer_a, service_manager_a, date=next_weekday(6))  # Sunday: no hours
    with pytest.raises(DomainError, match="between 07:30 and 15:00") as refused:
        _book(ale, dealer_a, service_manager_a, date=next_weekday(0), time=dt.time(16, 0))
    assert refused.value.field == "time"


def test_the_database_refuses_an_overbooked_day(dealer_a):
    day = ShopDay.objects.create(dealer=dealer_a, date=dt.date(2030, 1, 7), capacity_hours=H("8.0"))
    day.booked_hours = H("8.5")
    with pytest.raises(IntegrityError), transaction.atomic():
        day.save()


def test_cancelling_releases_every_day_the_job_held(ale, dealer_a, service_manager_a):
    bookable(ale, hours="20.0")
    open_shop(dealer_a, hours="8.0")
    monday = next_weekday(0)
    appointment = _book(ale, dealer_a, service_manager_a, date=monday)
    appointment_cancel(
        appointment_id=appointment.pk,
        dealer_ids={dealer_a.pk},
        reason="Owner sold it",
        user=service_manager_a,
    )
    assert set(ShopDay.objects.filter(dealer=dealer_a).values_list("booked_hours", flat=True)) == {H("0")}
    assert not appointment.slots.exists()


def test_hours_cannot_drop_below_what_is_booked(ale, dealer_a, service_manager_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="16.0")
    monday = next_weekday(0)
    _book(ale, dealer_a, service_manager_a, date=monday)
    _book(ale, dealer_a, service_manager_a, date=monday)
    with pytest.raises(DomainError, match=r"more than 8\.0 h booked"):
        shop_hours_set(
            dealer_id=dealer_a.pk,
            weekday=0,
            opens_at=dt.time(7),
            closes_at=dt.time(16),
            technician_hours=H("8.0"),
            user=service_manager_a,
        )
    shop_hours_set(
        dealer_id=dealer_a.pk,
        weekday=0,
        opens_at=dt.time(7),
        closes_at=dt.time(16),
        technician_hours=H("12.0"),
        user=service_manager_a,
    )
    assert ShopDay.objects.get(dealer=dealer_a, date=monday).capacity_hours == H("12.0")


def test_a_day_with_bookings_cannot_be_closed_and_a_reopened_day_gets_its_hours_back(
    ale, dealer_a, service_manager_a
):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="16.0")
    monday, tuesday = next_weekday(0), next_weekday(1)
    _book(ale, dealer_a, service_manager_a, date=monday)
    with pytest.raises(DomainError, match=r"6\.0 h are booked"):
        shop_closure_add(dealer_id=dealer_a.pk, date=monday, reason="", user=service_manager_a)
    closure = shop_closure_add(dealer_id=dealer_a.pk, date=tuesday, reason="Holiday", user=service_manager_a)
    [load] = shop_load_for(dealer_id=dealer_a.pk, start=tuesday, end=tuesday)
    assert not load.is_open and load.closed_reason == "Holiday"
    shop_closure_remove(closure_id=closure.pk, dealer_ids={dealer_a.pk}, user=service_manager_a)
    assert not ShopClosure.objects.exists()
    [load] = shop_load_for(dealer_id=dealer_a.pk, start=tuesday, end=tuesday)
    assert load.is_open and load.capacity == H("16.0")
