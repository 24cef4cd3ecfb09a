"""Owner reimbursement submissions (49 CFR 573.13): eligibility, receipts, double submissions."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from campaign.errors import DomainError
from repairs.models import ReimbursementEvent, ReimbursementRequest
from repairs.reimbursement import reimbursement_deny, reimbursement_submit
from repairs.reimbursement_receipts import receipt_kind
from tests.factories import VehicleFactory
from tests.repairs.factories_reimbursement import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    WINDOW_FROM,
    WINDOW_UNTIL,
    affected_vin,
    fresh_vin,
    receipt,
    submission,
    window_set,
)


@pytest.fixture
def campaign(ale):
    return window_set(ale)


def refusal(**kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        reimbursement_submit(**kwargs)
    return caught.value


def stored_receipts() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reimbursement-receipts"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.django_db
def test_an_affected_vin_repaired_inside_the_window_is_filed_with_its_receipt(campaign, warranty_admin):
    vin = affected_vin(campaign)
    filed = reimbursement_submit(**submission(vin, owner_name="  Pat   Owner "))
    filed.refresh_from_db()
    assert (filed.vehicle_id, filed.campaign, filed.status) == (vin, campaign, "submitted")
    assert filed.owner_name == "Pat Owner" and filed.amount_paid == Decimal("1840.00")
    assert filed.receipt_content_type == "application/pdf"
    # Stored under a random name in the receipts folder, never the uploaded one.
    assert (
        filed.receipt.name.startswith("reimbursement-receipts/")
        and "receipt" not in Path(filed.receipt.name).name
    )
    assert filed.receipt.name.endswith(".pdf") and filed.receipt.read() == PDF_BYTES
    assert [(e.from_status, e.to_status, e.by) for e in filed.events.all()] == [("", "submitted", None)]
    assert filed.reference == f"R-{filed.pk:06d}"


@pytest.mark.django_db
@pytest.mark.parametrize("repair_date", [WINDOW_FROM, WINDOW_UNTIL], ids=["first-day", "last-day"])
def test_the_window_includes_its_first_and_last_day(campaign, repair_date):
    assert reimbursement_submit(**submission(affected_vin(campaign), repair_date=repair_date)).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "repair_date",
    [WINDOW_FROM - dt.timedelta(days=1), WINDOW_UNTIL + dt.timedelta(days=1)],
    ids=["day-before", "day-after"],
)
def test_a_repair_outside_the_window_is_not_eligible(campaign, repair_date):
    error = refusal(**submission(affected_vin(campaign), repair_date=repair_date))
    assert error.field == "repair_date"
    assert "reimburses repairs made from January 1, 2010 to December 31, 2010" in error.message
    assert not ReimbursementRequest.objects.exists() and not stored_receipts()


@pytest.mark.django_db
def test_a_window_without_an_end_takes_any_past_date_but_not_the_future(campaign):
    window_set(campaign, until=None)
    assert reimbursement_submit(**submission(affected_vin(campaign), repair_date=dt.date(2020, 3, 1))).pk
    error = refusal(**submission(affected_vin(campaign), repair_date=dt.date.today() + dt.timedelta(days=2)))
    assert (error.field, error.message) == ("repair_date", "The repair date cannot be in the future.")


@pytest.mark.django_db
def test_a_campaign_without_a_window_takes_no_requests(ale):
    ale.reimbursement_from = ale.reimbursement_until = None
    ale.save(update_fields=["reimbursement_from", "reimbursement_until"])
    error = refusal(**submission(affected_vin(ale)))
    assert error.field == "campaign" and "does not take owner reimbursement" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["remedied", "not_needed", "unreachable"])
def test_the_vins_current_status_on_the_list_does_not_matter(campaign, status):
    # The owner paid before the free remedy: a VIN since recorded remedied was affected all the same.
    assert reimbursement_submit(**submission(affected_vin(campaign, status=status))).pk


@pytest.mark.django_db
def test_a_vin_off_the_list_is_not_eligible(campaign):
    error = refusal(**submission(fresh_vin()))
    assert error.field == "vin" and "is not on the list of vehicles affected by campaign ALE" in error.message
    assert not ReimbursementRequest.objects.exists() and not stored_receipts()


@pytest.mark.django_db
def test_an_invalid_vin_is_refused_with_what_is_wrong(campaign):
    error = refusal(**submission("JTHBE96S17000793"))
    assert error.field == "vin" and "this one has 16" in error.message


@pytest.mark.django_db
def test_refusals_never_tell_whether_an_owner_is_on_file(campaign):
    """Off the list: a vehicle with an owner on file, one without, and no vehicle row at all."""
    with_owner = VehicleFactory(vin=fresh_vin(), owner_name="Registered Owner", address1="1 Elm St")
    without_owner = VehicleFactory(vin=fresh_vin(), owner_name="", address1="", city="", email="")
    assert with_owner.has_owner and not without_owner.has_owner
    messages = {
        refusal(**submission(vin)).message.encode()
        for vin in (with_owner.vin, without_owner.vin, fresh_vin())
    }
    assert len(messages) == 1


@pytest.mark.django_db
def test_a_png_renamed_pdf_is_taken_as_a_png(campaign):
    filed = reimbursement_submit(
        **submission(affected_vin(campaign), receipt=receipt(PNG_BYTES, "scan.pdf", "application/pdf"))
    )
    assert filed.receipt_content_type == "image/png" and filed.receipt.name.endswith(".png")


@pytest.mark.django_db
def test_a_program_renamed_pdf_is_refused_and_not_stored(campaign):
    error = refusal(**submission(affected_vin(campaign), receipt=receipt(EXE_BYTES, "receipt.pdf")))
    assert error.field == "receipt" and "must be a PDF, JPEG or PNG" in error.message
    assert not stored_receipts()


@pytest.mark.django_db
def test_an_empty_receipt_is_refused(campaign):
    assert refusal(**submission(affected_vin(campaign), receipt=receipt(b""))).field == "receipt"


@pytest.mark.django_db
def test_an_oversize_receipt_is_refused_by_the_service_too(campaign, settings):
    settings.REIMBURSEMENT_MAX_UPLOAD_MB = 1
    big = receipt(PDF_BYTES + b"0" * (1024 * 1024))
    error = refusal(**submission(affected_vin(campaign), receipt=big))
    assert error.field == "receipt" and "at most 1 MB" in error.message
    assert not stored_receipts()


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PDF_BYTES, "application/pdf"), (JPEG_BYTES, "image/jpeg"), (PNG_BYTES, "image/png")],
)
def test_receipt_kinds_come_from_the_first_bytes(head, kind):
    assert receipt_kind(head[:16]).content_type == kind


@pytest.mark.parametrize(
    "head",
    [EXE_BYTES, b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, b"GIF89a" + b"\x00" * 10, b" %PDF-1.4", b"PK\x03\x04"],
    ids=["exe", "png-without-ihdr", "gif", "pdf-not-at-start", "zip"],
)
def test_other_files_have_no_receipt_kind(head):
    assert receipt_kind(head[:16]) is None


@pytest.mark.django_db
def test_the_owner_must_state_they_paid_and_give_a_way_to_answer(campaign):
    vin = affected_vin(campaign)
    assert refusal(**submission(vin, owner_paid_statement=False)).field == "owner_paid_statement"
    assert refusal(**submission(vin, email="")).field == "email"
    assert (
        reimbursement_submit(
            **submission(vin, email="", address1="1 Elm St", city="Pasadena", state="ca", postal_code="91101")
        ).state
        == "CA"
    )


@pytest.mark.django_db
def test_the_same_submission_twice_files_one_request(campaign):
    vin = affected_vin(campaign)
    first = reimbursement_submit(**submission(vin))
    again = reimbursement_submit(**submission(vin, owner_name="pat owner"))
    assert again.pk == first.pk and ReimbursementRequest.objects.count() == 1
    assert len(stored_receipts()) == 1


@pytest.mark.django_db
def test_a_different_request_while_one_is_open_is_a_conflict_until_it_is_denied(campaign, warranty_admin):
    vin = affected_vin(campaign)
    first = reimbursement_submit(**submission(vin))
    error = refusal(**submission(vin, amount_paid=Decimal("99.00")))
    assert (error.code, error.field) == ("conflict", "vin") and "already on file" in error.message
    reimbursement_deny(request_id=first.pk, user=warranty_admin, reason="The receipt is not itemised.")
    second = reimbursement_submit(**submission(vin, amount_paid=Decimal("99.00")))
    assert second.pk != first.pk and len(stored_receipts()) == 2


@pytest.mark.django_db
def test_the_database_allows_one_open_request_per_vin_and_campaign(campaign):
    first = reimbursement_submit(**submission(affected_vin(campaign)))
    twin = ReimbursementRequest(
        campaign=first.campaign,
        vehicle_id=first.vehicle_id,
        owner_name="Someone Else",
        repair_date=first.repair_date,
        facility="x",
        amount_paid=Decimal("1.00"),
        receipt=first.receipt.name,
        receipt_content_type="application/pdf",
        owner_paid_statement=True,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_file_one_request(campaign):
    """Two threads, two connections, one double click: one row, both answered with it."""
    vin = affected_vin(campaign)
    barrier = threading.Barrier(2)
    filed: list[int] = []
    errors: list[BaseException] = []

    def click():
        try:
            barrier.wait()
            filed.append(reimbursement_submit(**submission(vin)).pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(filed) == 2 and len(set(filed)) == 1
    assert ReimbursementRequest.objects.filter(vehicle_id=vin).count() == 1
    assert ReimbursementEvent.objects.filter(request_id=filed[0]).count() == 1
    assert len(stored_receipts()) == 1


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    # A folder per test, so stored_receipts() counts this test's files only.
    settings.MEDIA_ROOT = tmp_path / f"media-{uuid.uuid4().hex[:8]}"
