"""config/csp.py hands every response that carries a django-csp view decorator's mark to
django-csp itself; only unmarked responses get the shared header built once."""

from __future__ import annotations

from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from config.csp import CSPMiddleware


def plain(request):
    return HttpResponse(b"{}", content_type="application/json")


def header_of(middleware_class, view) -> str | None:
    response = middleware_class(view)(RequestFactory().get("/"))
    return response.headers.get("Content-Security-Policy")


def test_an_unmarked_response_gets_the_shared_header():
    assert header_of(CSPMiddleware, plain) == build_policy()


def test_decorated_views_get_what_django_csp_gives_them():
    for view in (
        csp_exempt()(plain),
        csp_update({"img-src": ["https://maps.example"]})(plain),
        csp_replace({"script-src": ["'none'"]})(plain),
    ):
        ours = header_of(CSPMiddleware, view)
        assert ours == header_of(DjangoCSPMiddleware, view)
        assert ours != build_policy()
