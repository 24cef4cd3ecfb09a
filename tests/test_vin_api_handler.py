"""The WSGI application (config/wsgi.py): VIN API look-ups take the short middleware chain
(config/vin_api_handler.py) and answer exactly as the whole chain would; every other
request takes the whole chain.

Requests go through the WSGI callables themselves, as gunicorn calls them, not through the
test client (which always builds its own handler with every middleware).
"""

from __future__ import annotations

import io

import pytest
from csp.utils import build_policy
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from campaign import throttling
from campaign.models import Campaign
from config import vin_api_handler
from config.vin_api_handler import VinApiRouter, vin_api_middleware
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db

Answer = tuple[str, list[tuple[str, str]], bytes]


def wsgi_get(app, path: str, *, method: str = "GET", **extra: str) -> Answer:
    """Call a WSGI application as a server would; (status, sorted headers, body)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "192.0.2.44",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }
    started: list = []
    body = app(environ, lambda status, headers, exc_info=None: started.extend([status, headers]))
    try:
        content = b"".join(body)
    finally:
        body.close()
    return started[0], sorted(started[1]), content


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    # As Django's test client does: a request's end must not close the connection that
    # holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def production_security(settings):
    """The production settings that shape every answer (config/settings.py, DEBUG off)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.SECURE_REFERRER_POLICY = "same-origin"
    settings.X_FRAME_OPTIONS = "DENY"
    settings.LOOKUP_THROTTLE_RATE = "100000/minute"


@pytest.fixture
def router(production_security, monkeypatch):
    # Built after the settings above: middleware read their settings when the chain is built.
    monkeypatch.setattr(throttling, "_now", lambda: 4_100_000_000.5)
    return VinApiRouter(full=WSGIHandler())


@pytest.fixture
def affected_vin(ale):
    Campaign.objects.filter(pk=ale.pk).update(affected_list_posted_at=timezone.now())
    vehicle = VehicleFactory(vin=ale_vin(7930))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    return vehicle.vin


HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize(
    ("path", "extra", "status"),
    [
        ("affected", HTTPS, "200 OK"),
        ("/api/v1/vins/1HGCM82633A004352/", HTTPS, "200 OK"),  # covered by nothing
        ("/api/v1/vins/ jthbe96s-170007930 /", HTTPS, "200 OK"),  # as owners type it
        ("/api/v1/vins/JTHBE96S270007930/", HTTPS, "400 Bad Request"),  # check digit
        ("/api/v1/vins/1HGCM82633A004352/", {}, "301 Moved Permanently"),  # plain HTTP: redirected
        ("/api/v1/vins/1HGCM82633A004352/", {**HTTPS, "HTTP_HOST": "evil.example"}, "400 Bad Request"),
    ],
)
def test_both_chains_answer_a_look_up_alike(router, affected_vin, path, extra, status):
    path = f"/api/v1/vins/{affected_vin}/" if path == "affected" else path
    short = wsgi_get(router.vin_api, path, **extra)
    whole = wsgi_get(router.full, path, **extra)
    assert short[0] == status
    assert short == whole


def test_the_short_chain_keeps_the_security_headers(router, affected_vin):
    status, headers, body = wsgi_get(router, f"/api/v1/vins/{affected_vin}/", **HTTPS)
    headers = dict(headers)
    assert status == "200 OK" and b'"campaign":"ALE"' in body
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == build_policy()
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Length"] == str(len(body))


def test_a_refused_look_up_is_answered_alike(router, settings, ale):
    settings.LOOKUP_THROTTLE_RATE = "0/minute"
    short = wsgi_get(router.vin_api, "/api/v1/vins/1HGCM82633A004352/", **HTTPS)
    assert short[0] == "429 Too Many Requests"
    assert short == wsgi_get(router.full, "/api/v1/vins/1HGCM82633A004352/", **HTTPS)


def test_look_ups_skip_sessions_and_everything_else_takes_the_whole_chain(router, ale, monkeypatch):
    seen: list[str] = []
    real = SessionMiddleware.process_request

    def spy(self, request):
        seen.append(request.path)
        return real(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", spy)
    assert wsgi_get(router, "/api/v1/vins/1HGCM82633A004352/", **HTTPS)[0] == "200 OK"
    assert wsgi_get(router, "/accounts/login/", **HTTPS)[0] == "200 OK"
    assert seen == ["/accounts/login/"]


@pytest.mark.parametrize(
    ("method", "path", "handler"),
    [
        ("GET", "/api/v1/vins/JTHBE96S170007930/", "vin_api"),
        ("GET", "/api/v1/vins/not-a-vin/", "vin_api"),  # the view answers 400
        ("HEAD", "/api/v1/vins/JTHBE96S170007930/", "full"),
        ("POST", "/api/v1/vins/JTHBE96S170007930/", "full"),  # 405, by DRF
        ("GET", "/api/v1/vins/JTHBE96S170007930", "full"),  # APPEND_SLASH redirect
        ("GET", "/api/v1/vins/JTHBE96S170007930/extra/", "full"),  # 404 page
        ("GET", "/api/v1/vins/", "full"),
        ("GET", "/recalls/", "full"),
        ("GET", "/accounts/login/", "full"),
        ("GET", "/healthz", "full"),
        ("GET", "/prefix/api/v1/vins/JTHBE96S170007930/", "full"),
    ],
)
def test_which_handler_answers(router, method, path, handler):
    called: list[str] = []
    for name in ("full", "vin_api"):
        setattr(router, name, lambda environ, start_response, name=name: called.append(name) or [])
    router({"REQUEST_METHOD": method, "PATH_INFO": path}, lambda *args: None)
    assert called == [handler]


def test_the_whole_chain_still_serves_pages(router):
    status, headers, body = wsgi_get(router, "/accounts/login/", **HTTPS)
    assert status == "200 OK"
    assert any(name == "Set-Cookie" and value.startswith(" csrftoken=") for name, value in headers)
    assert b"csrfmiddlewaretoken" in body


def test_the_short_list_comes_from_settings_by_name_in_their_order(settings):
    assert vin_api_middleware() == [
        "django.middleware.security.SecurityMiddleware",
        "config.csp.CSPMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    settings.MIDDLEWARE = [
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.security.SecurityMiddleware",
    ]
    assert vin_api_middleware() == [
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.security.SecurityMiddleware",
    ]


def test_building_the_short_chain_leaves_the_settings_alone(settings):
    before = list(settings.MIDDLEWARE)
    handler = vin_api_handler.VinApiHandler()
    assert before == settings.MIDDLEWARE
    assert handler._middleware_chain is not None


def test_the_configured_application_is_the_router():
    from config.wsgi import application

    assert isinstance(application, VinApiRouter)


def test_the_short_chain_finds_the_view_the_url_conf_would(router):
    from django.test import RequestFactory
    from django.urls import resolve

    path = "/api/v1/vins/ jthbe96s-170007930 /"
    ours = router.vin_api.resolve_request(RequestFactory().get(path))
    django = resolve(path)
    for attribute in (
        "func",
        "args",
        "kwargs",
        "url_name",
        "route",
        "view_name",
        "app_names",
        "namespaces",
        "captured_kwargs",
        "extra_kwargs",
    ):
        assert getattr(ours, attribute) == getattr(django, attribute), attribute


def _elsewhere(request, vin):
    return HttpResponse(b"another view")


urlpatterns = [path("api/v1/vins/<str:vin>/", _elsewhere, name="elsewhere")]


def test_a_url_conf_that_moved_the_view_stops_the_short_chain(settings):
    # The short chain must never serve another view (one that may need a session) at this path.
    settings.ROOT_URLCONF = __name__
    with pytest.raises(ImproperlyConfigured, match="elsewhere"):
        _ = vin_api_handler.VinApiHandler().vin_view
    status, _, body = wsgi_get(vin_api_handler.VinApiHandler(), "/api/v1/vins/JTHBE96S170007930/")
    assert status == "500 Internal Server Error" and body != b"another view"
