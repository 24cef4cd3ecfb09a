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


@pytest.fixture(autouse=True)
def _fresh_throttle_cache(settings):
    # The password-reset counters live in the cache (Redis under `make test`), which outlives a
    # test: each test here starts from zero counts in a cache of its own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "auth-tests"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


def test_a_locked_account_does_not_lock_its_colleagues_elsewhere(service_manager_a, parts_manager_a):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "svc_a", "wrong-password")
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), "parts_a").status_code == 302


def test_spraying_one_password_across_accounts_locks_the_address(db):
    from tests.factories import UserFactory

    victims = [UserFactory(username=f"victim{i}") for i in range(settings.AXES_FAILURE_LIMIT + 1)]
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [sign_in(sprayer, v.username, "Summer2010!").status_code for v in victims[:-1]]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # The address is locked, even for an account it never guessed at, with the right password...
    assert sign_in(sprayer, victims[-1].username).status_code == 429
    # ...while the accounts themselves are not: each saw one failure.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), victims[0].username).status_code == 302


def test_guessing_one_account_from_many_addresses_locks_it_from_every_address(service_manager_a):
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), "svc_a", "wrong-password")
    fresh = sign_in(Client(REMOTE_ADDR="198.51.100.20"), "svc_a")
    assert fresh.status_code == 429
    assert "Too many failed sign-in attempts for <strong>svc_a</strong> or from your network" in (
        fresh.content.decode()
    )


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(db):
    """django-axes' own reset-on-success would forget the sprayer's failures (dealers/lockout.py)."""
    from tests.factories import UserFactory

    UserFactory(username="insider")
    victims = [UserFactory(username=f"victim{i}") for i in range(settings.AXES_FAILURE_LIMIT)]
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    for victim in victims[:-1]:
        assert sign_in(sprayer, victim.username, "Summer2010!").status_code == 200
    assert sign_in(sprayer, "insider").status_code == 302
    sprayer.post("/accounts/logout/")
    assert sign_in(sprayer, victims[-1].username, "Summer2010!").status_code == 429


def test_signing_in_from_another_address_does_not_reset_the_account_count(service_manager_a):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), "svc_a", "wrong-password")
    # The real user signs in from the office: their own address had no failures to forgive,
    # so the attacker's count on the account stands.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), "svc_a").status_code == 302
    assert sign_in(Client(REMOTE_ADDR="203.0.113.99"), "svc_a", "wrong-password").status_code == 429


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


def reset(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def test_password_reset_is_throttled_per_account_without_saying_so(service_manager_a, caplog):
    for i in range(3):
        reset(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), service_manager_a.email)
    assert len(mail.outbox) == 3
    throttled = reset(Client(REMOTE_ADDR="198.51.100.20"), service_manager_a.email.upper())
    # The same answer as a sent link; no fourth e-mail.
    assert throttled.status_code == 302 and throttled["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 3
    assert "Password reset throttled for an account (request from 198.51.100.20)" in caplog.text


def test_password_reset_is_throttled_per_address(db, caplog):
    from tests.factories import UserFactory

    users = [UserFactory(username=f"reset{i}", email=f"reset{i}@example.com") for i in range(6)]
    one_address = Client(REMOTE_ADDR="203.0.113.7")
    for user in users:
        assert reset(one_address, user.email)["Location"] == "/accounts/password/reset/done/"
    assert [m.to for m in mail.outbox] == [[u.email] for u in users[:5]]
    assert "Password reset throttled for address 203.0.113.7" in caplog.text
    # Another address is not affected.
    reset(Client(REMOTE_ADDR="198.51.100.20"), users[5].email)
    assert mail.outbox[-1].to == [users[5].email]


def test_a_throttled_reset_for_an_unknown_address_looks_like_any_other(db):
    one_address = Client(REMOTE_ADDR="203.0.113.7")
    answers = [reset(one_address, "nobody@example.com") for _ in range(7)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password/reset/done/")}
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


def test_a_new_password_needs_twelve_characters(client, service_manager_a):
    sign_in(client, "svc_a")
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "valvespr2k1", "new_password2": "valvespr2k1"},
    )
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    assert sign_in(Client(), "svc_a", "valvespr2k1").status_code == 200  # unchanged


def test_the_demo_password_is_long_enough(db):
    from django.contrib.auth.password_validation import validate_password

    from demo.network import DEMO_PASSWORD

    assert DEMO_PASSWORD == "recall-demo-2010"
    validate_password(DEMO_PASSWORD)  # raises ValidationError if refused


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
