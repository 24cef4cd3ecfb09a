"""Messages: the log for dealer principals and service managers (their dealer's), regional staff
(their region's) and national campaign administrators; the owner's unsubscribe page is public
(the signed link is the key); the owner's contact preference is set by the servicing dealer's
service manager (another dealer's vehicle is a 404)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.urls import reverse

from tests.access_matrix import PERSONAS, Case, World, assert_redirect, dealer_a_object, expect, only

READERS = (
    "principal_a",
    "service_manager_a",
    "principal_b",
    "service_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)


def _token(world: World) -> dict:
    from notifications.preferences import unsubscribe_token

    vehicle = world.affected_vehicle()
    return {"token": unsubscribe_token(vin=vehicle.vin, channel="email")}


def _vin_of_a(world: World) -> dict:
    return {"vin": world.affected_vehicle(dealer=world.dealer_a).vin}


def _unsubscribed(world, persona, response, kwargs) -> None:
    from notifications.preferences import contact_preference_choice, unsubscribe_read

    vin, _ = unsubscribe_read(kwargs["token"])
    assert response.status_code == 200 and contact_preference_choice(vin=vin) == "sms"


def _preference_set(world, persona, response, kwargs) -> None:
    from notifications.models import ContactPreferenceChange

    change = ContactPreferenceChange.objects.get(vehicle_id=kwargs["vin"])
    assert change.to_choice == "none" and change.by == world.users[persona]
    assert_redirect(
        response,
        f"{reverse('vehicle-record')}?{urlencode({'vin': kwargs['vin']})}",
        message="contact preference is saved",
    )


def _api_set(world, persona, response, kwargs) -> None:
    from notifications.models import ContactPreferenceChange

    assert response.json() == {"vin": kwargs["vin"], "choice": "email"}
    change = ContactPreferenceChange.objects.get(vehicle_id=kwargs["vin"])
    assert change.source == "api" and change.by == world.users[persona]


PREFERENCE_READERS = ("principal_a", "service_manager_a", "regional_west", "campaign_admin")

CASES = [
    Case("notifications-messages", expect=only(READERS)),
    Case("notifications-unsubscribe", kwargs=_token, expect=expect(default=200)),
    Case(
        "notifications-unsubscribe",
        method="post",
        kwargs=_token,
        expect=expect(default=200),
        writes=PERSONAS,
        effect=_unsubscribed,
    ),
    Case(
        "notifications-preference",
        method="post",
        kwargs=_vin_of_a,
        data={"choice": "none", "reason": "The owner asked on the phone."},
        # The superuser keeps no dealer's service desk: no vehicle is theirs to set (404).
        expect=dealer_a_object(ok=302, allowed=("service_manager_a",), superuser=404),
        writes=("service_manager_a",),
        effect=_preference_set,
    ),
    # The API: session here (the matrix's clients sign in); anonymous gets 401, not a redirect.
    Case(
        "api-contact-preference",
        kwargs=_vin_of_a,
        expect=dealer_a_object(allowed=PREFERENCE_READERS, anonymous=401),
    ),
    Case(
        "api-contact-preference",
        method="put",
        kwargs=_vin_of_a,
        data=json.dumps({"choice": "email", "reason": "Owner called: no texts."}),
        content_type="application/json",
        expect=dealer_a_object(ok=200, allowed=("service_manager_a",), superuser=404, anonymous=401),
        writes=("service_manager_a",),
        effect=_api_set,
    ),
]
