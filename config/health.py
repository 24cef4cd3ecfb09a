"""``GET /healthz`` for load balancers: 200 when the database and (if configured) Redis answer.

No sign-in, no session, no data: the body says only ``ok`` or which dependency failed, so
the probe can be public. Each check is bounded (Redis by a short socket timeout; the
database by its connection's own timeout) so a stalled dependency fails the probe instead
of hanging it. Never cached: a load balancer must see the current state.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5


def database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database did not answer", exc_info=True)
        return False
    return True


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        logger.warning("Health check: Redis did not answer", exc_info=True)
        return False
    finally:
        client.close()


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    failed = []
    if not database_answers():
        failed.append("database")
    if settings.REDIS_URL and not redis_answers(settings.REDIS_URL):
        failed.append("redis")
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
