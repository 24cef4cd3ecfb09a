"""Two clerks (or a double click) at once, on PostgreSQL: two connections, one winner.

The same VIN twice: the unique open appointment decides (the loser gets a conflict). The last
hours of a day: the ShopDay row lock decides (the loser is told the day is full). Through the
API too, since that is where a dealer system's retry would land.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from campaign.errors import DomainError
from repairs.appointments import appointment_book
from repairs.models import Appointment, ShopDay
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)


def _race(*targets):
    barrier = threading.Barrier(len(targets))
    outcomes: list = []
    errors: list = []

    def run(target):
        try:
            barrier.wait(10)
            outcomes.append(target())
        except DomainError as exc:
            outcomes.append(exc)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return outcomes


def _booker(ale, dealer, user, vin, *, date, time=dt.time(8, 0)):
    return lambda: appointment_book(
        dealer_id=dealer.pk,
        vin=vin,
        campaign_id=ale.pk,
        date=date,
        time=time,
        transport="drop_off",
        user=user,
    )


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_the_same_vin_booked_twice_at_once_is_booked_once(ale, dealer_a, service_manager_a):
    bookable(ale)
    open_shop(dealer_a, hours="40.0")
    vin = affected(ale, dealer=dealer_a).vin
    monday = next_weekday(0)
    outcomes = _race(*[_booker(ale, dealer_a, service_manager_a, vin, date=monday) for _ in range(2)])
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1 and refused[0].code == "conflict" and "already has an open" in refused[0].message
    assert Appointment.objects.filter(vehicle_id=vin).count() == 1
    assert ShopDay.objects.get(dealer=dealer_a, date=monday).booked_hours == Decimal("6.0")


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_the_last_hours_of_a_day_one_wins(ale, dealer_a, service_manager_a):
    bookable(ale, hours="6.0")
    open_shop(dealer_a, hours="6.0", weekdays=(0,))  # Mondays only: no carry-over possible for the loser
    monday = next_weekday(0)
    vins = [affected(ale, dealer=dealer_a).vin for _ in range(2)]
    outcomes = _race(*[_booker(ale, dealer_a, service_manager_a, vin, date=monday) for vin in vins])
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1 and "fully booked" in refused[0].message
    assert Appointment.objects.count() == 1
    assert ShopDay.objects.get(dealer=dealer_a, date=monday).booked_hours == Decimal("6.0")


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_double_submission_through_the_api_creates_one_appointment(ale, dealer_a, service_manager_a):
    bookable(ale)
    open_shop(dealer_a, hours="40.0")
    vin = affected(ale, dealer=dealer_a).vin
    body = {
        "vin": vin,
        "campaign": "ALE",
        "date": next_weekday(0).isoformat(),
        "time": "08:00",
        "transport": "loaner",
        "symptomatic": False,
    }

    def post():
        client = APIClient()
        client.force_authenticate(service_manager_a)
        return client.post("/api/v1/appointments/", body, format="json").status_code

    assert sorted(_race(post, post)) == [201, 409]
    assert Appointment.objects.filter(vehicle_id=vin).count() == 1
