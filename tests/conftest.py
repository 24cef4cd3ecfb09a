"""Shared fixtures: the ALE campaign, Celery modes, the browser.

Celery: by default tasks run eagerly in-process so a unit test never leaves a
message on the broker. Tests marked ``celery_worker`` get a real worker thread
consuming from Redis (``REDIS_URL``) and must use ``django_db(transaction=True)``
so the worker's own connection sees committed rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ALE_FILE = Path(settings.BASE_DIR) / "campaign" / "data" / "ALE.yaml"


@pytest.fixture
def ale(db):
    """Safety Recall ALE as migration 0002 loads it (reloaded if a transactional test flushed it)."""
    from campaign.definition import parse
    from campaign.models import Campaign
    from campaign.services import campaign_load

    campaign = Campaign.objects.filter(code="ALE").first()
    if campaign is None:
        campaign = campaign_load(definition=parse(ALE_FILE.read_text(encoding="utf-8")))
    return campaign


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose (~0.3 s a hash here); every persona hashes a password, and
    # the permission matrix builds eight per case. Tests need a hash, not a slow one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Uploaded lists hold owner data: tests never leave files in the project's media folder.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _celery_mode(request):
    from config.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker):
    """One real worker thread for the session, consuming from the configured Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    if not settings.REDIS_URL:
        pytest.fail("Tests marked celery_worker need REDIS_URL (the README's test command sets it).")
    app.conf.task_always_eager = False
    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=30),
    ):
        yield app


@pytest.fixture
def celery_worker(request, _celery_worker_session, transactional_db):
    """A real worker over Redis; the test's rows are committed so the worker sees them."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield _celery_worker_session


# --- Browser ------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded one; flags keep it off this closed network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- Personas -----------------------------------------------------------------
# Dealer A (region West) and dealer B (region East); the same four dealer roles at each;
# regional staff of West; a national campaign administrator; a superuser; and the public.
PASSWORD = "correct-horse-battery"


@pytest.fixture
def region_west(db):
    from tests.factories import RegionFactory

    return RegionFactory(code="WEST", name="Western Area")


@pytest.fixture
def region_east(db):
    from tests.factories import RegionFactory

    return RegionFactory(code="EAST", name="Eastern Area")


@pytest.fixture
def dealer_a(region_west):
    from tests.factories import DealerFactory

    return DealerFactory(
        code="10001", name="Lexus of Pasadena", region=region_west, city="Pasadena", state="CA"
    )


@pytest.fixture
def dealer_b(region_east):
    from tests.factories import DealerFactory

    return DealerFactory(
        code="20002", name="Lexus of Manhattan", region=region_east, city="New York", state="NY"
    )


def _member(username, role, *, dealer=None, region=None):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username=username)
    MembershipFactory(user=user, role=role, dealer=dealer, region=region)
    return user


@pytest.fixture
def service_manager_a(dealer_a):
    return _member("svc_a", "service_manager", dealer=dealer_a)


@pytest.fixture
def parts_manager_a(dealer_a):
    return _member("parts_a", "parts_manager", dealer=dealer_a)


@pytest.fixture
def preowned_manager_a(dealer_a):
    return _member("preowned_a", "preowned_manager", dealer=dealer_a)


@pytest.fixture
def principal_a(dealer_a):
    return _member("principal_a", "dealer_principal", dealer=dealer_a)


@pytest.fixture
def principal_b(dealer_b):
    return _member("principal_b", "dealer_principal", dealer=dealer_b)


@pytest.fixture
def service_manager_b(dealer_b):
    return _member("svc_b", "service_manager", dealer=dealer_b)


@pytest.fixture
def parts_manager_b(dealer_b):
    return _member("parts_b", "parts_manager", dealer=dealer_b)


@pytest.fixture
def preowned_manager_b(dealer_b):
    return _member("preowned_b", "preowned_manager", dealer=dealer_b)


@pytest.fixture
def regional_west(region_west):
    return _member("regional_west", "regional_staff", region=region_west)


@pytest.fixture
def campaign_admin(db):
    return _member("campaign_admin", "campaign_admin")


@pytest.fixture
def warranty_admin(db):
    return _member("warranty_admin", "warranty_admin")


@pytest.fixture
def superuser(db):
    """Django's superuser: every permission, no membership (national scope by ``is_superuser``)."""
    from tests.factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)`` -> a test client signed in as that user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make
