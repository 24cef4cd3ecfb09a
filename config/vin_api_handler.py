"""The public VIN API's own WSGI handler: the same view behind a short middleware chain.

``config.wsgi.application`` sends ``GET /api/v1/vins/<VIN>/`` here and every other
request to Django's usual handler with the whole of ``settings.MIDDLEWARE``. The
look-up is public, reads no cookie, sets none and renders no template, so sessions,
CSRF, authentication, messages, the sign-in lock-out, the domain-error pages, the
owner-data marking and static files have nothing to do on it, yet each costs its call
on every request. This handler runs only the middleware that shapes the API's answer,
taken from ``settings.MIDDLEWARE`` by name and in its order (so a setting that changes
them changes both chains):

- ``SecurityMiddleware``: HTTPS redirect, HSTS, nosniff, referrer and opener policies;
- ``config.csp.CSPMiddleware``: the Content-Security-Policy header;
- ``CommonMiddleware``: ``ALLOWED_HOSTS`` (a foreign Host header is a 400),
  ``DISALLOWED_USER_AGENTS`` and ``Content-Length``;
- ``XFrameOptionsMiddleware``: irrelevant to JSON, but one cheap header.

``tests/test_vin_api_handler.py`` checks that both chains answer the API alike (status,
headers, body) and that everything else takes the whole chain.

Measured 2026-12-01 in-process (CPU per request through the WSGI application, 2,200
look-ups in the bench's mix, best of 8 interleaved rounds, PostgreSQL + Redis): 308 µs
through the whole chain, 262 µs through this one (243 µs without CommonMiddleware and
X-Frame-Options, 213 µs with no middleware at all). Python opcodes per request (a count
other load does not move): 9,334 through the whole chain, 8,177 through this one, 7,456
once ``resolve_request`` stopped walking the URL conf. Re-measure before deleting; the
simple form is ``application = get_wsgi_application()`` in ``config.wsgi``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest
from django.urls import ResolverMatch, get_resolver

# Only paths the VIN view answers. Anything else (no trailing slash, a sub-path, another
# method) takes the whole chain, where APPEND_SLASH, 404 and 405 pages live.
VIN_API_PATH = re.compile(r"/api/v1/vins/(?P<vin>[^/]+)/")  # <str:vin>, as campaign/api_urls.py
VIN_API_URL_NAME = "api-vin-recalls"
VIN_API_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "config.csp.CSPMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)


def vin_api_middleware() -> list[str]:
    """The entries of ``settings.MIDDLEWARE`` that the VIN API runs, in the settings' order."""
    return [name for name in settings.MIDDLEWARE if name in VIN_API_MIDDLEWARE]


class VinApiHandler(WSGIHandler):
    """Django's WSGI handler, built with :func:`vin_api_middleware` instead of ``MIDDLEWARE``."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django's loader reads settings.MIDDLEWARE; it is swapped for the short list
        # while the chain is built, once, when the process starts.
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = vin_api_middleware()
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything

    @cached_property
    def vin_view(self) -> ResolverMatch:
        """What the URL conf makes of a VIN API path; refuses to serve if that is not the VIN view."""
        match = get_resolver().resolve("/api/v1/vins/JTHBE96S170007930/")
        if match.url_name != VIN_API_URL_NAME or match.args or match.extra_kwargs:
            raise ImproperlyConfigured(
                f"config.vin_api_handler serves /api/v1/vins/<VIN>/ as {VIN_API_URL_NAME!r}, but the URL "
                f"conf resolves it to {match.view_name!r}: update VIN_API_PATH with the URL."
            )
        return match

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        # The router let only VIN API paths in, so the view is known: walking the URL conf
        # (two levels of include) to find it again costs a tenth of the request's Python.
        found = VIN_API_PATH.fullmatch(request.path_info)
        if found is None:
            return super().resolve_request(request)
        view, vin = self.vin_view, found["vin"]
        match = ResolverMatch(
            view.func,
            (),
            {"vin": vin},
            view.url_name,
            view.app_names,
            view.namespaces,
            view.route,
            captured_kwargs={"vin": vin},
            extra_kwargs={},
        )
        request.resolver_match = match
        return match


StartResponse = Callable[..., object]


class VinApiRouter:
    """The WSGI application: VIN API look-ups to :class:`VinApiHandler`, the rest to ``full``."""

    def __init__(self, *, full: WSGIHandler):
        self.full = full
        self.vin_api = VinApiHandler()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and VIN_API_PATH.fullmatch(environ.get("PATH_INFO", "")):
            return self.vin_api(environ, start_response)
        return self.full(environ, start_response)
