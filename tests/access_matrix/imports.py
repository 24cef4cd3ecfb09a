"""Affected-VIN import pages: campaign administrators only (the lists carry owner data)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access_matrix import Case, assert_redirect, expect
from tests.factories import ale_vin

ADMIN_ONLY = expect(default=403, anonymous=302, campaign_admin=200)


def finished_import(world) -> dict:
    """A finished import of ALE with a rejects file, as the task leaves it."""
    from campaign.models import VinImport

    vin_import = VinImport(
        campaign=world.ale,
        original_name="matrix.csv",
        status=VinImport.Status.SUCCEEDED,
        rows_read=2,
        rows_created=1,
        rows_rejected=1,
    )
    vin_import.source.save("matrix.csv", ContentFile(f"vin\n{ale_vin(7930)}\nBAD\n".encode()), save=False)
    vin_import.rejects.save(
        "matrix.rejects.csv", ContentFile(b"vin,line,reason\nBAD,3,Invalid VIN: too short\n"), save=False
    )
    vin_import.save()
    return {"code": world.ale.code, "pk": vin_import.pk}


def upload(world) -> dict:
    return {
        "file": SimpleUploadedFile("list.csv", f"vin\n{ale_vin(7931)}\n".encode(), content_type="text/csv")
    }


def _queued(world, persona, response, kwargs) -> None:
    from campaign.models import VinImport

    vin_import = VinImport.objects.filter(uploaded_by=world.users[persona]).latest("pk")
    url = reverse("vin-import-detail", kwargs={"code": "ALE", "pk": vin_import.pk})
    assert_redirect(response, url, message="queued for import")


CASES = [
    Case("vin-import-list", kwargs={"code": "ALE"}, expect=ADMIN_ONLY),
    # An unknown campaign is a 404 for whoever may open the page at all.
    Case(
        "vin-import-list",
        kwargs={"code": "NOPE"},
        expect=expect(default=403, anonymous=302, campaign_admin=404),
        id="unknown-campaign",
    ),
    # A valid upload queues the import and goes to its page.
    Case(
        "vin-import-list",
        method="post",
        kwargs={"code": "ALE"},
        data=upload,
        expect=expect(default=403, anonymous=302, campaign_admin=302),
        writes=("campaign_admin", "superuser"),
        effect=_queued,
    ),
    Case("vin-import-detail", kwargs=finished_import, expect=ADMIN_ONLY),
    Case("vin-import-status", kwargs=finished_import, expect=ADMIN_ONLY),
    Case("vin-import-rejects", kwargs=finished_import, expect=ADMIN_ONLY),
]
