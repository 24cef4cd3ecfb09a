"""Every URL of the product × every persona → the expected status.

The cases live in ``tests/access_matrix/`` (its docstring explains the format). This
module walks the project's URL patterns, Django admin's included, and refuses any named
URL without a case, so a new page without a decision about who may open it fails the
suite. For writes it also checks that a refusal wrote nothing and looks unlike a success.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_matrix as access_matrix
from tests.access_matrix import PERSONAS, WRITE_METHODS, Case, World, resolve_value

# Route prefixes outside the matrix, each for a reason:
EXCLUDED_PREFIXES = (
    settings.STATIC_URL.lstrip("/"),  # static files (served by WhiteNoise, not by a view)
    settings.MEDIA_URL.lstrip("/"),  # uploaded files in DEBUG only
)
# Django admin's own unnamed routes: "<object_id>/" redirects to the named change page and
# the final catch-all answers a 404 or the admin sign-in, both cases of named admin URLs.
ADMIN_UNNAMED = re.compile(r"^admin/(.*<path:object_id>/|\(\?P<url>\.\*\)\$)$")
# DRF / drf-spectacular format-suffix variants ("….json") duplicate a named route that has a case.
FORMAT_SUFFIX = re.compile(r"\.\(\?P<format>|<drf_format_suffix|\\\.\(\?P<format>")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield route, (f"{namespace}{p.name}" if p.name else None)


def project_urls() -> list[tuple[str, str | None]]:
    """(route, name) for every URL pattern in the matrix's reach."""
    found = []
    for route, name in _walk(get_resolver().url_patterns):
        bare = route.lstrip("^")
        if any(bare.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
            continue
        if FORMAT_SUFFIX.search(route):
            continue
        found.append((route, name))
    return found


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(access_matrix.__path__):
        mod = importlib.import_module(f"{access_matrix.__name__}.{module.name}")
        cases.extend(getattr(mod, "CASES", []))
    return cases


CASES = all_cases()


def test_every_url_has_a_case():
    names_with_cases = {c.name for c in CASES}
    unnamed = [route for route, name in project_urls() if name is None and not ADMIN_UNNAMED.match(route)]
    uncovered = sorted(
        {f"{name} (/{route})" for route, name in project_urls() if name and name not in names_with_cases}
    )
    assert not unnamed, f"URL patterns without a name cannot be in the permission matrix: {unnamed}"
    assert not uncovered, (
        "These URLs have no case in tests/access_matrix/ (add one saying who may open them): "
        + ", ".join(uncovered)
    )


def test_every_case_names_a_real_url():
    known = {name for _, name in project_urls() if name}
    stale = sorted({c.label for c in CASES if c.name not in known})
    assert not stale, f"Cases for URLs the project no longer has: {stale}"


def test_the_walk_sees_the_product():
    """Guard the walker itself: if it found nothing, the matrix would pass vacuously."""
    names = {name for _, name in project_urls()}
    assert {"home", "login", "public-lookup", "admin:index", "admin:campaign_vehicle_change"} <= names
    skipped = [route for route, name in project_urls() if name is None]
    assert skipped and all(ADMIN_UNNAMED.match(route) for route in skipped)


@pytest.fixture
def world(
    ale,
    dealer_a,
    dealer_b,
    region_west,
    region_east,
    principal_a,
    service_manager_a,
    parts_manager_a,
    preowned_manager_a,
    principal_b,
    service_manager_b,
    parts_manager_b,
    preowned_manager_b,
    regional_west,
    campaign_admin,
    warranty_admin,
    superuser,
    settings,
    tmp_path,
):
    # Documents built by the cases land in a throwaway folder.
    settings.MEDIA_ROOT = tmp_path
    # As the demo's administrator (dealers/demo.py): the role runs Django admin.
    campaign_admin.is_staff = True
    campaign_admin.save(update_fields=["is_staff"])
    users = {
        "principal_a": principal_a,
        "service_manager_a": service_manager_a,
        "parts_manager_a": parts_manager_a,
        "preowned_manager_a": preowned_manager_a,
        "principal_b": principal_b,
        "service_manager_b": service_manager_b,
        "parts_manager_b": parts_manager_b,
        "preowned_manager_b": preowned_manager_b,
        "regional_west": regional_west,
        "campaign_admin": campaign_admin,
        "warranty_admin": warranty_admin,
        "superuser": superuser,
    }
    assert set(users) == set(PERSONAS) - {"anonymous"}
    return World(
        users=users,
        dealer_a=dealer_a,
        dealer_b=dealer_b,
        region_west=region_west,
        region_east=region_east,
        ale=ale,
    )


def _snapshot_models() -> list:
    """Every table a view of ours could write: the product's apps, users, groups, the admin log."""
    User = get_user_model()
    models = [
        m
        for label in ("campaign", "dealers", "repairs", "parts", "notifications", "mailings", "reports")
        for m in apps.get_app_config(label).get_models()
    ]
    return [*models, User, Group, User.groups.through, User.user_permissions.through, LogEntry]


SNAPSHOT_MODELS = _snapshot_models()


def snapshot() -> dict[str, list[tuple]]:
    return {m._meta.label: list(m._default_manager.order_by("pk").values_list()) for m in SNAPSHOT_MODELS}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


LOGIN_PATHS = (reverse(settings.LOGIN_URL), reverse("admin:login"))


def answer(response) -> str:
    """What a persona can tell from the response: its status, and whether it is sent to sign in."""
    location = response.get("Location", "")
    to_login = response.status_code in (301, 302, 303) and location.split("?")[0] in LOGIN_PATHS
    return f"{response.status_code}{' to sign-in' if to_login else ''}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_access(case: Case, world: World):
    wrong = []
    answers: dict[str, set[str]] = {"writes": set(), "refused": set()}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world.users[persona])
        if case.setup:
            case.setup(world)
        kwargs = resolve_value(case.kwargs, world) or {}
        url = reverse(case.name, kwargs=kwargs or None)
        data = resolve_value(case.data, world)
        extra = {"content_type": case.content_type} if case.content_type else {}
        before = snapshot() if case.method in WRITE_METHODS else None
        response = (
            getattr(client, case.method)(url, data, **extra)
            if data is not None
            else getattr(client, case.method)(url, **extra)
        )
        if response.status_code != case.expect[persona]:
            wrong.append(f"{persona}: expected {case.expect[persona]}, got {response.status_code}")
            continue
        if before is None:
            continue
        changed = changed_tables(before, snapshot())
        if persona in case.writes:
            answers["writes"].add(answer(response))
            if not changed:
                wrong.append(f"{persona}: a success that wrote nothing")
            if case.effect:
                case.effect(world, persona, response, kwargs)
        else:
            answers["refused"].add(answer(response))
            if changed:
                wrong.append(f"{persona}: refused ({response.status_code}) but wrote to {changed}")
    assert not wrong, f"{case.method.upper()} {case.name}: " + "; ".join(wrong)
    alike = answers["writes"] & answers["refused"]
    assert not alike, f"{case.label}: a success and a refusal both answer {sorted(alike)}"


def test_every_registered_admin_model_has_its_decision():
    from tests.access_matrix.admin import BUILDERS, MODELS, registered_labels

    assert set(MODELS) == registered_labels() == set(BUILDERS)


@pytest.mark.django_db
def test_the_write_checks_can_fail(world: World):
    """Guard the checks themselves: an update, an insert or a delete shows in the snapshot,
    and a redirect to either sign-in page is told apart from any other redirect."""
    from django.http import HttpResponseRedirect

    from dealers.models import DealerNotice

    notice = world.notice()
    before = snapshot()
    DealerNotice.objects.filter(pk=notice.pk).update(message="changed")
    assert changed_tables(before, snapshot()) == ["dealers.DealerNotice"]
    before = snapshot()
    world.users["principal_a"].groups.clear()
    assert changed_tables(before, snapshot()) == ["auth.User_groups"]
    assert answer(HttpResponseRedirect(reverse("login") + "?next=/x/")) == "302 to sign-in"
    assert answer(HttpResponseRedirect(reverse("admin:login") + "?next=/admin/")) == "302 to sign-in"
    assert answer(HttpResponseRedirect(reverse("home"))) == "302"
