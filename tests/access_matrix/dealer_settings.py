"""The dealer settings page: principals read their dealer's, service managers also set its time zone.

The page lists only the dealers where the user is principal or service manager, so regional
and national staff are refused (the administrator sets rates and zones in Django admin). A
service manager naming another dealer gets 404; the superuser, who works at no dealer, too.
"""

from __future__ import annotations

from tests.access_matrix import Case, World, assert_redirect, expect

READERS = ("principal_a", "service_manager_a", "principal_b", "service_manager_b", "superuser")


def _set_chicago(w: World) -> dict:
    return {"dealer": w.dealer_a.pk, "time_zone": "America/Chicago"}


def _zone_set(w: World, persona: str, response, kwargs: dict) -> None:
    assert_redirect(response, "/dealer/settings/", message="time zone set to Central (Chicago)")
    w.dealer_a.refresh_from_db()
    assert w.dealer_a.time_zone == "America/Chicago"


CASES = [
    Case(
        "dealer-settings",
        expect=expect(default=403, anonymous=302, **dict.fromkeys(READERS, 200)),
    ),
    Case(
        "dealer-settings",
        method="post",
        data=_set_chicago,
        expect=expect(
            default=403,
            anonymous=302,
            service_manager_a=302,
            # Dealer A is not theirs (and the superuser works at no dealer): not found.
            service_manager_b=404,
            superuser=404,
        ),
        writes=("service_manager_a",),
        effect=_zone_set,
        id="time-zone",
    ),
]
