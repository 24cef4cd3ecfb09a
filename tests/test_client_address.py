"""One client address for the look-up throttle and the sign-in lock-out (config/client_address.py)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

import campaign.throttling as throttling

pytestmark = pytest.mark.django_db

ALE_VIN = "JTHBE96S170007930"


@pytest.fixture
def throttle_clients(monkeypatch):
    """The client each look-up is counted against, as the throttle sees it."""
    seen: list[str] = []
    real = throttling.lookup_throttle_hit

    def spy(*, client: str, rate: str | None = None):
        seen.append(client)
        return real(client=client, rate="100000/minute")

    monkeypatch.setattr(throttling, "lookup_throttle_hit", spy)
    return seen


@pytest.mark.parametrize(
    ("proxies", "headers", "client"),
    [
        # Straight to gunicorn: REMOTE_ADDR; a forged X-Forwarded-For changes nothing.
        (0, {"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        (0, {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.7"),
        # Behind one proxy: the address it appended, not what the client wrote before it.
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}, "203.0.113.7"),
        # Behind two: the second from the right.
        (
            2,
            {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7, 10.0.0.2"},
            "203.0.113.7",
        ),
    ],
)
def test_the_lock_out_and_the_throttle_see_the_same_client(
    settings, throttle_clients, ale, proxies, headers, client
):
    settings.TRUSTED_PROXY_COUNT = proxies
    browser = Client(**headers)
    browser.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    browser.get(f"/api/v1/vins/{ALE_VIN}/")

    assert AccessAttempt.objects.get(username="nobody").ip_address == client
    assert throttle_clients == [client]


def test_a_forged_forwarded_for_does_not_give_a_fresh_address_per_guess(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
            "/accounts/login/", {"username": f"guess{i}", "password": "wrong-password"}
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.99").post(
        "/accounts/login/", {"username": "guess-next", "password": "wrong-password"}
    )
    assert locked.status_code == 429


def test_a_junk_forwarded_entry_falls_back_to_the_peer_address(settings):
    # A request that reached gunicorn without passing our proxy: what it wrote is not an address.
    settings.TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="<script>").post(
        "/accounts/login/", {"username": "nobody", "password": "wrong-password"}
    )
    assert AccessAttempt.objects.get(username="nobody").ip_address == "203.0.113.7"


def test_a_sign_in_without_any_address_is_recorded_without_one(client, service_manager_a):
    client.force_login(service_manager_a)  # Django's fake request carries no REMOTE_ADDR
    assert client.get("/").status_code == 200
