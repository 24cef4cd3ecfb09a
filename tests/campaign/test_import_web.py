"""The staff upload: who may use it, the upload → task → summary flow, progress, the task's guarantees, admin."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from campaign import vin_import_merge, vin_import_uploads
from campaign.models import AffectedVehicle, VinImport
from campaign.tasks import vin_import_run
from tests.factories import UserFactory, ale_vin

GOOD = [ale_vin(7930 + i) for i in range(4)]
LIST_TEXT = (
    "vin,owner_name,state\n"
    + "\n".join(f"{v},Owner {i},CA" for i, v in enumerate(GOOD))
    + f"\nJTHBE96S17000793,Short,CA\n{GOOD[0]},Twin,CA\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(text: str = LIST_TEXT, name: str = "ale-list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def list_url(code: str = "ALE") -> str:
    return reverse("vin-import-list", kwargs={"code": code})


def queued_import(campaign, text: str = LIST_TEXT, **fields) -> VinImport:
    vin_import = VinImport(campaign=campaign, original_name="list.csv", **fields)
    vin_import.source.save("list.csv", ContentFile(text.encode()), save=False)
    vin_import.save()
    return vin_import


@pytest.mark.django_db
class TestWhoMayUpload:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, ale):
        response = client.get(list_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_dealer_and_regional_staff_are_refused(self, client_for, ale, service_manager_a, regional_west):
        for user in (service_manager_a, regional_west):
            assert client_for(user).get(list_url()).status_code == 403
            assert client_for(user).post(list_url(), {"file": upload()}).status_code == 403
        assert not VinImport.objects.exists()

    def test_a_user_given_the_permission_may(self, client_for, ale):
        from django.contrib.auth.models import Permission

        user = UserFactory(username="list-clerk")
        user.user_permissions.add(Permission.objects.get(codename="add_vinimport"))
        assert client_for(user).get(list_url()).status_code == 200

    def test_an_unknown_campaign_is_404(self, client_for, ale, campaign_admin):
        assert client_for(campaign_admin).get(list_url("NOPE")).status_code == 404


@pytest.mark.django_db
class TestUploadFlow:
    def test_upload_imports_and_shows_the_summary_and_rejects(
        self, client_for, ale, campaign_admin, django_capture_on_commit_callbacks
    ):
        client = client_for(campaign_admin)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(list_url(), {"file": upload()})

        # The task is queued only once the upload is committed (then, eager in tests, it runs).
        assert len(callbacks) >= 1
        vin_import = VinImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "vin-import-detail", kwargs={"code": "ALE", "pk": vin_import.pk}
        )
        # Eager in tests: the task ran once the upload committed.
        assert vin_import.status == VinImport.Status.SUCCEEDED
        assert (vin_import.rows_read, vin_import.rows_created, vin_import.rows_rejected) == (6, 4, 2)
        assert vin_import.uploaded_by == campaign_admin
        assert vin_import.original_name == "ale-list.csv"
        assert AffectedVehicle.objects.filter(campaign=ale).count() == 4

        page = client.get(response["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="import-summary"' in html
        assert "Short" not in html  # owner data of rejects is in the CSV, the page shows line, VIN, reason
        assert "already on line 2 of the file" in html
        assert reverse("vin-import-rejects", kwargs={"code": "ALE", "pk": vin_import.pk}) in html
        assert 'id="import-progress"' not in html  # finished: no progress bar

        download = client.get(reverse("vin-import-rejects", kwargs={"code": "ALE", "pk": vin_import.pk}))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        content = b"".join(download.streaming_content).decode()
        rows = list(csv.reader(io.StringIO(content)))
        assert rows == [
            ["line", "vin", "reason"],
            ["6", "JTHBE96S17000793", rows[1][2]],
            ["7", GOOD[0], "Duplicate: this VIN is already on line 2 of the file."],
        ]
        assert "Short" not in content and "Twin" not in content  # no owner data in the rejects
        # The uploaded list (owner data) is offered nowhere on the page.
        assert vin_import.source.name not in html and vin_import.source.url not in html

        listing = client.get(list_url()).content.decode()
        assert "ale-list.csv" in listing and 'data-testid="imports"' in listing

    def test_a_file_without_a_vin_column_is_refused_by_the_form(self, client_for, ale, campaign_admin):
        response = client_for(campaign_admin).post(list_url(), {"file": upload("owner_name\nA\n")})
        assert response.status_code == 200
        assert "The header has no &#x27;vin&#x27; column" in response.content.decode()
        assert not VinImport.objects.exists()

    def test_a_file_that_is_not_csv_is_refused(self, client_for, ale, campaign_admin):
        response = client_for(campaign_admin).post(list_url(), {"file": upload(name="list.xlsx")})
        assert "is not a CSV file" in response.content.decode()
        assert not VinImport.objects.exists()

    def test_a_finished_import_without_rejects_has_no_download(
        self, client_for, ale, campaign_admin, django_capture_on_commit_callbacks
    ):
        client = client_for(campaign_admin)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(list_url(), {"file": upload(f"vin\n{GOOD[0]}\n")})
        vin_import = VinImport.objects.get()
        assert not vin_import.rejects
        url = reverse("vin-import-rejects", kwargs={"code": "ALE", "pk": vin_import.pk})
        assert client.get(url).status_code == 404

    def test_an_import_is_only_found_under_its_own_campaign(self, client_for, ale, campaign_admin):
        vin_import = queued_import(ale)
        url = reverse("vin-import-detail", kwargs={"code": "ALF", "pk": vin_import.pk})
        assert client_for(campaign_admin).get(url).status_code == 404


@pytest.mark.django_db
class TestProgress:
    def test_a_running_import_reports_progress_from_the_cache(self, client_for, ale, campaign_admin):
        vin_import = queued_import(ale, status=VinImport.Status.RUNNING, started_at=timezone.now())
        cache.set(f"vin-import:{vin_import.pk}:progress", {"rows_read": 500, "rows_total": 1000})
        client = client_for(campaign_admin)

        status = client.get(reverse("vin-import-status", kwargs={"code": "ALE", "pk": vin_import.pk})).json()
        assert status == {
            "id": vin_import.pk,
            "status": "running",
            "status_label": "Running",
            "finished": False,
            "rows_read": 500,
            "rows_total": 1000,
            "percent": 50,
        }
        page = client.get(
            reverse("vin-import-detail", kwargs={"code": "ALE", "pk": vin_import.pk})
        ).content.decode()
        assert 'id="import-progress"' in page and 'aria-valuenow="50"' in page and ">50%<" in page

    def test_the_task_reports_every_chunk_before_the_rows_are_committed(self, ale, monkeypatch):
        monkeypatch.setattr(vin_import_merge, "CHUNK_ROWS", 2)
        seen: list[dict] = []
        real_set = cache.set

        def spy(key, value, *args, **kwargs):
            if key.endswith(":progress"):
                # Reported while the import's transaction is still open.
                seen.append({**value, "in_transaction": connections["default"].in_atomic_block})
            return real_set(key, value, *args, **kwargs)

        monkeypatch.setattr(vin_import_uploads.cache, "set", spy)
        vin_import = queued_import(ale)
        vin_import_run(vin_import.pk)

        assert [s["rows_read"] for s in seen] == [0, 2, 4, 6]
        assert {s["rows_total"] for s in seen} == {6}
        assert seen[1]["in_transaction"]

    def test_finished_status_carries_the_summary(self, client_for, ale, campaign_admin):
        vin_import = queued_import(ale)
        vin_import_run(vin_import.pk)
        status = client_for(campaign_admin).get(
            reverse("vin-import-status", kwargs={"code": "ALE", "pk": vin_import.pk})
        )
        assert status["Cache-Control"] == "no-store"
        body = status.json()
        assert body["finished"] and body["percent"] == 100
        assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (4, 0, 0, 2)


@pytest.mark.django_db
class TestTask:
    def test_exits_cleanly_when_the_import_is_gone(self, ale):
        vin_import_run(123456)

    def test_a_finished_import_never_runs_again(self, ale, monkeypatch):
        vin_import = queued_import(ale)
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.SUCCEEDED

        def boom(**kwargs):
            raise AssertionError("ran twice")

        monkeypatch.setattr(vin_import_uploads, "affected_vins_import", boom)
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.SUCCEEDED

    def test_an_import_running_elsewhere_is_left_alone(self, ale):
        vin_import = queued_import(ale, status=VinImport.Status.RUNNING, started_at=timezone.now())
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.RUNNING
        assert not AffectedVehicle.objects.exists()

    def test_an_import_whose_worker_died_long_ago_is_run_again(self, ale):
        vin_import = queued_import(
            ale, status=VinImport.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
        )
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.SUCCEEDED

    def test_a_file_that_cannot_be_imported_fails_with_the_reason(self, ale):
        vin_import = queued_import(ale, text="owner_name\nA\n")
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.FAILED
        assert "no 'vin' column" in vin_import.error
        assert vin_import.finished_at is not None

    def test_an_unexpected_error_fails_the_import_and_writes_nothing(self, ale, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("lost the disk")

        monkeypatch.setattr(vin_import_uploads, "affected_vins_import", broken)
        vin_import = queued_import(ale)
        vin_import_run(vin_import.pk)
        vin_import.refresh_from_db()
        assert vin_import.status == VinImport.Status.FAILED
        assert "unexpected error; nothing was imported" in vin_import.error


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_upload_runs_on_a_real_worker_over_redis(celery_worker, ale, campaign_admin, client_for):
    client = client_for(campaign_admin)
    response = client.post(list_url(), {"file": upload()})
    assert response.status_code == 302
    vin_import = VinImport.objects.get()

    deadline = time.monotonic() + 60
    while vin_import.status not in (VinImport.Status.SUCCEEDED, VinImport.Status.FAILED):
        assert time.monotonic() < deadline, (
            f"the worker did not finish the import (status {vin_import.status})"
        )
        time.sleep(0.2)
        vin_import.refresh_from_db()

    assert vin_import.status == VinImport.Status.SUCCEEDED, vin_import.error
    assert (vin_import.rows_created, vin_import.rows_rejected) == (4, 2)
    assert AffectedVehicle.objects.filter(campaign=ale).count() == 4
    status = client.get(reverse("vin-import-status", kwargs={"code": "ALE", "pk": vin_import.pk})).json()
    assert status["finished"] and status["created"] == 4


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def admin_client_(self, client):
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
        client.force_login(user)
        return client

    @pytest.mark.parametrize(
        "model",
        [
            "campaign",
            "campaignphasechange",
            "coveredmodel",
            "vinrange",
            "vehicle",
            "affectedvehicle",
            "campaigndocument",
            "vinimport",
        ],
    )
    def test_every_campaign_model_has_a_searchable_list(self, admin_client_, ale, model):
        url = reverse(f"admin:campaign_{model}_changelist")
        assert admin_client_.get(url, {"q": "ALE"}).status_code == 200

    def test_vin_imports_are_read_only_and_link_to_the_upload_page(self, admin_client_, ale):
        vin_import = queued_import(ale)
        assert admin_client_.get(reverse("admin:campaign_vinimport_add")).status_code == 403
        page = admin_client_.get(
            reverse("admin:campaign_vinimport_change", args=[vin_import.pk])
        ).content.decode()
        assert reverse("vin-import-list", kwargs={"code": "ALE"}) in page
        assert 'name="_save"' not in page

    def test_the_campaign_page_links_to_its_imports(self, admin_client_, ale):
        page = admin_client_.get(reverse("admin:campaign_campaign_change", args=[ale.pk])).content.decode()
        assert reverse("vin-import-list", kwargs={"code": "ALE"}) in page
