"""The booking pages as the service manager uses them: call list, booking form, calendar,
an appointment's changes, shop hours; the principal reads; query counts pinned at two sizes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dealers.models import InventoryUnit
from repairs.appointments import appointment_book, appointment_cancel
from repairs.models import Appointment, ShopClosure, ShopDay, ShopHours
from tests.repairs.factories_booking import affected, bookable, next_weekday, open_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(ale, dealer_a):
    bookable(ale)
    open_shop(dealer_a, hours="16.0")
    return dealer_a


def _book(ale, dealer, user, vin=None, **kwargs):
    kwargs.setdefault("date", next_weekday(0))
    kwargs.setdefault("time", dt.time(8, 0))
    kwargs.setdefault("transport", "drop_off")
    return appointment_book(
        dealer_id=dealer.pk,
        vin=vin or affected(ale, dealer=dealer).vin,
        campaign_id=ale.pk,
        user=user,
        **kwargs,
    )


def _held(vin, dealer):
    InventoryUnit.objects.create(
        dealer=dealer, vin=vin, stock_number=vin[-6:], received_on=dt.date(2010, 7, 1), stop_sale=True
    )


# --- the call list -------------------------------------------------------------------------


def test_the_call_list_ranks_symptomatic_then_stop_sale_then_oldest(
    client, ale, shop, dealer_b, service_manager_a
):
    oldest = affected(ale, dealer=shop, added_days_ago=90).vin
    newer = affected(ale, dealer=shop, added_days_ago=10).vin
    held = affected(ale, dealer=shop, added_days_ago=5).vin
    _held(held, dealer_b)  # held in stock at any dealer counts
    symptomatic = affected(ale, dealer=shop, added_days_ago=1).vin
    cancelled = _book(ale, shop, service_manager_a, vin=symptomatic, symptomatic=True)
    appointment_cancel(
        appointment_id=cancelled.pk, dealer_ids={shop.pk}, reason="Rebook", user=service_manager_a
    )
    booked = affected(ale, dealer=shop).vin
    _book(ale, shop, service_manager_a, vin=booked)
    remedied = affected(ale, dealer=shop, status="remedied").vin
    elsewhere = affected(ale, dealer=dealer_b).vin

    client.force_login(service_manager_a)
    response = client.get(reverse("booking-call-list"))
    assert response.status_code == 200
    rows = [row.record.vehicle_id for row in response.context["table"].page.object_list]
    assert rows == [symptomatic, held, oldest, newer]
    html = response.content.decode()
    assert booked not in html and remedied not in html and elsewhere not in html
    assert f"{reverse('booking-book')}?vin={oldest}&amp;campaign=ALE" in html


def test_the_call_list_filters_and_exports(client, ale, shop, service_manager_a, dealer_b):
    plain = affected(ale, dealer=shop).vin
    held = affected(ale, dealer=shop).vin
    _held(held, dealer_b)
    client.force_login(service_manager_a)
    rows = client.get(reverse("booking-call-list"), {"stop_sale": "yes"}).context["table"].page.object_list
    assert [r.record.vehicle_id for r in rows] == [held]
    rows = client.get(reverse("booking-call-list"), {"stop_sale": "no", "model": "GS 350", "year": "2007"})
    assert [r.record.vehicle_id for r in rows.context["table"].page.object_list] == [plain]
    export = client.get(reverse("booking-call-list"), {"_export": "csv"})
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert lines[0] == ["VIN", "Model", "Year", "Campaign", "Symptomatic", "Stop sale", "On the list since"]
    assert [line[0] for line in lines[1:]] == [held, plain] and lines[1][5] == "yes"
    xlsx = client.get(reverse("booking-call-list"), {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_principal_reads_the_call_list_without_booking(client, ale, shop, principal_a):
    affected(ale, dealer=shop)
    client.force_login(principal_a)
    response = client.get(reverse("booking-call-list"))
    assert response.status_code == 200 and reverse("booking-book") not in response.content.decode()


def _call_list_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("booking-call-list")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [3, 30])
def test_the_call_list_makes_the_same_queries_at_any_size(
    client, ale, shop, service_manager_a, dealer_b, size
):
    for n in range(size):
        vin = affected(ale, dealer=shop).vin
        if n % 3 == 0:
            _held(vin, dealer_b)
    client.force_login(service_manager_a)
    client.get(reverse("booking-call-list"))  # the session, the user, warm
    # session, user, memberships (scope), permissions (2: user's, groups'), covered models for
    # the filter's choices, the dealer, the count, the page.
    assert _call_list_queries(client, service_manager_a) == 9


@pytest.mark.parametrize("size", [2, 12])
def test_the_calendar_makes_the_same_queries_at_any_size(client, ale, shop, service_manager_a, size):
    monday = next_weekday(0)
    for n in range(size):
        _book(ale, shop, service_manager_a, date=monday + dt.timedelta(days=n % 5))
    client.force_login(service_manager_a)
    url = reverse("booking-calendar") + f"?view=week&date={monday.isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # session, user, memberships, permissions (2), the dealer, weekly hours, closures, shop
    # days, slots with their appointments and vehicles.
    assert len(queries) == 10
    assert response.content.decode().count('href="/appointments/') >= size


# --- booking --------------------------------------------------------------------------------


def test_the_booking_form_is_prefilled_and_books(client, ale, shop, service_manager_a):
    vin = affected(ale, dealer=shop).vin
    client.force_login(service_manager_a)
    page = client.get(reverse("booking-book"), {"vin": vin, "campaign": "ALE"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{vin}"' in html and "16.0 of 16.0 h free" in html and "js/booking.js" in html
    monday = next_weekday(0)
    response = client.post(
        reverse("booking-book"),
        {
            "dealer": shop.pk,
            "vin": vin,
            "campaign": "ALE",
            "date": monday.isoformat(),
            "time": "09:00",
            "transport": "waiter",
            "symptomatic": "on",
            "contact_preference": "sms",
            "notes": "",
        },
    )
    appointment = Appointment.objects.get(vehicle_id=vin)
    assert response.status_code == 302 and response["Location"] == reverse(
        "booking-detail", args=[appointment.pk]
    )
    assert appointment.symptomatic and appointment.contact_preference == "sms"


def test_a_refused_booking_shows_why_on_the_form(client, ale, shop, service_manager_a):
    client.force_login(service_manager_a)
    response = client.post(
        reverse("booking-book"),
        {
            "dealer": shop.pk,
            "vin": affected(ale, dealer=shop).vin,
            "campaign": "ALE",
            "date": next_weekday(6).isoformat(),
            "time": "09:00",
            "transport": "loaner",
            "contact_preference": "phone",
        },
    )
    assert response.status_code == 400 and "The shop is closed on Sunday" in response.content.decode()
    assert not Appointment.objects.exists()


def test_in_the_preliminary_phase_the_page_says_why_and_shows_no_form(
    client, ale, dealer_a, service_manager_a
):
    open_shop(dealer_a)
    client.force_login(service_manager_a)
    response = client.get(reverse("booking-book"), {"campaign": "ALE"})
    html = response.content.decode()
    assert response.status_code == 200 and "Parts are not yet available" in html and "wait-list" in html
    assert 'id="booking-form"' not in html


# --- the calendar ----------------------------------------------------------------------------


def test_the_calendar_shows_load_and_carried_over_jobs(client, ale, dealer_a, service_manager_a):
    bookable(ale, hours="22.0")
    open_shop(dealer_a, hours="16.0")
    monday = next_weekday(0)
    appointment = _book(ale, dealer_a, service_manager_a, date=monday, symptomatic=True, transport="loaner")
    ShopClosure.objects.create(dealer=dealer_a, date=monday + dt.timedelta(days=3), reason="Training")
    client.force_login(service_manager_a)
    week = client.get(
        reverse("booking-calendar"), {"view": "week", "date": (monday + dt.timedelta(days=2)).isoformat()}
    )
    html = week.content.decode()
    assert week.context["cal"].start == monday
    assert (
        "16.0 / 16.0 h" in html and "6.0 / 16.0 h" in html and "carried over" in html and "Training" in html
    )
    assert html.count(appointment.vehicle_id) == 2 and "Symptomatic" in html
    day = client.get(reverse("booking-calendar"), {"view": "day", "date": monday.isoformat()})
    assert "08:00" in day.content.decode() and len(day.context["cal"].days) == 1


def test_a_stranger_dealer_in_the_calendar_is_404(client, ale, dealer_b, service_manager_a):
    client.force_login(service_manager_a)
    assert client.get(reverse("booking-calendar"), {"dealer": dealer_b.code}).status_code == 404


# --- an appointment ----------------------------------------------------------------------------


def test_cancel_reschedule_and_no_show_from_the_detail_page(client, ale, shop, service_manager_a):
    appointment = _book(ale, shop, service_manager_a)
    client.force_login(service_manager_a)
    page = client.get(reverse("booking-detail", args=[appointment.pk]))
    assert page.status_code == 200 and "Reschedule" in page.content.decode()
    refused = client.post(reverse("booking-cancel", args=[appointment.pk]), {"reason": ""})
    assert refused.status_code == 400
    wednesday = next_weekday(2)
    moved = client.post(
        reverse("booking-reschedule", args=[appointment.pk]),
        {"date": wednesday.isoformat(), "time": "10:00", "reason": "Owner asked"},
    )
    assert moved.status_code == 302
    assert ShopDay.objects.get(date=wednesday).booked_hours == Decimal("6.0")
    early = client.post(reverse("booking-no-show", args=[appointment.pk]), {"reason": "Did not come"})
    assert early.status_code == 400 and "only after" in early.content.decode()
    done = client.post(reverse("booking-cancel", args=[appointment.pk]), {"reason": "Sold"})
    assert done.status_code == 302
    history = client.get(reverse("booking-detail", args=[appointment.pk])).content.decode()
    assert "Owner asked" in history and "Sold" in history and "Reschedule" not in history


def test_the_detail_page_checks_a_scheduled_appointment_in(client, ale, shop, service_manager_a, principal_a):
    appointment = _book(ale, shop, service_manager_a)
    check_in = reverse("repair-order-check-in", args=[appointment.pk])
    client.force_login(service_manager_a)
    assert check_in in client.get(reverse("booking-detail", args=[appointment.pk])).content.decode()
    client.force_login(principal_a)  # reads the appointment, opens no repair order
    assert check_in not in client.get(reverse("booking-detail", args=[appointment.pk])).content.decode()
    appointment_cancel(appointment_id=appointment.pk, dealer_ids={shop.pk}, reason="Sold", user=None)
    client.force_login(service_manager_a)
    assert check_in not in client.get(reverse("booking-detail", args=[appointment.pk])).content.decode()


# --- shop hours ----------------------------------------------------------------------------------


def test_shop_hours_and_closures(client, ale, shop, service_manager_a, principal_a):
    _book(ale, shop, service_manager_a)
    _book(ale, shop, service_manager_a)
    client.force_login(service_manager_a)
    refused = client.post(
        reverse("booking-shop"),
        {"weekday": 0, "opens_at": "07:00", "closes_at": "16:00", "technician_hours": "8"},
    )
    assert refused.status_code == 400 and "Reschedule those appointments first" in refused.content.decode()
    saved = client.post(
        reverse("booking-shop"),
        {"weekday": 5, "opens_at": "08:00", "closes_at": "12:00", "technician_hours": "8"},
    )
    assert saved.status_code == 302 and ShopHours.objects.get(dealer=shop, weekday=5).technician_hours == 8
    friday = next_weekday(4)
    assert (
        client.post(
            reverse("booking-closure-add"), {"date": friday.isoformat(), "reason": "Holiday"}
        ).status_code
        == 302
    )
    closure = ShopClosure.objects.get(dealer=shop)
    assert "Holiday" in client.get(reverse("booking-shop")).content.decode()
    assert client.post(reverse("booking-closure-remove", args=[closure.pk])).status_code == 302
    assert not ShopClosure.objects.exists()
    client.force_login(principal_a)
    page = client.get(reverse("booking-shop"))
    assert page.status_code == 200 and "Save hours" not in page.content.decode()


def test_the_service_managers_home_shows_today_tomorrow_and_the_call_list(
    client, ale, shop, service_manager_a
):
    affected(ale, dealer=shop)
    today = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo(shop.time_zone)).date()
    open_shop(shop, weekdays=range(7), opens=dt.time(0, 0), closes=dt.time(23, 59))
    tomorrow = _book(ale, shop, service_manager_a, date=today + dt.timedelta(days=1), time=dt.time(9, 0))
    client.force_login(service_manager_a)
    html = client.get(reverse("home")).content.decode()
    assert 'id="booking-home"' in html and tomorrow.vehicle_id in html
    assert reverse("booking-call-list") in html


def test_the_vehicle_record_lists_the_vins_appointments_in_scope(
    client, ale, shop, service_manager_a, service_manager_b
):
    appointment = _book(ale, shop, service_manager_a)
    client.force_login(service_manager_a)
    html = client.get(reverse("vehicle-record"), {"vin": appointment.vehicle_id}).content.decode()
    assert reverse("booking-detail", args=[appointment.pk]) in html and 'data-testid="appointments"' in html
    client.force_login(service_manager_b)
    html = client.get(reverse("vehicle-record"), {"vin": appointment.vehicle_id}).content.decode()
    assert reverse("booking-detail", args=[appointment.pk]) not in html


def test_the_vehicle_record_shows_each_appointment_once_with_its_actions(
    client, ale, shop, service_manager_a, principal_a, preowned_manager_a
):
    vin = affected(ale, dealer=shop).vin
    cancelled = _book(ale, shop, service_manager_a, vin=vin)
    appointment_cancel(
        appointment_id=cancelled.pk, dealer_ids={shop.pk}, reason="Owner away", user=service_manager_a
    )
    scheduled = _book(ale, shop, service_manager_a, vin=vin, time=dt.time(10, 0))
    client.force_login(service_manager_a)
    html = client.get(reverse("vehicle-record"), {"vin": vin}).content.decode()
    # One appointments card; the repair-history card does not list them again.
    assert html.count('data-testid="appointments"') == 1 and "history-appointments" not in html
    for appointment in (cancelled, scheduled):
        assert html.count(f'href="{reverse("booking-detail", args=[appointment.pk])}"') == 1
    assert html.count(f"{next_weekday(0):%Y-%m-%d} 10:00") == 1
    # Its actions: book, and check in the scheduled one (not the cancelled one).
    assert f"{reverse('booking-book')}?vin={vin}" in html
    assert reverse("repair-order-check-in", args=[scheduled.pk]) in html
    assert reverse("repair-order-check-in", args=[cancelled.pk]) not in html
    # A principal reads appointments but neither books nor checks in; a pre-owned manager
    # does not read appointments, so gets no card.
    client.force_login(principal_a)
    html = client.get(reverse("vehicle-record"), {"vin": vin}).content.decode()
    assert reverse("booking-detail", args=[scheduled.pk]) in html
    assert reverse("repair-order-check-in", args=[scheduled.pk]) not in html
    assert f"{reverse('booking-book')}?vin=" not in html
    client.force_login(preowned_manager_a)
    html = client.get(reverse("vehicle-record"), {"vin": vin}).content.decode()
    assert 'data-testid="appointments"' not in html
