"""The one-click unsubscribe: signed, idempotent, a POST (the page's button or a mail client's
RFC 8058 one-click), honoured before the next message."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from notifications.models import ContactPreferenceChange, Message
from notifications.preferences import contact_preference_choice, unsubscribe_token, unsubscribe_url
from tests.notifications.factories import booked, owner_vehicle

pytestmark = pytest.mark.django_db


def _path(vin: str, channel: str = "email") -> str:
    return unsubscribe_url(vin=vin, channel=channel).split("8000", 1)[-1]


def test_the_link_in_a_message_opens_a_page_that_asks_before_it_changes_anything(
    ale, dealer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(ale, dealer_a)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/unsubscribe/" in line).split(": ", 1)[
        1
    ]
    page = Client().get(link.split("8000", 1)[1])
    assert page.status_code == 200 and b"Stop e-mails" in page.content
    assert appointment.vehicle.vin[-6:].encode() in page.content
    assert appointment.vehicle.vin.encode() not in page.content  # the whole VIN is not shown
    assert contact_preference_choice(vin=appointment.vehicle_id) == "both"


def test_confirming_stops_that_channel_only_and_a_second_click_changes_nothing(ale, dealer_a):
    vehicle = owner_vehicle(ale, dealer_a)
    client = Client(enforce_csrf_checks=True)  # a mail client has no CSRF cookie either
    done = client.post(_path(vehicle.vin))
    assert done.status_code == 200 and b"no more e-mails" in done.content
    assert contact_preference_choice(vin=vehicle.vin) == "sms"
    again = client.post(_path(vehicle.vin))
    assert b"already unsubscribed" in again.content
    (change,) = ContactPreferenceChange.objects.filter(vehicle=vehicle)
    assert (change.from_choice, change.to_choice, change.source) == ("", "sms", "unsubscribe")
    client.post(_path(vehicle.vin, "sms"))
    assert contact_preference_choice(vin=vehicle.vin) == "none"


def test_a_mail_clients_one_click_post_unsubscribes(ale, dealer_a):
    vehicle = owner_vehicle(ale, dealer_a)
    response = Client(enforce_csrf_checks=True).post(
        _path(vehicle.vin),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and contact_preference_choice(vin=vehicle.vin) == "sms"


def test_the_next_message_honours_it(ale, dealer_a, sms_outbox, django_capture_on_commit_callbacks):
    vehicle = owner_vehicle(ale, dealer_a)
    Client().post(_path(vehicle.vin))
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, vehicle=vehicle)
    assert mail.outbox == [] and len(sms_outbox) == 1
    assert Message.objects.get(channel="email").status == "skipped"


@pytest.mark.parametrize("how", ["tampered", "other-salt", "garbage"])
def test_a_forged_link_is_refused_and_changes_nothing(ale, dealer_a, how):
    from django.core import signing

    vehicle = owner_vehicle(ale, dealer_a)
    token = {
        "tampered": unsubscribe_token(vin=vehicle.vin, channel="email")[:-2] + "xx",
        "other-salt": signing.Signer(salt="something.else").sign_object({"v": vehicle.vin, "c": "email"}),
        "garbage": "not-a-token",
    }[how]
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/messages/unsubscribe/{token}/")
        assert response.status_code in (400, 303)
    assert contact_preference_choice(vin=vehicle.vin) == "both"
    assert not ContactPreferenceChange.objects.exists()
    page = Client().get(f"/messages/unsubscribe/{token}/")
    assert b"not valid" in page.content


def test_every_owner_email_carries_the_one_click_headers(ale, dealer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(ale, dealer_a)
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"] == f"<{unsubscribe_url(vin=appointment.vehicle_id, channel='email')}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
