"""The Content-Security-Policy: on every page, and every page fits it (no inline handlers,
no style attributes, inline scripts only with the request's nonce).

tests/browser/test_csp.py checks the same in Chromium, where the policy is enforced.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from campaign.models import VinImport

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def nonce_of(response) -> str | None:
    """The nonce the header allows; django-csp adds one only if the page used it."""
    sources = [s for s in policy_of(response)["script-src"] if s.startswith("'nonce-")]
    return sources[0][len("'nonce-") : -1] if sources else None


def offences(response) -> list[str]:
    """What in this page the policy would block."""
    nonce = nonce_of(response)
    parser = Tags()
    parser.feed(response.content.decode())
    found = []
    for tag, attrs in parser.tags:
        handlers = [a for a in attrs if a.startswith("on")]
        if handlers:
            found.append(f"<{tag}> has inline handler(s) {handlers}")
        if "style" in attrs:
            found.append(f"<{tag}> has a style attribute {attrs['style']!r}")
        inline_script = tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"
        if inline_script and (nonce is None or attrs.get("nonce") != nonce):
            found.append(f"inline <script> without the request's nonce ({attrs})")
        if tag == "script" and "src" in attrs and "//" in attrs["src"]:
            found.append(f"script from another origin: {attrs['src']}")
        if tag == "style":
            found.append("inline <style> element")
    return found


def test_the_policy_is_strict(client_for, regional_west):
    assert policy_of(Client().get("/recalls/"))["script-src"] == ["'self'"]  # no inline script there
    # A page with an inline script (the regional chart) adds its nonce, and only that.
    policy = policy_of(client_for(regional_west).get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and policy["script-src"][1].startswith("'nonce-")
    assert len(policy["script-src"]) == 2  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_each_request_gets_a_fresh_nonce(client_for, regional_west):
    client = client_for(regional_west)
    first, second = (nonce_of(client.get("/")) for _ in range(2))
    assert first and second and first != second


def test_no_template_has_inline_handlers_or_style_attributes():
    bad = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "<style" in text:
            bad.append(f"{path.relative_to(TEMPLATES)}: inline <style> element")
        for pattern in (INLINE_HANDLER, STYLE_ATTRIBUTE):
            bad += [f"{path.relative_to(TEMPLATES)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
        for script in re.finditer(r"<script\b[^>]*>", text):
            tag = script.group(0)
            if "src=" not in tag and "application/json" not in tag and "{{ request.csp_nonce }}" not in tag:
                bad.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert bad == []


def running_import(ale) -> VinImport:
    from django.core.files.base import ContentFile

    vin_import = VinImport(
        campaign=ale, original_name="list.csv", status=VinImport.Status.RUNNING, started_at=timezone.now()
    )
    vin_import.source.save("list.csv", ContentFile(b"vin\n"), save=False)
    vin_import.save()
    cache.set(f"vin-import:{vin_import.pk}:progress", {"rows_read": 500, "rows_total": 1000})
    return vin_import


@pytest.fixture
def pages(
    ale,
    client_for,
    service_manager_a,
    preowned_manager_a,
    regional_west,
    campaign_admin,
    dealer_a,
    admin_client,
):
    """(persona, client, url) for the main pages of every persona."""
    from notifications.preferences import unsubscribe_token
    from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

    vehicle = VehicleFactory(vin=ale_vin(15015))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    vin_import = running_import(ale)
    anonymous = Client()
    service, preowned = client_for(service_manager_a), client_for(preowned_manager_a)
    regional, admin = client_for(regional_west), client_for(campaign_admin)
    return [
        ("anonymous", anonymous, "/recalls/"),
        ("anonymous", anonymous, f"/recalls/?vin={vehicle.vin}"),
        ("anonymous", anonymous, "/accounts/login/"),
        ("anonymous", anonymous, "/accounts/password/reset/"),
        ("anonymous", anonymous, "/api/docs/"),
        (
            "anonymous",
            anonymous,
            f"/messages/unsubscribe/{unsubscribe_token(vin=vehicle.vin, channel='email')}/",
        ),
        ("service", service, "/"),
        ("service", service, f"/vehicles/?vin={vehicle.vin}"),
        ("service", service, "/accounts/password/change/"),
        ("preowned", preowned, "/"),
        ("preowned", preowned, "/inventory/"),
        ("preowned", preowned, "/inventory/held/"),
        ("preowned", preowned, "/inventory/add/"),
        ("preowned", preowned, "/inventory/upload/"),
        ("regional", regional, "/"),
        ("admin", admin, "/"),
        ("admin", admin, "/campaigns/"),
        ("admin", admin, "/messages/"),
        ("admin", admin, "/campaigns/ALE/"),
        ("admin", admin, "/campaigns/ALE/imports/"),
        ("admin", admin, f"/campaigns/ALE/imports/{vin_import.pk}/"),
        ("superuser", admin_client, "/admin/"),
        ("superuser", admin_client, "/admin/campaign/campaign/"),
        ("superuser", admin_client, f"/admin/campaign/campaign/{ale.pk}/change/"),
    ]


def test_every_main_page_carries_the_policy_and_fits_it(pages):
    problems = {}
    for persona, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (persona, url, response.status_code)
        assert "Content-Security-Policy" in response, (persona, url)
        if found := offences(response):
            problems[f"{persona} {url}"] = found
    assert problems == {}


def test_the_pages_with_inline_scripts_carry_the_nonce(client_for, regional_west, campaign_admin, ale):
    # The regional chart and the import progress bar: their scripts run only with the nonce.
    vin_import = running_import(ale)
    for client, url in (
        (client_for(regional_west), "/"),
        (client_for(campaign_admin), f"/campaigns/ALE/imports/{vin_import.pk}/"),
    ):
        response = client.get(url)
        nonce = nonce_of(response)
        assert f'<script nonce="{nonce}">' in response.content.decode(), url


def test_the_api_docs_script_is_a_file_not_inline():
    page = Client().get("/api/docs/")
    assert '<script src="/api/docs/?script=">' in page.content.decode()
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_json_api_gets_the_same_policy_and_settings_changes_reach_it(settings, ale):
    # config/csp.py builds the shared header once; it must equal django-csp's own and follow settings.
    from csp.utils import build_policy

    response = Client().get("/api/v1/vins/JTHBE96S170007930/")
    assert response["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert Client().get("/api/v1/vins/JTHBE96S170007930/")["Content-Security-Policy"] == "default-src 'none'"
