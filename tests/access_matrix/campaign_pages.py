"""Campaign pages for staff: every signed-in role reads them; administrators publish and advance."""

from __future__ import annotations

from django.urls import reverse

from tests.access_matrix import Case, assert_redirect, only, signed_in

ADMINS = ("campaign_admin", "superuser")


def _document_upload(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "kind": "technical",
        "title": "Technical instructions",
        "file": SimpleUploadedFile("ti.pdf", b"%PDF"),
    }


def _published(world, persona, response, kwargs) -> None:
    from campaign.models import CampaignDocument

    assert_redirect(response, reverse("campaign-detail", kwargs={"code": "ALE"}), message="Published")
    assert CampaignDocument.objects.filter(uploaded_by=world.users[persona], kind="technical").exists()


def _at_preliminary(world) -> None:
    # Each persona tries the same move from the same phase (one persona's success must not
    # turn the next one's into a refusal).
    world.ale.__class__.objects.filter(pk=world.ale.pk).update(phase="preliminary")


def _at_parts_available(world) -> None:
    world.ale.__class__.objects.filter(pk=world.ale.pk).update(phase="parts_available")


def _advanced(world, persona, response, kwargs) -> None:
    from campaign.models import CampaignPhaseChange

    assert_redirect(response, reverse("campaign-detail", kwargs={"code": "ALE"}), message="is now at")
    change = CampaignPhaseChange.objects.filter(campaign=world.ale).order_by("-pk").first()
    assert (change.to_phase, change.changed_by) == ("parts_available", world.users[persona])


CASES = [
    Case("campaign-list", expect=signed_in(200)),
    Case("campaign-detail", kwargs={"code": "ALE"}, expect=signed_in(200)),
    Case(
        "campaign-document-download",
        kwargs=lambda w: {"code": "ALE", "pk": w.document().pk},
        expect=signed_in(200),
    ),
    Case(
        "campaign-document-upload",
        method="post",
        kwargs={"code": "ALE"},
        data=_document_upload,
        expect=only(ADMINS, ok=302),
        writes=ADMINS,
        effect=_published,
    ),
    Case(
        "campaign-phase-advance",
        method="post",
        kwargs={"code": "ALE"},
        data={"to_phase": "parts_available", "note": "matrix"},
        setup=_at_preliminary,
        expect=only(ADMINS, ok=302),
        writes=ADMINS,
        effect=_advanced,
    ),
    # A campaign only moves forward: the administrators' refused move writes nothing and
    # re-renders the campaign page with the reason on the form (400), where a success
    # redirects (302).
    Case(
        "campaign-phase-advance",
        method="post",
        kwargs={"code": "ALE"},
        data={"to_phase": "preliminary", "note": "matrix"},
        setup=_at_parts_available,
        expect=only(ADMINS, ok=400),
        id="backwards",
    ),
]
