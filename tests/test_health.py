"""GET /healthz: 200 when the database and Redis answer, 503 naming what failed; no data, no session."""

from __future__ import annotations

import socket

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from config import health

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_healthy_is_200_with_nothing_but_the_status(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1; no session or user is loaded
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response and not response.cookies


def test_the_suite_checks_redis_when_it_is_configured(settings, monkeypatch):
    assert settings.REDIS_URL, "make test runs with REDIS_URL: the Redis check is exercised"
    pinged: list[str] = []
    real = health.redis_answers
    monkeypatch.setattr(health, "redis_answers", lambda url: pinged.append(url) or real(url))
    assert Client().get("/healthz").status_code == 200
    assert pinged == [settings.REDIS_URL]


def test_redis_not_answering_is_503(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["redis"]}
    assert "no-store" in response["Cache-Control"]


def test_without_redis_configured_only_the_database_is_checked(settings, monkeypatch):
    settings.REDIS_URL = None
    monkeypatch.setattr(health, "redis_answers", lambda url: pytest.fail("Redis is not configured"))
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_the_database_not_answering_is_503(settings, monkeypatch):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"

    class DeadCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    from django.db import connections

    monkeypatch.setattr(connections["default"], "cursor", lambda: DeadCursor())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database", "redis"]}


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_load_balancers_probe_over_plain_http_without_a_redirect(client):
    # The exemption as production sets it (config/settings.py, DEBUG off); other pages redirect.
    assert client.get("/healthz").status_code == 200
    assert client.get("/recalls/").status_code == 301
