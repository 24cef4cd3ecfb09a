"""Showing a vehicle owner's name and contact details: the audit row, and a response no cache keeps.

``owner_data_access_record`` is the one place that writes an ``OwnerDataAccess`` row. The
same call marks the response of the request it runs in, and
``OwnerDataNoStoreMiddleware`` turns the mark into ``Cache-Control: no-store, private``
(``add_never_cache_headers``), so no browser back-cache or shared proxy keeps a page
with owner data. Every page, export or API that shows owner data logs it, and so is
never stored, without each view remembering a decorator.

The mark travels in a context variable rather than on ``request``: the services that
decide whether owner data is shown take a user, not a request. The variable holds a
mutable holder set by the middleware, so a mark made in a sync view run in a copied
context (ASGI) still reaches it; outside a request (a Celery task) marking does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from campaign.models import Vehicle
from dealers.models import OwnerDataAccess


class _Shown:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = False


_owner_data_shown: ContextVar[_Shown | None] = ContextVar("owner_data_shown", default=None)


def owner_data_access_record(*, user, vehicle: Vehicle, context: str) -> OwnerDataAccess:
    """Log that ``user`` is being shown ``vehicle``'s owner, and keep the response out of caches."""
    access = OwnerDataAccess.objects.create(user=user, vehicle=vehicle, context=context[:60])
    if (shown := _owner_data_shown.get()) is not None:
        shown.value = True
    return access


def owner_data_access_record_many(*, user, vins: Iterable[str], context: str, batch: int = 5000) -> int:
    """The same for a file that holds many owners at once (a mailing's package): one row per
    vehicle, written in batches so memory stays flat; how many were written."""
    written = 0
    rows: list[OwnerDataAccess] = []
    for vin in vins:
        rows.append(OwnerDataAccess(user=user, vehicle_id=vin, context=context[:60]))
        if len(rows) >= batch:
            written += len(OwnerDataAccess.objects.bulk_create(rows))
            rows = []
    if rows:
        written += len(OwnerDataAccess.objects.bulk_create(rows))
    if written and (shown := _owner_data_shown.get()) is not None:
        shown.value = True
    return written


class OwnerDataNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        shown = _Shown()
        token = _owner_data_shown.set(shown)
        try:
            response = self.get_response(request)
        finally:
            _owner_data_shown.reset(token)
        if shown.value:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
