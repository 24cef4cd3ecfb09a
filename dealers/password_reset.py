"""Password reset, throttled per client address and per account e-mail.

Each request counts once against its address (``PASSWORD_RESET_ADDRESS_RATE``, 5/hour)
and, if that allows it, once against the e-mail asked for (``PASSWORD_RESET_ACCOUNT_RATE``,
3/hour): one address cannot mail-bomb many accounts, and many addresses cannot mail-bomb
one. A throttled request gets exactly the page an accepted one gets ("if an account uses
that address, a link is on its way"), so the throttle tells nobody whether the account
exists; no e-mail is sent and the refusal is logged.

Counters are fixed windows in Django's cache (Redis in production): ``add`` then ``incr``,
which Redis performs atomically, so concurrent requests cannot slip past the limit.
E-mail addresses are hashed into the key: the cache holds no personal data.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect

from campaign.throttling import parse_rate
from config.client_address import client_address

logger = logging.getLogger(__name__)

KEY_PREFIX = "password-reset-throttle"


def _within_limit(*, kind: str, value: str, rate: str) -> bool:
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"{KEY_PREFIX}:{kind}:{period}:{window}:{digest}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def password_reset_throttle_hit(*, address: str, email: str) -> bool:
    """Count one reset request; True if it may send an e-mail."""
    if not _within_limit(kind="address", value=address, rate=settings.PASSWORD_RESET_ADDRESS_RATE):
        logger.warning("Password reset throttled for address %s", address)
        return False
    if not _within_limit(
        kind="account", value=email.strip().lower(), rate=settings.PASSWORD_RESET_ACCOUNT_RATE
    ):
        logger.warning("Password reset throttled for an account (request from %s)", address)
        return False
    return True


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form) -> HttpResponse:
        if not password_reset_throttle_hit(
            address=client_address(self.request), email=form.cleaned_data["email"]
        ):
            # The same answer as a sent link: the throttle must not reveal whether the account exists.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
