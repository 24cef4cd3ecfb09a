"""DomainError becomes HTTP in one place: the API handler, ``form_call`` and the page middleware.

The views here are the test's own (``pytest.mark.urls`` points at this module), so each way
of failing is checked once, through the project's real middleware stack and DRF settings.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from campaign.errors import DomainError
from campaign.http_errors import form_call
from config import urls as project_urls

CODES = [("invalid", 400), ("forbidden", 403), ("not_found", 404), ("conflict", 409)]


def refuse(request: HttpRequest, code: str) -> HttpResponse:
    raise DomainError(f"Refused with {code}.", code=code, field="vin")


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def api_refuse(request, code: str):
    raise DomainError(f"Refused with {code}.", code=code, field=request.GET.get("field"))


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the page")


# The project's own URLs too: the error page extends base.html, which links to them.
urlpatterns = [
    path("refuse/<str:code>/", refuse),
    path("api/refuse/<str:code>/", api_refuse),
    path("page/", page),
    *project_urls.urlpatterns,
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


class TestApi:
    @pytest.mark.parametrize(("code", "status"), CODES)
    def test_status_and_body_follow_the_code(self, client, code, status):
        response = client.get(f"/api/refuse/{code}/?field=vin")
        assert response.status_code == status
        assert response.json() == {"code": code, "detail": f"Refused with {code}.", "field": "vin"}

    def test_no_field_no_field_key(self, client):
        response = client.post("/api/refuse/conflict/")
        assert response.status_code == 409
        assert response.json() == {"code": "conflict", "detail": "Refused with conflict."}

    def test_drf_own_errors_keep_their_status_in_the_same_shape(self, client):
        response = client.delete("/api/refuse/invalid/")
        assert response.status_code == 405
        assert response.json() == {"code": "method_not_allowed", "detail": 'Method "DELETE" not allowed.'}


class TestPages:
    @pytest.mark.parametrize("code", ["invalid", "forbidden", "conflict"])
    def test_post_goes_back_to_a_same_host_referer_with_the_message(self, client, code):
        response = client.post(f"/refuse/{code}/", HTTP_REFERER="http://testserver/page/?tab=2")
        assert response.status_code == 303
        assert response["Location"] == "http://testserver/page/?tab=2"
        assert [m.message for m in get_messages(response.wsgi_request)] == [f"Refused with {code}."]

    @pytest.mark.parametrize(
        "referer", ["https://evil.example/page/", "//evil.example/page/", "javascript:alert(1)", ""]
    )
    def test_post_never_follows_a_foreign_referer(self, client, referer):
        response = client.post("/refuse/invalid/", HTTP_REFERER=referer)
        assert response.status_code == 303
        assert response["Location"] == "/"

    def test_https_page_does_not_go_back_to_http(self, client):
        response = client.post("/refuse/invalid/", HTTP_REFERER="http://testserver/page/", secure=True)
        assert response["Location"] == "/"

    @pytest.mark.parametrize(("code", "status"), [c for c in CODES if c[0] != "not_found"])
    def test_get_shows_the_error_page_with_the_status(self, client, code, status):
        response = client.get(f"/refuse/{code}/")
        assert response.status_code == status
        assert "domain_error.html" in [t.name for t in response.templates]
        assert f"Refused with {code}." in response.content.decode()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_not_found_is_a_404(self, client, method):
        response = getattr(client, method)("/refuse/not_found/", HTTP_REFERER="http://testserver/page/")
        assert response.status_code == 404


class DocumentForm(forms.Form):
    title = forms.CharField()


class TestFormCall:
    def form(self) -> DocumentForm:
        form = DocumentForm({"title": "x"})
        assert form.is_valid()
        return form

    def test_success_returns_the_service_result(self):
        form = self.form()
        assert form_call(form, lambda *, n: n * 2, n=21) == 42
        assert form.errors == {}

    def test_the_message_lands_on_the_field_it_names(self):
        form = self.form()

        def service(**kwargs):
            raise DomainError("Give the document a title.", field="title")

        assert form_call(form, service) is None
        assert form.errors == {"title": ["Give the document a title."]}

    @pytest.mark.parametrize("field", [None, "not_on_this_form"])
    def test_otherwise_it_is_a_form_error(self, field):
        form = self.form()

        def service(**kwargs):
            raise DomainError("Someone else just did that.", field=field, code="conflict")

        assert form_call(form, service) is None
        assert form.non_field_errors() == ["Someone else just did that."]
        assert "title" not in form.errors

    def test_not_found_is_a_404(self):
        def service(**kwargs):
            raise DomainError("No such campaign.", code="not_found")

        with pytest.raises(Http404, match="No such campaign"):
            form_call(self.form(), service)

    def test_other_exceptions_pass_through(self):
        def service(**kwargs):
            raise ValueError("a bug")

        with pytest.raises(ValueError):
            form_call(self.form(), service)


def test_drf_refusals_answer_in_the_same_shape():
    from rest_framework.exceptions import NotAuthenticated, ValidationError

    from campaign.http_errors import api_exception_handler

    bad = api_exception_handler(ValidationError({"mileage_in": ["A valid integer is required."]}), {})
    assert bad.status_code == 400
    assert bad.data == {
        "code": "invalid",
        "detail": "mileage_in: A valid integer is required.",
        "field": "mileage_in",
        "errors": {"mileage_in": ["A valid integer is required."]},
    }
    anonymous = api_exception_handler(NotAuthenticated(), {})
    assert anonymous.status_code == 401
    assert anonymous.data["code"] == "not_authenticated" and anonymous.data["detail"]
