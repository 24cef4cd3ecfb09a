"""Error pages for requests no view answered: JSON under the API, HTML elsewhere.

A dealer system that asks for ``/api/v1/appointments/-1/`` (no such URL: ids are positive)
gets the API's error shape, ``{"code", "detail"}``, not an HTML page it cannot read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "detail": "There is no such resource."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "server_error", "detail": "The server failed to answer; the error was logged."},
            status=500,
        )
    return defaults.server_error(request)
