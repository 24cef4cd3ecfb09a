"""A URL under /api/ that no view answers is a JSON 404 in the API's error shape."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/appointments/-1/check-in/", "/api/v1/no-such-thing/"])
def test_an_unknown_api_url_answers_json(client, path):
    response = client.post(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_page_stays_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
