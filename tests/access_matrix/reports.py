"""Reports: the completion dashboard (campaign administrators nationally, regional staff in their
regions, a dealer's principal and service manager their own dealer); the §573.7 reports and their
API (campaign administrators and regional staff; submitting and the NHTSA file, administrators);
the population page (administrators only)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_matrix import Case, only

DASHBOARD = (
    "principal_a",
    "service_manager_a",
    "principal_b",
    "service_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)
REPORT_READERS = ("regional_west", "campaign_admin", "superuser")
ADMIN = ("campaign_admin", "superuser")


def _no_submissions(world) -> None:
    from reports.models import RemedyReportSubmission

    RemedyReportSubmission.objects.all().delete()


def _submitted(world, persona, response, kwargs) -> None:
    from reports.models import RemedyReportSubmission

    assert response.status_code == 302 and response["Location"].endswith("/remedy/2010-3/")
    assert RemedyReportSubmission.objects.get(report_number=1).submitted_by == world.users[persona]


def _vin_to_remove(world) -> dict:
    return {"vin": world.affected_vehicle().vin, "reason": "found not affected"}


def _removed(world, persona, response, kwargs) -> None:
    from campaign.models import AffectedVehicle

    assert response.status_code == 302
    assert AffectedVehicle.objects.filter(status="removed", outcome_changes__by=world.users[persona]).exists()


def _removal_list(world) -> dict:
    vin = world.affected_vehicle().vin
    return {"file": SimpleUploadedFile("removals.csv", f"vin,reason\n{vin},found not affected\n".encode())}


def _imported(world, persona, response, kwargs) -> None:
    from reports.models import RemovalImport

    assert (
        response.status_code == 200
        and RemovalImport.objects.filter(uploaded_by=world.users[persona]).exists()
    )


def _finished_removal_import(world) -> dict:
    from reports.models import RemovalImport

    record = RemovalImport(campaign=world.ale, original_name="r.csv", rows_read=1, rows_rejected=1)
    record.rejects.save("r.csv", ContentFile(b"line,vin,reason\n2,BAD,Invalid VIN\n"), save=False)
    record.save()
    return {"code": "ALE", "pk": record.pk}


CASES = [
    Case("completion-dashboard", expect=only(DASHBOARD)),
    Case(
        "completion-dashboard", data={"dealer": "99999"}, expect=only(DASHBOARD, ok=400), id="unknown-dealer"
    ),
    Case("remedy-report-schedule", kwargs={"code": "ALE"}, expect=only(REPORT_READERS)),
    Case("remedy-report", kwargs={"code": "ALE", "quarter": "2010-3"}, expect=only(REPORT_READERS)),
    Case(
        "remedy-report",
        kwargs={"code": "ALE", "quarter": "2010-3"},
        data={"format": "nhtsa"},
        expect=only(ADMIN, regional_west=403),
        id="nhtsa",
    ),
    Case("remedy-report-nhtsa", kwargs={"code": "ALE"}, expect=only(ADMIN)),
    Case(
        "remedy-report-submit",
        method="post",
        kwargs={"code": "ALE", "number": 1},
        setup=_no_submissions,
        expect=only(ADMIN, ok=302),
        writes=ADMIN,
        effect=_submitted,
    ),
    Case(
        "api-remedy-report",
        kwargs={"code": "ALE"},
        data={"quarter": "2010-3"},
        expect=only(REPORT_READERS, anonymous=401),
    ),
    Case("population", kwargs={"code": "ALE"}, expect=only(ADMIN)),
    Case(
        "population-remove",
        method="post",
        kwargs={"code": "ALE"},
        data=_vin_to_remove,
        expect=only(ADMIN, ok=302),
        writes=ADMIN,
        effect=_removed,
    ),
    Case(
        "population-removal-import",
        method="post",
        kwargs={"code": "ALE"},
        data=_removal_list,
        expect=only(ADMIN),
        writes=ADMIN,
        effect=_imported,
    ),
    Case("population-removal-rejects", kwargs=_finished_removal_import, expect=only(ADMIN)),
]
