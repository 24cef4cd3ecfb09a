"""Which client sent a request: one answer for the look-up throttle, sign-in lock-out and
password-reset throttle.

``REMOTE_ADDR`` by default. ``X-Forwarded-For`` is written by whoever sends the request,
so trusting it would let anyone pick a fresh identity per request (a new address per
guessed password). Behind a TLS-terminating proxy ``REMOTE_ADDR`` is the proxy, so set
``DJANGO_TRUSTED_PROXY_COUNT`` to the number of proxies in front of gunicorn: the client
is then the address that the outermost of *our* proxies appended to ``X-Forwarded-For``
(the N-th from the right), which the client cannot forge. With fewer entries than
proxies (a request that bypassed them) we fall back to ``REMOTE_ADDR``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    meta = request.META
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return meta.get("REMOTE_ADDR") or "unknown"
