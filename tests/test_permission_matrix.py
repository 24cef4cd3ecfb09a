"""Every URL of the product × every persona → the expected status.

The cases live in ``tests/access_matrix/`` (its docstring explains the format). This
module walks the project's URL patterns and refuses any named URL without a case, so a
new page without a decision about who may open it fails the suite.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_matrix as access_matrix
from tests.access_matrix import PERSONAS, Case, World, resolve_value

# Route prefixes outside the matrix, each for a reason:
EXCLUDED_PREFIXES = (
    "admin/",  # Django admin: guarded by is_staff and model permissions, tested by Django
    settings.STATIC_URL.lstrip("/"),  # static files (served by WhiteNoise, not by a view)
    settings.MEDIA_URL.lstrip("/"),  # uploaded files in DEBUG only
)
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
    unnamed = [route for route, name in project_urls() if name is None]
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
    assert {"home", "login", "public-lookup"} <= names


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
    service_manager_b,
    preowned_manager_b,
    regional_west,
    campaign_admin,
    settings,
    tmp_path,
):
    # Documents built by the cases land in a throwaway folder.
    settings.MEDIA_ROOT = tmp_path
    users = {
        "principal_a": principal_a,
        "service_manager_a": service_manager_a,
        "parts_manager_a": parts_manager_a,
        "preowned_manager_a": preowned_manager_a,
        "service_manager_b": service_manager_b,
        "preowned_manager_b": preowned_manager_b,
        "regional_west": regional_west,
        "campaign_admin": campaign_admin,
    }
    return World(
        users=users,
        dealer_a=dealer_a,
        dealer_b=dealer_b,
        region_west=region_west,
        region_east=region_east,
        ale=ale,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_access(case: Case, world: World):
    wrong = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world.users[persona])
        if case.setup:
            case.setup(world)
        url = reverse(case.name, kwargs=resolve_value(case.kwargs, world) or None)
        data = resolve_value(case.data, world)
        extra = {"content_type": case.content_type} if case.content_type else {}
        response = (
            getattr(client, case.method)(url, data, **extra)
            if data is not None
            else getattr(client, case.method)(url, **extra)
        )
        if response.status_code != case.expect[persona]:
            wrong.append(f"{persona}: expected {case.expect[persona]}, got {response.status_code}")
    assert not wrong, f"{case.method.upper()} {case.name}: " + "; ".join(wrong)
