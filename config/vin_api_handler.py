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
X-Frame-Options, 213 µs with no middleware at all). Re-measure before deleting; the
simple form is ``application = get_wsgi_application()`` in ``config.wsgi``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# Only paths the VIN view answers. Anything else (no trailing slash, a sub-path, another
# method) takes the whole chain, where APPEND_SLASH, 404 and 405 pages live.
VIN_API_PATH = re.compile(r"/api/v1/vins/[^/]+/")
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
