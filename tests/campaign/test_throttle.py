"""The per-client limit on public look-ups (campaign.throttling): a fixed-window counter."""

from __future__ import annotations

import itertools
import logging
import random

import pytest
import redis
from django.urls import reverse

from campaign import throttling
from campaign.throttling import lookup_throttle_hit, parse_rate

pytestmark = pytest.mark.django_db

# Each test counts in a window of its own, far in the future and different on every run,
# so counters left in a shared Redis by another test or run never leak in.
_FIRST_DAY = (4_000_000_000 + random.SystemRandom().randrange(10**6) * 604_800) // 86_400 * 86_400
_days = itertools.count()
CLEAN_VIN = "1HGCM82633A004352"


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttle's clock, half a second into a fresh day (so into a fresh minute and hour)."""
    now = {"t": _FIRST_DAY + next(_days) * 2 * 86_400 + 0.5}
    monkeypatch.setattr(throttling, "_now", lambda: now["t"])
    return now


def api(vin: str = CLEAN_VIN) -> str:
    return reverse("api-vin-recalls", kwargs={"vin": vin})


@pytest.fixture
def three_a_minute(settings, ale):
    settings.LOOKUP_THROTTLE_RATE = "3/minute"


def test_refused_past_the_limit_with_retry_after(client, three_a_minute):
    for _ in range(3):
        assert client.get(api()).status_code == 200
    response = client.get(api())
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "Too many look-ups from your address; try again in 60 seconds.",
        "code": "throttled",
        "retry_after": 60,
    }


def test_retry_after_counts_down_to_the_end_of_the_window(client, three_a_minute, clock):
    for _ in range(3):
        client.get(api())
    clock["t"] += 45
    response = client.get(api())
    assert response.status_code == 429
    assert response["Retry-After"] == "15"


def test_a_new_window_lets_the_client_in_again(client, three_a_minute, clock):
    for _ in range(4):
        client.get(api())
    clock["t"] += 60
    assert client.get(api()).status_code == 200


def test_mistyped_vins_count_too(client, three_a_minute):
    for _ in range(3):
        assert client.get(api("JTHBE96S270007930")).status_code == 400
    assert client.get(api()).status_code == 429


def test_each_client_address_has_its_own_count(client, three_a_minute):
    for _ in range(3):
        client.get(api(), REMOTE_ADDR="198.51.100.1")
    assert client.get(api(), REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get(api(), REMOTE_ADDR="198.51.100.2").status_code == 200


def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, three_a_minute):
    # Anyone can write the header: trusting it would give a fresh identity per request.
    for n in range(3):
        client.get(api(), REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.get(api(), REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_client_is_what_the_proxy_saw(client, three_a_minute, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    # The client may prepend anything; our proxy appends the address it saw, last.
    for spoof in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        client.get(api(), HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.7", **proxy)
    assert client.get(api(), HTTP_X_FORWARDED_FOR="4.4.4.4, 203.0.113.7", **proxy).status_code == 429
    assert client.get(api(), HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200


def test_the_public_page_shares_the_limit(client, three_a_minute):
    for _ in range(3):
        client.get(api())
    response = client.get(reverse("public-lookup"), {"vin": CLEAN_VIN})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert b"Too many look-ups from your connection" in response.content


def test_an_unthrottled_page_view_is_not_counted(client, three_a_minute):
    # Opening the empty form is not a look-up.
    for _ in range(5):
        assert client.get(reverse("public-lookup")).status_code == 200
    assert client.get(api()).status_code == 200


# --- The counter itself -------------------------------------------------------------------


@pytest.fixture
def with_redis(settings):
    # The README's test command (and CI) set REDIS_URL; fall back to this machine's Redis.
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/2"
    return settings.REDIS_URL


def test_redis_counter_is_one_round_trip_per_request(with_redis, monkeypatch):
    sent = []
    original = redis.connection.Connection.send_packed_command

    def counting(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    lookup_throttle_hit(client="192.0.2.9", rate="2/minute")  # connects (handshake commands)
    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
    counts = [lookup_throttle_hit(client="192.0.2.10", rate="2/minute") for _ in range(3)]
    assert [d.count for d in counts] == [1, 2, 3]
    assert [d.allowed for d in counts] == [True, True, False]
    # INCR and EXPIRE NX travel together: one write (then two replies read) per look-up.
    assert len(sent) == 3
    assert all(b"INCR" in b"".join(c) and b"EXPIRE" in b"".join(c) and b"NX" in b"".join(c) for c in sent)


def test_redis_key_expires_with_its_window(with_redis, clock):
    lookup_throttle_hit(client="192.0.2.11", rate="5/hour")
    window = int(clock["t"] // 3600)
    ttl = redis.Redis.from_url(with_redis).ttl(f"{throttling.KEY_PREFIX}:3600:{window}:192.0.2.11")
    assert 0 < ttl <= 3601


def test_without_redis_the_django_cache_counts(settings):
    settings.REDIS_URL = None
    decisions = [lookup_throttle_hit(client="192.0.2.12", rate="2/minute") for _ in range(3)]
    assert [d.count for d in decisions] == [1, 2, 3]
    assert decisions[-1].allowed is False
    assert decisions[-1].retry_after == 60


def test_an_unreachable_redis_lets_look_ups_through(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="campaign.throttling"):
        decision = lookup_throttle_hit(client="192.0.2.13", rate="1/minute")
    assert decision.allowed is True
    assert "throttle unavailable" in caplog.text


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("120/minute", (120, 60)), ("5/second", (5, 1)), ("10/hour", (10, 3600)), ("1/day", (1, 86400))],
)
def test_parse_rate(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("client", ["192.0.2.1", "2001:db8::8a2e:370:7334", "unknown"])
@pytest.mark.parametrize("period", [1, 60, 3600, 86400])
def test_the_hand_packed_commands_are_what_redis_py_sends(client, period):
    key = throttling._key(period=period, window=4_000_000_000 // period, client=client)
    packed_by_redis_py = redis.Connection().pack_commands([("INCR", key), ("EXPIRE", key, period + 1, "NX")])
    assert b"".join(packed_by_redis_py) == throttling._commands(key, period)
