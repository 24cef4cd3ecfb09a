"""Upload limits are enforced while the body arrives: an oversized file is never stored, the form says why."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from campaign.models import VinImport
from campaign.upload_limits import MB
from tests.factories import ale_vin

STORED: list[int] = []  # bytes that reached Django's storing handler, per request


class SpyTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler that writes uploads to disk, counting what it is given."""

    def new_file(self, *args, **kwargs):
        STORED.append(0)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        STORED[-1] += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture(autouse=True)
def _handlers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_HANDLERS = [
        "campaign.upload_limits.UploadLimitHandler",
        f"{__name__}.SpyTemporaryFileUploadHandler",
    ]
    settings.VIN_IMPORT_MAX_UPLOAD_MB = 1
    settings.INVENTORY_MAX_UPLOAD_MB = 1
    STORED.clear()


def vin_list(size: int) -> SimpleUploadedFile:
    head = f"vin\n{ale_vin(7930)}\n".encode()
    return SimpleUploadedFile("big.csv", head + b"\n" * (size - len(head)), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "shown", "most_stored"),
    [
        # The Content-Length already says too much: Django's handlers never see the file.
        (3 * MB, "3.0", 0),
        # Just over: counted on the way in; what was stored up to the limit is dropped.
        (MB + 200 * 1024, "1.2", MB),
    ],
    ids=["declared", "counted"],
)
def test_an_oversized_vin_list_is_refused_before_it_is_stored(
    client_for, ale, campaign_admin, size, shown, most_stored
):
    response = client_for(campaign_admin).post(
        reverse("vin-import-list", kwargs={"code": "ALE"}), {"file": vin_list(size)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [f"The file is {shown} MB; at most 1 MB."]
    assert not VinImport.objects.exists()
    assert sum(STORED) <= most_stored


@pytest.mark.django_db
def test_a_list_within_the_limit_is_stored_and_queued(client_for, ale, campaign_admin):
    response = client_for(campaign_admin).post(
        reverse("vin-import-list", kwargs={"code": "ALE"}), {"file": vin_list(MB - 1024)}
    )
    assert response.status_code == 302
    assert VinImport.objects.get().source.size == MB - 1024
    assert STORED == [MB - 1024]


@pytest.mark.django_db
def test_an_oversized_inventory_csv_is_refused_on_its_form(client_for, dealer_a, preowned_manager_a):
    upload = SimpleUploadedFile("stock.csv", b"vin,stock_number,received_on\n" + b"\n" * (2 * MB), "text/csv")
    response = client_for(preowned_manager_a).post(
        reverse("inventory-upload"), {"dealer": dealer_a.pk, "file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is 2.0 MB; at most 1 MB. Split it and upload each part."
    ]
    assert sum(STORED) == 0
