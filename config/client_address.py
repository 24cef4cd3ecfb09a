"""Which client sent a request: one answer for the look-up throttle, sign-in lock-out and
password-reset throttle.

``REMOTE_ADDR`` by default. ``X-Forwarded-For`` is written by whoever sends the request,
so trusting it would let anyone pick a fresh identity per request (a new address per
guessed password). Behind a TLS-terminating proxy ``REMOTE_ADDR`` is the proxy, so set
``DJANGO_TRUSTED_PROXY_COUNT`` to the number of proxies in front of gunicorn: the client
is then the address that the outermost of *our* proxies appended to ``X-Forwarded-For``
(the N-th from the right), which the client cannot forge. With fewer entries than
proxies, or an entry that is not an IP address (a request that bypassed the proxies),
we fall back to ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or ``"unknown"`` (a request built without one, e.g. force_login)."""
    meta = request.META
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops and (address := _ip(forwarded[-hops])):
            return address
    return _ip(meta.get("REMOTE_ADDR")) or UNKNOWN


def axes_client_ip(request: HttpRequest) -> str | None:
    """:func:`client_address` for django-axes (AXES_CLIENT_IP_CALLABLE), which stores an IP or nothing."""
    address = client_address(request)
    return None if address == UNKNOWN else address
