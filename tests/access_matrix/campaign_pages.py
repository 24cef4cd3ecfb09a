"""Campaign pages for staff: every signed-in role reads them; administrators publish and advance."""

from __future__ import annotations

from tests.access_matrix import Case, only, signed_in


def _document_upload(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "kind": "technical",
        "title": "Technical instructions",
        "file": SimpleUploadedFile("ti.pdf", b"%PDF"),
    }


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
        expect=only(("campaign_admin",), ok=302),
    ),
    Case(
        "campaign-phase-advance",
        method="post",
        kwargs={"code": "ALE"},
        data={"to_phase": "parts_available", "note": "matrix"},
        expect=only(("campaign_admin",), ok=302),
    ),
]
