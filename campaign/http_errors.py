"""Where ``DomainError`` becomes HTTP, once for the API and once for pages.

- The API: ``api_exception_handler`` (settings ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``)
  answers ``{"code", "detail"}`` (plus ``"field"`` when the error names one) with the
  status the error's code maps to.
- Pages with a form: ``form_call(form, service, **kwargs)`` runs the service and, on a
  ``DomainError``, attaches its message to the form (on the field it names, if the form
  has it) and returns ``None``, so the view re-renders the form with what was typed.
- Any other page (a button, a link): ``DomainErrorMiddleware`` turns an uncaught
  ``DomainError`` into an error message and a redirect back (303) for a POST, a 404 for
  ``not_found``, and an error page with the error's status for a GET.

Views never catch ``DomainError`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from campaign.errors import DomainError

T = TypeVar("T")


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        # What the refusal adds for machines (e.g. a claim's ``rejection_code``), never overriding.
        body.update({k: v for k, v in exc.extra.items() if k not in body})
        return Response(body, status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    # DRF's own refusals (bad input, no token, wrong method…) and Django's 404/403 in the same shape.
    if isinstance(exc, APIException):
        response.data = _drf_error_body(exc)
    elif isinstance(exc, Http404):
        response.data = {"code": "not_found", "detail": str(exc) or "Not found."}
    elif isinstance(exc, DjangoPermissionDenied):
        response.data = {"code": "permission_denied", "detail": str(exc) or "You may not do this."}
    return response


def _drf_error_body(exc: APIException) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict | list):
        errors = _plain(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        field, messages = next(iter(errors.items()), ("non_field_errors", ["Invalid input."]))
        first = messages[0] if isinstance(messages, list) and messages else messages
        body: dict[str, Any] = {"code": "invalid", "errors": errors}
        if field == "non_field_errors":
            body["detail"] = str(first)
        else:
            body["detail"] = f"{field}: {first}"
            body["field"] = field
        return body
    return {"code": str(getattr(detail, "code", None) or exc.default_code), "detail": str(detail)}


def _plain(errors: Any) -> Any:
    """DRF's ErrorDetail tree as plain strings, lists and dicts."""
    if isinstance(errors, dict):
        return {str(key): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_plain(value) for value in errors]
    return str(errors)


def form_call(form, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """``service(**kwargs)``; on a ``DomainError`` the form carries its message and ``None`` is returned."""
    try:
        return service(**kwargs)
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def _back(request: HttpRequest) -> str:
    """The page the form was on, if the Referer names one of ours; else where sign-in lands.

    Not the POST's own URL: most such URLs take only POST, so a GET there would answer 405
    and the message would never be seen. A foreign Referer is never followed (open redirect).
    """
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError):
            return None
        if exc.code == "not_found":
            raise Http404(exc.message)
        if request.method not in ("GET", "HEAD"):
            messages.error(request, exc.message)
            return HttpResponseRedirect(_back(request), status=303)
        return render(request, "domain_error.html", {"error": exc}, status=exc.http_status)
