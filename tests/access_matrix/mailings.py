"""Owner mailing pages: campaign administrators run mailings and record returned mail; regional
staff see the "owner not located" candidates of their region."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access_matrix import Case, assert_redirect, expect

ADMIN_ONLY = expect(default=403, anonymous=302, campaign_admin=200)
ADMIN_WRITES = expect(default=403, anonymous=302, campaign_admin=302)
WRITERS = ("campaign_admin", "superuser")


def _mailing(world, *, status: str = "done"):
    from mailings import package
    from mailings.models import Mailing

    mailing = Mailing.objects.create(campaign=world.ale, kind=Mailing.Kind.INTERIM, status=status)
    package.package_start(mailing=mailing, campaign=world.ale)
    return mailing


def done_mailing(world) -> dict:
    return {"pk": _mailing(world).pk}


def failed_mailing(world) -> dict:
    return {"pk": _mailing(world, status="failed").pk}


def a_vehicle_to_write_to(world) -> None:
    # ALE is in its preliminary phase in the world: an interim notice is what may go out.
    world.affected_vehicle()


def _created(world, persona, response, kwargs) -> None:
    from mailings.models import Mailing

    mailing = Mailing.objects.filter(created_by=world.users[persona]).latest("pk")
    assert_redirect(response, reverse("mailing-detail", args=[mailing.pk]), message="created")


def recorded_returns(world) -> dict:
    from mailings.models import ReturnedMailImport

    recorded = ReturnedMailImport(
        campaign=world.ale, original_name="returns.csv", rows_read=1, rows_rejected=1
    )
    recorded.rejects.save("r.csv", ContentFile(b"line,vin,reason\n2,999,No letter 999 in ALE.\n"), save=False)
    recorded.save()
    return {"pk": recorded.pk}


def return_file(world) -> dict:
    return {
        "campaign": "ALE",
        "file": SimpleUploadedFile(
            "returns.csv", b"letter_id,reason\n999999,refused\n", content_type="text/csv"
        ),
    }


def _uploaded(world, persona, response, kwargs) -> None:
    from mailings.models import ReturnedMailImport

    recorded = ReturnedMailImport.objects.filter(uploaded_by=world.users[persona]).latest("pk")
    assert_redirect(response, reverse("returned-mail-detail", args=[recorded.pk]), message="1 rejected")


def _resumed(world, persona, response, kwargs) -> None:
    assert_redirect(response, reverse("mailing-detail", args=[kwargs["pk"]]), message="queued again")


CASES = [
    # The menu's entry: administrators to the mailings, regional staff to their candidates.
    Case("mailing-home", expect=expect(default=403, anonymous=302, regional_west=302, campaign_admin=302)),
    Case("mailing-list", expect=ADMIN_ONLY),
    Case("mailing-new", expect=ADMIN_ONLY),
    Case("mailing-new", data={"campaign": "ALE", "kind": "interim"}, expect=ADMIN_ONLY, id="selection"),
    Case(
        "mailing-new",
        method="post",
        data={"campaign": "ALE", "kind": "interim"},
        setup=a_vehicle_to_write_to,
        expect=ADMIN_WRITES,
        writes=WRITERS,
        effect=_created,
    ),
    Case(
        "mailing-preview",
        kwargs={"code": "ALE", "kind": "interim", "fmt": "html"},
        setup=a_vehicle_to_write_to,
        expect=ADMIN_ONLY,
    ),
    Case(
        "mailing-preview",
        kwargs={"code": "ALE", "kind": "interim", "fmt": "pdf"},
        expect=ADMIN_ONLY,
        id="pdf-sample",
    ),
    Case("mailing-detail", kwargs=done_mailing, expect=ADMIN_ONLY),
    Case("mailing-status", kwargs=done_mailing, expect=ADMIN_ONLY),
    Case("mailing-package", kwargs=done_mailing, expect=ADMIN_ONLY),
    Case(
        "mailing-resume",
        method="post",
        kwargs=failed_mailing,
        expect=ADMIN_WRITES,
        writes=WRITERS,
        effect=_resumed,
    ),
    Case("returned-mail-upload", expect=ADMIN_ONLY),
    Case(
        "returned-mail-upload",
        method="post",
        data=return_file,
        expect=ADMIN_WRITES,
        writes=WRITERS,
        effect=_uploaded,
    ),
    Case("returned-mail-detail", kwargs=recorded_returns, expect=ADMIN_ONLY),
    Case("returned-mail-rejects", kwargs=recorded_returns, expect=ADMIN_ONLY),
    Case(
        "owner-not-located", expect=expect(default=403, anonymous=302, regional_west=200, campaign_admin=200)
    ),
]
