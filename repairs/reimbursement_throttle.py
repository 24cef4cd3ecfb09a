"""The public reimbursement form's limits: per client address and per VIN.

Each submission that would reach the eligibility check counts once against its address
(``REIMBURSEMENT_ADDRESS_RATE``, 5/hour) and, if that allows it, once against its VIN
(``REIMBURSEMENT_VIN_RATE``, 3/day): one address cannot walk through VINs to learn which
are eligible, and many addresses cannot hammer one VIN. Forms sent back for a missing
field tell nothing about the VIN and are not counted.

Counters are fixed windows in Django's cache (Redis in production): ``add`` then ``incr``,
atomic in Redis, as ``dealers/password_reset.py`` does. VINs are hashed into the key.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from campaign.throttling import parse_rate

logger = logging.getLogger(__name__)

KEY_PREFIX = "reimbursement-throttle"


@dataclass(frozen=True, slots=True)
class ReimbursementThrottle:
    allowed: bool
    retry_after: int  # seconds until the window that refused ends; 0 when allowed


def _key(*, kind: str, value: str, period: int, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{kind}:{period}:{window}:{digest}"


def _hit(*, kind: str, value: str, rate: str) -> ReimbursementThrottle:
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = _key(kind=kind, value=value, period=period, window=window)
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return ReimbursementThrottle(allowed=True, retry_after=0)
    return ReimbursementThrottle(allowed=False, retry_after=max(1, math.ceil((window + 1) * period - now)))


def reimbursement_throttle_hit(*, address: str, vin: str) -> ReimbursementThrottle:
    """Count one submission; ``allowed`` says whether it may be checked and stored."""
    decision = _hit(kind="address", value=address, rate=settings.REIMBURSEMENT_ADDRESS_RATE)
    if not decision.allowed:
        logger.warning("Reimbursement form throttled for address %s", address)
        return decision
    decision = _hit(kind="vin", value=vin, rate=settings.REIMBURSEMENT_VIN_RATE)
    if not decision.allowed:
        logger.warning("Reimbursement form throttled for a VIN (request from %s)", address)
    return decision


def reimbursement_throttle_reset(*, address: str | None = None, vin: str | None = None) -> None:
    """Forget the current window's count for an address and/or a VIN (support staff, tests)."""
    for kind, value, rate in (
        ("address", address, settings.REIMBURSEMENT_ADDRESS_RATE),
        ("vin", vin, settings.REIMBURSEMENT_VIN_RATE),
    ):
        if value is not None:
            _, period = parse_rate(rate)
            cache.delete(_key(kind=kind, value=value, period=period, window=int(time.time() // period)))
