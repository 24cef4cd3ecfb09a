"""The wait-list pages: the dealer's line (and its at-risk section), joining, withdrawing, whom
to call; and the parts bits on the repairs and dealers pages (call list, vehicle record,
booking page in the preliminary phase, calendar, home)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Campaign, Kit
from parts.models import KitReservation, PartsArrivedNotice
from parts.reservations import waitlist_join
from repairs.appointments import dealer_today
from tests.parts.waitlist_factories import book, receive, tracked
from tests.repairs.factories import remedy_set
from tests.repairs.factories_booking import affected

pytestmark = pytest.mark.django_db
Status = KitReservation.Status


@pytest.fixture
def kit(ale):
    return tracked(ale)


def join(ale, dealer, user, **kwargs):
    vin = kwargs.pop("vin", None) or affected(ale, dealer=dealer).vin
    return waitlist_join(dealer_id=dealer.pk, vin=vin, campaign_id=ale.pk, user=user, **kwargs)


def test_the_list_is_in_priority_order_and_exports(ale, kit, dealer_a, service_manager_a, client_for):
    plain = join(ale, dealer_a, service_manager_a)
    urgent = join(ale, dealer_a, service_manager_a, symptomatic=True)
    client = client_for(service_manager_a)
    page = client.get(reverse("waitlist")).content.decode()
    assert page.index(urgent.vehicle_id) < page.index(plain.vehicle_id)
    assert "Symptomatic" in page and "04906-31021" in page
    assert reverse("waitlist-withdraw", args=[plain.pk]) in page
    csv = client.get(reverse("waitlist") + "?_export=csv").content.decode()
    lines = csv.splitlines()
    assert lines[0].startswith("VIN,Model,Year,Symptomatic,Stop sale,Waited (days),Status,Kit,Appointment")
    assert lines[1].startswith(urgent.vehicle_id) and "Waiting for parts" in lines[1]
    only_symptomatic = client.get(reverse("waitlist") + "?symptomatic=yes").content.decode()
    assert urgent.vehicle_id in only_symptomatic and plain.vehicle_id not in only_symptomatic


def test_the_principal_reads_the_list_without_withdrawing(
    ale, kit, dealer_a, service_manager_a, principal_a, client_for
):
    entry = join(ale, dealer_a, service_manager_a)
    page = client_for(principal_a).get(reverse("waitlist")).content.decode()
    assert entry.vehicle_id in page and reverse("waitlist-withdraw", args=[entry.pk]) not in page


def test_regional_staff_pick_a_dealer_of_their_region(
    ale, kit, dealer_a, dealer_b, service_manager_a, regional_west, client_for
):
    join(ale, dealer_a, service_manager_a)
    client = client_for(regional_west)
    assert client.get(reverse("waitlist") + f"?dealer={dealer_a.code}").status_code == 200
    assert client.get(reverse("waitlist") + f"?dealer={dealer_b.code}").status_code == 404


def test_join_from_the_form_and_its_refusals(ale, kit, dealer_a, service_manager_a, client_for):
    client = client_for(service_manager_a)
    vin = affected(ale, dealer=dealer_a).vin
    form = client.get(reverse("waitlist-join") + f"?vin={vin}&campaign=ALE").content.decode()
    assert vin in form
    data = {
        "dealer": dealer_a.pk,
        "vin": vin,
        "campaign": "ALE",
        "symptomatic": "on",
        "contact_preference": "sms",
        "notes": "Ticking",
    }
    response = client.post(reverse("waitlist-join"), data)
    assert response.status_code == 302
    entry = KitReservation.objects.get(vehicle_id=vin)
    assert entry.symptomatic and entry.contact_preference == "sms" and entry.notes == "Ticking"
    again = client.post(reverse("waitlist-join"), data)
    assert again.status_code == 400 and "already waiting" in again.content.decode()
    assert KitReservation.objects.filter(vehicle_id=vin).count() == 1


def test_join_in_the_preliminary_phase_from_the_booking_page(ale, dealer_a, service_manager_a, client_for):
    kit = Kit.objects.get(campaign=ale, part_number="04906-31021")
    remedy_set(ale, stock_kit=kit)
    assert ale.phase == Campaign.Phase.PRELIMINARY
    vin = affected(ale, dealer=dealer_a).vin
    client = client_for(service_manager_a)
    booking = client.get(reverse("booking-book") + f"?campaign=ALE&vin={vin}").content.decode()
    link = reverse("waitlist-join") + f"?campaign=ALE&amp;vin={vin}"
    assert link in booking
    assert vin in client.get(link.replace("&amp;", "&")).content.decode()
    response = client.post(
        reverse("waitlist-join"),
        {"dealer": dealer_a.pk, "vin": vin, "campaign": "ALE", "contact_preference": "phone"},
    )
    assert response.status_code == 302 and KitReservation.objects.get(vehicle_id=vin).status == Status.WAITING


def test_withdraw_with_a_reason(ale, kit, dealer_a, service_manager_a, client_for):
    receive(dealer_a, kit, 1)
    holder, nxt = join(ale, dealer_a, service_manager_a), join(ale, dealer_a, service_manager_a)
    client = client_for(service_manager_a)
    url = reverse("waitlist-withdraw", args=[holder.pk])
    assert holder.vehicle_id in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Sold the car"})
    assert response.status_code == 302
    holder.refresh_from_db(), nxt.refresh_from_db()
    assert holder.status == Status.RELEASED and nxt.status == Status.RESERVED
    assert holder.events.filter(to_status="released", reason="Sold the car", by=service_manager_a).exists()


def test_whom_to_call_books_or_marks_called(ale, kit, dealer_a, service_manager_a, client_for):
    waiting = join(ale, dealer_a, service_manager_a, contact_preference="email")
    booked = book(ale, dealer_a, user=service_manager_a)
    receive(dealer_a, kit, 2)
    client = client_for(service_manager_a)
    page = client.get(reverse("waitlist-to-call")).content.decode()
    assert waiting.vehicle_id in page and booked.vehicle_id in page and "E-mail" in page
    assert reverse("booking-book") + f"?vin={waiting.vehicle_id}&amp;campaign=ALE" in page
    assert reverse("booking-detail", args=[booked.pk]) in page
    notice = PartsArrivedNotice.objects.get(reservation=waiting)
    response = client.post(reverse("waitlist-called", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.called_at and notice.called_by == service_manager_a
    client.get(reverse("waitlist-to-call"))  # shows the flash message, which names the VIN
    assert waiting.vehicle_id not in client.get(reverse("waitlist-to-call")).content.decode()
    # Twice: the second click is told, and nothing changes.
    again = client.post(reverse("waitlist-called", args=[notice.pk]))
    assert again.status_code == 303


def test_the_call_list_and_the_vehicle_record_offer_the_wait_list(
    ale, kit, dealer_a, service_manager_a, client_for
):
    vin = affected(ale, dealer=dealer_a).vin
    client = client_for(service_manager_a)
    call_list = client.get(reverse("booking-call-list")).content.decode()
    assert reverse("waitlist-join") + f"?vin={vin}&amp;campaign=ALE" in call_list
    record = client.get(reverse("vehicle-record") + f"?vin={vin}").content.decode()
    assert reverse("waitlist-join") + f"?vin={vin}" in record and "Not on a wait-list" in record
    join(ale, dealer_a, service_manager_a, vin=vin)
    record = client.get(reverse("vehicle-record") + f"?vin={vin}").content.decode()
    assert "Waiting for parts" in record and dealer_a.name in record


def test_the_parts_manager_sees_no_join_button_on_the_call_list_page_he_cannot_open(
    parts_manager_a, client_for
):
    assert client_for(parts_manager_a).get(reverse("booking-call-list")).status_code == 403


def test_appointments_within_three_days_without_a_kit_are_at_risk(
    ale, kit, dealer_a, service_manager_a, client_for
):
    soon = book(ale, dealer_a, days=2, user=service_manager_a)
    later = book(ale, dealer_a, days=5, user=service_manager_a)
    client = client_for(service_manager_a)
    page = client.get(reverse("waitlist")).content.decode()
    at_risk = page[page.index('id="at-risk"') : page.index("</section>", page.index('id="at-risk"'))]
    assert soon.vehicle_id in at_risk and later.vehicle_id not in at_risk
    day = dealer_today(dealer_a) + dt.timedelta(days=2)
    calendar = client.get(reverse("booking-calendar") + f"?view=day&date={day.isoformat()}").content.decode()
    assert "At risk: no kit" in calendar
    assert "At risk: no kit" in client.get(reverse("booking-detail", args=[soon.pk])).content.decode()
    assert "At risk: no kit" not in client.get(reverse("booking-detail", args=[later.pk])).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert 'id="parts-home"' in home and soon.vehicle_id in home
    # The kit arrives: no longer at risk.
    receive(dealer_a, kit, 2)
    page = client.get(reverse("waitlist")).content.decode()
    at_risk = page[page.index('id="at-risk"') : page.index("</section>", page.index('id="at-risk"'))]
    assert soon.vehicle_id not in at_risk


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [3, 30])
def test_the_wait_list_makes_the_same_queries_at_any_size(
    ale, kit, dealer_a, service_manager_a, client_for, size
):
    for n in range(size):
        if n % 3 == 0:
            book(ale, dealer_a, days=1, user=service_manager_a)
        else:
            join(ale, dealer_a, service_manager_a, symptomatic=n % 2 == 0)
    # session, user, memberships (scope), permissions (2: user's, groups'), the dealer, the
    # count, the page, the at-risk appointments, the dealers to choose from.
    assert _queries(client_for(service_manager_a), reverse("waitlist")) == 10


@pytest.mark.parametrize("size", [3, 30])
def test_whom_to_call_makes_the_same_queries_at_any_size(
    ale, kit, dealer_a, service_manager_a, client_for, size
):
    for n in range(size):
        if n % 3 == 0:
            book(ale, dealer_a, user=service_manager_a)
        else:
            join(ale, dealer_a, service_manager_a)
    receive(dealer_a, kit, size)
    assert PartsArrivedNotice.objects.count() == size
    # session, user, memberships, permissions (2), the dealer, the count, the page.
    assert _queries(client_for(service_manager_a), reverse("waitlist-to-call")) == 8
