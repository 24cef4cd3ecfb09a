"""Sign-in, sign-out, lock-out, password reset and change, session expiry."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_sign_in_page_points_owners_to_the_public_vin_check(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/recalls/"' in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'href="/accounts/password/reset/"' in page


def test_sign_in_lands_on_the_home_page(client, service_manager_a):
    response = sign_in(client, "svc_a")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_in_follows_next(client, service_manager_a):
    response = client.post(
        "/accounts/login/?next=/vehicles/", {"username": "svc_a", "password": PASSWORD, "next": "/vehicles/"}
    )
    assert response["Location"] == "/vehicles/"


def test_a_wrong_password_says_so_without_saying_which_part_is_wrong(client, service_manager_a):
    response = sign_in(client, "svc_a", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_sign_out_is_a_post_and_ends_the_session(client, service_manager_a):
    sign_in(client, "svc_a")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_with_a_clear_message(client, service_manager_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "svc_a", "wrong-password").status_code == 200
    locked = sign_in(client, "svc_a", "wrong-password")
    assert locked.status_code == 429
    # Even the right password is refused during the cool-off.
    again = sign_in(client, "svc_a")
    assert again.status_code == 429
    page = again.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "after 5 wrong passwords" in page
    assert "try again in 15 minutes" in page
    assert client.get("/").status_code == 302  # not signed in


def test_the_lock_is_per_account(client, service_manager_a, parts_manager_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "svc_a", "wrong-password")
    assert sign_in(client, "parts_a").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, service_manager_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "svc_a", "wrong-password")
    assert sign_in(client, "svc_a").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "svc_a", "wrong-password").status_code == 200


def test_password_reset_sends_a_link_that_sets_a_new_password(client, service_manager_a):
    response = client.post("/accounts/password/reset/", {"email": service_manager_a.email})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [service_manager_a.email]
    assert "Reset your password" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "valve-spring-2010", "new_password2": "valve-spring-2010"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    assert sign_in(Client(), "svc_a", "valve-spring-2010").status_code == 302


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_password_change(client, service_manager_a):
    sign_in(client, "svc_a")
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "valve-spring-2010",
            "new_password2": "valve-spring-2010",
        },
    )
    assert response["Location"] == "/accounts/password/change/done/"
    # Still signed in (Django rotates the session hash), and the new password works.
    assert client.get("/").status_code == 200
    assert sign_in(Client(), "svc_a", "valve-spring-2010").status_code == 302


def test_sessions_expire_at_browser_close_and_after_a_working_day(client, service_manager_a):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    response = sign_in(client, "svc_a")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_expired_session_signs_the_user_out(client, service_manager_a):
    sign_in(client, "svc_a")
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
