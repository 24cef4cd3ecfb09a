"""The wait-list: dealer staff who read parts (principal, service and parts managers), regional
and national planners see a dealer's list; service and parts managers put owners on it and take
them off; the service department sees whom to call, and the service manager records the call.
Another dealer's entry is a 404. The API likewise (anonymous: 401)."""

from __future__ import annotations

import json

from django.urls import reverse

from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, only

READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)
KEEPERS = ("service_manager_a", "parts_manager_a", "service_manager_b", "parts_manager_b")
CALLERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "superuser",
)


def _tracked(world: World) -> None:
    from tests.parts.waitlist_factories import tracked

    tracked(world.ale)


def _entry(world: World, *, dealer=None):
    from parts.reservations import waitlist_join

    _tracked(world)
    dealer = dealer or world.dealer_a
    vin = world.affected_vehicle(dealer=dealer).vin
    return waitlist_join(dealer_id=dealer.pk, vin=vin, campaign_id=world.ale.pk, user=None)


def _entry_of_a(world: World) -> dict:
    return {"pk": _entry(world).pk}


def _notice_of_a(world: World) -> dict:
    from parts.models import PartsArrivedNotice
    from tests.parts.waitlist_factories import receive

    entry = _entry(world)
    receive(world.dealer_a, entry.kit, 1)
    return {"pk": PartsArrivedNotice.objects.get(reservation=entry).pk}


def _join_form(world: World) -> dict:
    return {
        "dealer": world.dealer_a.pk,
        "vin": world.affected_vehicle(dealer=world.dealer_a).vin,
        "campaign": "ALE",
        "contact_preference": "phone",
    }


def _joined(world, persona, response, kwargs) -> None:
    from parts.models import KitReservation

    entry = KitReservation.objects.filter(created_by=world.users[persona]).latest("pk")
    assert entry.dealer == world.dealer_a and entry.status == "waiting"
    assert_redirect(
        response, f"{reverse('waitlist')}?dealer={world.dealer_a.code}", message="on the wait-list"
    )


def _withdrawn(world, persona, response, kwargs) -> None:
    from parts.models import KitReservation

    entry = KitReservation.objects.get(pk=kwargs["pk"])
    assert (
        entry.status == "released" and entry.events.filter(by=world.users[persona], reason="Matrix").exists()
    )
    assert_redirect(
        response, f"{reverse('waitlist')}?dealer={world.dealer_a.code}", message="left the wait-list"
    )


def _called(world, persona, response, kwargs) -> None:
    from parts.models import PartsArrivedNotice

    notice = PartsArrivedNotice.objects.get(pk=kwargs["pk"])
    assert notice.called_at and notice.called_by == world.users[persona]
    assert_redirect(response, reverse("waitlist-to-call"), message="Called the owner")


def _api_join_body(world: World) -> str:
    _tracked(world)
    return json.dumps({"vin": world.affected_vehicle().vin, "campaign": "ALE"})


def _api_joined(world, persona, response, kwargs) -> None:
    from parts.models import KitReservation

    body = response.json()
    entry = KitReservation.objects.get(pk=body["id"])
    assert body["status"] == "waiting" and entry.created_by == world.users[persona]


def _api_withdrawn(world, persona, response, kwargs) -> None:
    from parts.models import KitReservation

    assert response.json()["status"] == "released"
    assert KitReservation.objects.get(pk=kwargs["pk"]).status == "released"


# The superuser holds every permission but keeps no dealer's list: no entry is theirs (404),
# and joining names no dealer of theirs (403).
CASES = [
    Case("waitlist", setup=_tracked, expect=only(READERS)),
    Case("waitlist-join", setup=_tracked, expect=only(KEEPERS), id="form"),
    # Dealer A's owner: A's keepers are sent to the list; B's get the form back (dealer A is not
    # one of their choices) and nothing is written.
    Case(
        "waitlist-join",
        method="post",
        setup=_tracked,
        data=_join_form,
        expect=only(KEEPERS, ok=400, service_manager_a=302, parts_manager_a=302),
        writes=("service_manager_a", "parts_manager_a"),
        effect=_joined,
        id="dealer-a",
    ),
    Case(
        "waitlist-withdraw",
        kwargs=_entry_of_a,
        expect=dealer_a_object(allowed=("service_manager_a", "parts_manager_a"), superuser=404),
        id="form",
    ),
    Case(
        "waitlist-withdraw",
        method="post",
        kwargs=_entry_of_a,
        data={"reason": "Matrix"},
        expect=dealer_a_object(ok=302, allowed=("service_manager_a", "parts_manager_a"), superuser=404),
        writes=("service_manager_a", "parts_manager_a"),
        effect=_withdrawn,
    ),
    Case("waitlist-to-call", setup=_tracked, expect=only(CALLERS)),
    Case(
        "waitlist-called",
        method="post",
        kwargs=_notice_of_a,
        expect=dealer_a_object(ok=302, allowed=("service_manager_a",), superuser=404),
        writes=("service_manager_a",),
        effect=_called,
    ),
    # The API: session here (the matrix's clients sign in); anonymous gets 401, not a redirect.
    Case("api-waitlist", setup=_tracked, expect=only(READERS, anonymous=401)),
    Case(
        "api-waitlist",
        method="post",
        data=_api_join_body,
        content_type="application/json",
        # Each keeper puts the owner on their own dealer's list.
        expect=only(KEEPERS, ok=201, anonymous=401),
        writes=KEEPERS,
        effect=_api_joined,
        id="join",
    ),
    Case(
        "api-waitlist-withdraw",
        method="post",
        kwargs=_entry_of_a,
        data=json.dumps({"reason": "Matrix"}),
        content_type="application/json",
        expect=dealer_a_object(
            ok=200, allowed=("service_manager_a", "parts_manager_a"), superuser=404, anonymous=401
        ),
        writes=("service_manager_a", "parts_manager_a"),
        effect=_api_withdrawn,
    ),
]
