"""Booking: service managers book and change their own dealer's appointments and set its shop
hours; principals read; parts managers, regional, national and warranty staff see the calendar
and appointments in their scope. Another dealer's appointment is a 404. The API likewise."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, dealer_b_object, only

SERVICE = ("service_manager_a", "service_manager_b")
DEALER_READERS = ("principal_a", "service_manager_a", "principal_b", "service_manager_b")
# The calendar: every holder of repairs.view_appointment (pre-owned managers have none).
CALENDAR = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "warranty_admin",
    "superuser",
)
APPOINTMENT_READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "regional_west",
    "campaign_admin",
    "warranty_admin",
)


def _ready(world: World) -> None:
    from tests.repairs.factories_booking import bookable, open_shop

    bookable(world.ale)
    # Room for every persona's appointment on the same Monday.
    open_shop(world.dealer_a, hours="999.0")
    open_shop(world.dealer_b, hours="999.0")


def _monday() -> str:
    from tests.repairs.factories_booking import next_weekday

    return next_weekday(0).isoformat()


def _appointment(world: World, *, dealer=None, past: bool = False):
    from repairs.appointments import appointment_book
    from repairs.models import Appointment
    from tests.repairs.factories_booking import affected

    _ready(world)
    dealer = dealer or world.dealer_a
    appointment = appointment_book(
        dealer_id=dealer.pk,
        vin=affected(world.ale, dealer=dealer).vin,
        campaign_id=world.ale.pk,
        date=dt.date.fromisoformat(_monday()),
        time=dt.time(8, 0),
        transport="drop_off",
        user=None,
    )
    if past:
        Appointment.objects.filter(pk=appointment.pk).update(start_at=timezone.now() - dt.timedelta(hours=2))
    return appointment


def _of_a(world: World) -> dict:
    return {"pk": _appointment(world).pk}


def _of_b(world: World) -> dict:
    return {"pk": _appointment(world, dealer=world.dealer_b).pk}


def _past_of_a(world: World) -> dict:
    return {"pk": _appointment(world, past=True).pk}


def _booking_form(world: World) -> dict:
    from tests.repairs.factories_booking import affected

    return {
        "dealer": world.dealer_a.pk,
        "vin": affected(world.ale, dealer=world.dealer_a).vin,
        "campaign": "ALE",
        "date": _monday(),
        "time": "08:00",
        "transport": "loaner",
        "contact_preference": "phone",
    }


def _booked(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    appointment = Appointment.objects.filter(created_by=world.users[persona]).latest("pk")
    assert appointment.dealer == world.dealer_a and appointment.slots.exists()
    assert_redirect(response, reverse("booking-detail", args=[appointment.pk]), message="Booked")


def _status_is(status: str, message: str):
    def check(world, persona, response, kwargs) -> None:
        from repairs.models import Appointment

        appointment = Appointment.objects.get(pk=kwargs["pk"])
        assert appointment.status == status and appointment.events.filter(by=world.users[persona]).exists()
        assert_redirect(response, reverse("booking-detail", args=[appointment.pk]), message=message)

    return check


def _moved(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    appointment = Appointment.objects.get(pk=kwargs["pk"])
    assert appointment.events.filter(reason="Matrix", from_start_at__isnull=False).exists()
    assert_redirect(response, reverse("booking-detail", args=[appointment.pk]), message="Rescheduled")


def _hours_saved(world, persona, response, kwargs) -> None:
    from repairs.models import ShopHours

    dealer = world.dealer_a if persona == "service_manager_a" else world.dealer_b
    assert ShopHours.objects.get(dealer=dealer, weekday=5).technician_hours == 4
    assert_redirect(response, reverse("booking-shop"), message="Saturday hours saved")


def _closed(world, persona, response, kwargs) -> None:
    from repairs.models import ShopClosure

    dealer = world.dealer_a if persona == "service_manager_a" else world.dealer_b
    assert ShopClosure.objects.filter(dealer=dealer, reason="Matrix").exists()
    assert_redirect(response, reverse("booking-shop"), message="Closed on")


def _closure_of_a(world: World) -> dict:
    from repairs.models import ShopClosure

    day = timezone.localdate() + dt.timedelta(days=40 + ShopClosure.objects.count())
    return {"pk": ShopClosure.objects.create(dealer=world.dealer_a, date=day, reason="Matrix").pk}


def _reopened(world, persona, response, kwargs) -> None:
    from repairs.models import ShopClosure

    assert not ShopClosure.objects.filter(pk=kwargs["pk"]).exists()
    assert_redirect(response, reverse("booking-shop"), message="Open again")


def _api_body(world: World) -> str:
    from tests.repairs.factories_booking import affected

    _ready(world)
    return json.dumps(
        {
            "vin": affected(world.ale).vin,
            "campaign": "ALE",
            "date": _monday(),
            "time": "08:00",
            "transport": "loaner",
            "symptomatic": False,
        }
    )


def _api_booked(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    body = response.json()
    appointment = Appointment.objects.get(pk=body["id"])
    assert body["status"] == "scheduled" and appointment.created_by == world.users[persona]


def _api_cancelled(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    assert response.json()["status"] == "cancelled"
    assert Appointment.objects.get(pk=kwargs["pk"]).status == "cancelled"


def _api_moved(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    body = response.json()
    appointment = Appointment.objects.get(pk=kwargs["pk"])
    assert body["status"] == "scheduled" and body["start"].startswith(_monday() + "T10:00")
    assert appointment.events.filter(reason="Matrix", by=world.users[persona]).exists()


def _api_no_show(world, persona, response, kwargs) -> None:
    from repairs.models import Appointment

    assert response.json()["status"] == "no_show"
    assert Appointment.objects.get(pk=kwargs["pk"]).events.filter(to_status="no_show").exists()


SHOP_WRITE = {"weekday": 5, "opens_at": "08:00", "closes_at": "12:00", "technician_hours": "4"}

CASES = [
    Case("booking-call-list", setup=_ready, expect=only(DEALER_READERS)),
    Case("booking-book", setup=_ready, expect=only(SERVICE), id="form"),
    # Dealer A's booking: A's service manager is sent to the new appointment; B's gets the form
    # back (dealer A is not one of their choices) and nothing is written.
    Case(
        "booking-book",
        method="post",
        setup=_ready,
        data=_booking_form,
        expect=only(SERVICE, ok=400, service_manager_a=302),
        writes=("service_manager_a",),
        effect=_booked,
        id="dealer-a",
    ),
    Case("booking-calendar", setup=_ready, expect=only(CALENDAR)),
    Case("booking-detail", kwargs=_of_a, expect=dealer_a_object(allowed=APPOINTMENT_READERS)),
    Case("booking-detail", kwargs=_of_b, expect=dealer_b_object(allowed=APPOINTMENT_READERS), id="dealer-b"),
    Case(
        "booking-reschedule",
        method="post",
        kwargs=_of_a,
        data=lambda w: {"date": _monday(), "time": "10:00", "reason": "Matrix"},
        expect=dealer_a_object(ok=302, allowed=("service_manager_a",)),
        writes=("service_manager_a",),
        effect=_moved,
    ),
    Case(
        "booking-cancel",
        method="post",
        kwargs=_of_a,
        data={"reason": "Matrix"},
        expect=dealer_a_object(ok=302, allowed=("service_manager_a",)),
        writes=("service_manager_a",),
        effect=_status_is("cancelled", "cancelled"),
    ),
    Case(
        "booking-cancel",
        method="post",
        kwargs=_of_b,
        data={"reason": "Matrix"},
        expect=dealer_b_object(ok=302, allowed=("service_manager_a",)),
        writes=("service_manager_b",),
        effect=_status_is("cancelled", "cancelled"),
        id="dealer-b",
    ),
    Case(
        "booking-no-show",
        method="post",
        kwargs=_past_of_a,
        data={"reason": "Matrix"},
        expect=dealer_a_object(ok=302, allowed=("service_manager_a",)),
        writes=("service_manager_a",),
        effect=_status_is("no_show", "No-show recorded"),
    ),
    Case("booking-shop", expect=only(DEALER_READERS)),
    # Each service manager sets their own dealer's hours (the page is about the user's dealer).
    Case(
        "booking-shop",
        method="post",
        data=SHOP_WRITE,
        expect=only(SERVICE, ok=302),
        writes=SERVICE,
        effect=_hours_saved,
        id="hours",
    ),
    Case(
        "booking-closure-add",
        method="post",
        data=lambda w: {
            "date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "reason": "Matrix",
        },
        expect=only(SERVICE, ok=302),
        writes=SERVICE,
        effect=_closed,
    ),
    Case(
        "booking-closure-remove",
        method="post",
        kwargs=_closure_of_a,
        # The superuser holds the permission but keeps no dealer's shop: no closure is theirs.
        expect=only(SERVICE, ok=302, service_manager_b=404, superuser=404),
        writes=("service_manager_a",),
        effect=_reopened,
    ),
    # The API: session here (the matrix's clients sign in); anonymous gets 401, not a redirect.
    Case("api-appointments", expect=only(CALENDAR, anonymous=401)),
    Case(
        "api-appointments",
        method="post",
        data=_api_body,
        content_type="application/json",
        # Any dealer may book any affected VIN: each service manager books at their own dealer.
        expect=only(SERVICE, ok=201, anonymous=401),
        writes=SERVICE,
        effect=_api_booked,
        id="book",
    ),
    Case("api-appointment", kwargs=_of_a, expect=dealer_a_object(allowed=APPOINTMENT_READERS, anonymous=401)),
    Case(
        "api-appointment",
        kwargs=_of_b,
        expect=dealer_b_object(allowed=APPOINTMENT_READERS, anonymous=401),
        id="dealer-b",
    ),
    Case(
        "api-appointment-cancel",
        method="post",
        kwargs=_of_a,
        data=json.dumps({"reason": "Matrix"}),
        content_type="application/json",
        expect=dealer_a_object(ok=200, allowed=("service_manager_a",), anonymous=401),
        writes=("service_manager_a",),
        effect=_api_cancelled,
    ),
    Case(
        "api-appointment-reschedule",
        method="post",
        kwargs=_of_a,
        data=lambda w: json.dumps({"date": _monday(), "time": "10:00", "reason": "Matrix"}),
        content_type="application/json",
        expect=dealer_a_object(ok=200, allowed=("service_manager_a",), anonymous=401),
        writes=("service_manager_a",),
        effect=_api_moved,
    ),
    Case(
        "api-appointment-reschedule",
        method="post",
        kwargs=_of_b,
        data=lambda w: json.dumps({"date": _monday(), "time": "10:00", "reason": "Matrix"}),
        content_type="application/json",
        expect=dealer_b_object(ok=200, allowed=("service_manager_a",), anonymous=401),
        writes=("service_manager_b",),
        effect=_api_moved,
        id="dealer-b",
    ),
    Case(
        "api-appointment-no-show",
        method="post",
        kwargs=_past_of_a,
        data=json.dumps({"reason": "Matrix"}),
        content_type="application/json",
        expect=dealer_a_object(ok=200, allowed=("service_manager_a",), anonymous=401),
        writes=("service_manager_a",),
        effect=_api_no_show,
    ),
]
