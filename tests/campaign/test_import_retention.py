"""Uploaded VIN lists (owner data) are deleted VIN_IMPORT_RETENTION_DAYS after their import; the summary stays."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from campaign.models import VinImport
from campaign.tasks import vin_import_run, vin_import_sources_purge_run
from campaign.vin_import_uploads import vin_import_sources_purge
from tests.factories import ale_vin

LIST = f"vin,owner_name\n{ale_vin(7930)},Jane Doe\nBAD,John Roe\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def finished_import(campaign, *, days_ago: float, finished: bool = True) -> VinImport:
    vin_import = VinImport(
        campaign=campaign,
        original_name="list.csv",
        status=VinImport.Status.SUCCEEDED if finished else VinImport.Status.QUEUED,
        rows_read=2,
        rows_created=1,
        rows_rejected=1,
        finished_at=timezone.now() - timedelta(days=days_ago) if finished else None,
    )
    vin_import.source.save("list.csv", ContentFile(LIST), save=False)
    vin_import.rejects.save(
        "list.rejects.csv", ContentFile(b"line,vin,reason\n3,BAD,Invalid VIN\n"), save=False
    )
    vin_import.save()
    if not finished:
        VinImport.objects.filter(pk=vin_import.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return vin_import


@pytest.mark.django_db
def test_lists_older_than_the_retention_are_deleted_and_the_summary_kept(ale):
    old = finished_import(ale, days_ago=31)
    lost = finished_import(ale, days_ago=40, finished=False)  # its worker never ran it
    recent = finished_import(ale, days_ago=29)
    old_file, lost_file, rejects_file = old.source.name, lost.source.name, old.rejects.name

    assert vin_import_sources_purge(older_than_days=30) == 2

    old.refresh_from_db()
    assert not old.source and old.source_deleted_at is not None
    assert not default_storage.exists(old_file) and not default_storage.exists(lost_file)
    assert (old.rows_read, old.rows_created, old.rows_rejected) == (2, 1, 1)
    assert old.rejects.name == rejects_file and default_storage.exists(rejects_file)  # no owner data in it
    recent.refresh_from_db()
    assert recent.source and recent.source_deleted_at is None and default_storage.exists(recent.source.name)


@pytest.mark.django_db
def test_a_lost_import_whose_list_was_purged_fails_with_the_reason_if_it_ever_runs(ale):
    lost = finished_import(ale, days_ago=40, finished=False)
    vin_import_sources_purge(older_than_days=30)
    vin_import_run(lost.pk)
    lost.refresh_from_db()
    assert lost.status == VinImport.Status.FAILED
    assert "deleted before it could be imported" in lost.error


@pytest.mark.django_db
def test_a_second_purge_deletes_nothing_more(ale):
    old = finished_import(ale, days_ago=31)
    assert vin_import_sources_purge(older_than_days=30) == 1
    deleted_at = VinImport.objects.get(pk=old.pk).source_deleted_at
    assert vin_import_sources_purge(older_than_days=30) == 0
    assert VinImport.objects.get(pk=old.pk).source_deleted_at == deleted_at


@pytest.mark.django_db
def test_the_import_page_says_when_the_list_is_or_was_deleted(ale, client_for, campaign_admin):
    client = client_for(campaign_admin)
    recent = finished_import(ale, days_ago=1)
    page = client.get(reverse("vin-import-detail", kwargs={"code": "ALE", "pk": recent.pk})).content.decode()
    due = timezone.localtime(recent.finished_at + timedelta(days=30))
    assert f"is deleted after {due:%b} {due.day}, {due.year} (kept 30 days)" in page

    old = finished_import(ale, days_ago=31)
    vin_import_sources_purge(older_than_days=30)
    page = client.get(reverse("vin-import-detail", kwargs={"code": "ALE", "pk": old.pk})).content.decode()
    today = timezone.localdate()
    assert f"Uploaded file deleted on {today:%b} {today.day}, {today.year} (kept 30 days)" in page


def test_the_purge_runs_daily_and_a_stale_run_expires_before_the_next():
    entry = settings.CELERY_BEAT_SCHEDULE["vin-import-sources-purge"]
    assert entry["task"] == vin_import_sources_purge_run.name
    assert entry["options"]["expires"] < 24 * 60 * 60
    assert settings.VIN_IMPORT_RETENTION_DAYS == 30


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_purge_task_runs_on_a_real_worker_over_redis(celery_worker, ale, settings):
    settings.VIN_IMPORT_RETENTION_DAYS = 10
    old = finished_import(ale, days_ago=11)
    kept = finished_import(ale, days_ago=9)
    vin_import_sources_purge_run.delay()

    deadline = time.monotonic() + 60
    while not VinImport.objects.get(pk=old.pk).source_deleted_at:
        assert time.monotonic() < deadline, "the worker did not purge the old list"
        time.sleep(0.2)
    assert VinImport.objects.get(pk=kept.pk).source
