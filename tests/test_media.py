"""Uploaded files (owner lists, documents) are never served from a public media URL, in any mode."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import clear_url_caches

import config.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_list(settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("vin-imports/2026/12/owners.csv", ContentFile(b"vin,owner_name\n"))
    assert (tmp_path / name).exists()
    return name


@pytest.fixture
def urls_built_with_debug():
    """The URLconf as it is built when the process starts with DEBUG on, then as it was."""

    def build(debug: bool) -> None:
        with override_settings(DEBUG=debug):
            importlib.reload(config.urls)
        clear_url_caches()

    yield build
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("debug", [True, False])
def test_an_uploaded_owner_list_is_not_at_its_media_path(
    owner_list, urls_built_with_debug, client_for, campaign_admin, debug
):
    urls_built_with_debug(debug)
    with override_settings(DEBUG=debug):
        # Not for the public, and not even for the administrator who uploaded it: files are
        # served only by views that check access (e.g. campaign-document-download).
        for client in (Client(), client_for(campaign_admin)):
            assert client.get(f"/media/{owner_list}").status_code == 404
