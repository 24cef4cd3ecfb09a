"""The warranty administrator's side: decisions and their events, the queue, a request's page
and its receipt (both logged as owner data)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.errors import DomainError
from dealers.models import OwnerDataAccess
from repairs.models import ReimbursementRequest
from repairs.reimbursement import (
    reimbursement_approve,
    reimbursement_deny,
    reimbursement_request_info,
    reimbursement_submit,
)
from tests.repairs.factories_reimbursement import PNG_BYTES, affected_vin, receipt, submission, window_set

REVIEW = "/reimbursement/review/"


@pytest.fixture
def campaign(ale):
    return window_set(ale)


@pytest.fixture
def filed(campaign):
    return reimbursement_submit(**submission(affected_vin(campaign), receipt=receipt(PNG_BYTES, "photo.png")))


def trail(request: ReimbursementRequest) -> list[tuple]:
    return list(
        request.events.order_by("pk").values_list(
            "from_status", "to_status", "amount", "by__username", "reason"
        )
    )


@pytest.mark.django_db
def test_approve_records_the_amount_who_and_when(filed, warranty_admin):
    decided = reimbursement_approve(request_id=filed.pk, user=warranty_admin, amount=Decimal("1500.00"))
    decided.refresh_from_db()
    assert (decided.status, decided.approved_amount, decided.decided_by) == (
        "approved",
        Decimal("1500.00"),
        warranty_admin,
    )
    assert decided.decided_at is not None
    assert trail(decided)[-1] == ("submitted", "approved", Decimal("1500.00"), "warranty_admin", "")


@pytest.mark.django_db
def test_an_approval_needs_an_amount_no_more_than_was_paid(filed, warranty_admin):
    for amount, message in (
        (None, "Enter the amount"),
        (Decimal("0"), "Enter the amount"),
        (Decimal("1840.01"), "cannot be more"),
    ):
        with pytest.raises(DomainError, match=message):
            reimbursement_approve(request_id=filed.pk, user=warranty_admin, amount=amount)
    filed.refresh_from_db()
    assert filed.status == "submitted" and len(trail(filed)) == 1


@pytest.mark.django_db
def test_deny_and_more_info_need_a_written_reason(filed, warranty_admin):
    for decide in (reimbursement_deny, reimbursement_request_info):
        with pytest.raises(DomainError) as caught:
            decide(request_id=filed.pk, user=warranty_admin, reason="  ")
        assert caught.value.field == "reason"
    assert len(trail(filed)) == 1


@pytest.mark.django_db
def test_more_info_then_approval_then_nothing_more(filed, warranty_admin):
    reimbursement_request_info(request_id=filed.pk, user=warranty_admin, reason="Send the itemised invoice.")
    reimbursement_approve(request_id=filed.pk, user=warranty_admin, amount=Decimal("1840.00"))
    with pytest.raises(DomainError) as caught:
        reimbursement_deny(request_id=filed.pk, user=warranty_admin, reason="Changed my mind.")
    assert caught.value.code == "conflict" and "a decision is final" in caught.value.message
    assert [(f, t) for f, t, *_ in trail(filed)] == [
        ("", "submitted"),
        ("submitted", "more_info"),
        ("more_info", "approved"),
    ]
    assert trail(filed)[1][4] == "Send the itemised invoice."


@pytest.mark.django_db
def test_a_decision_on_a_missing_request_is_not_found(warranty_admin):
    with pytest.raises(DomainError) as caught:
        reimbursement_deny(request_id=999999, user=warranty_admin, reason="x")
    assert caught.value.code == "not_found"


@pytest.mark.django_db
def test_the_queue_shows_waiting_requests_oldest_first_and_filters_by_status(
    client_for, warranty_admin, campaign
):
    first, second, third = (reimbursement_submit(**submission(affected_vin(campaign))) for _ in range(3))
    reimbursement_deny(request_id=second.pk, user=warranty_admin, reason="Not the remedy.")
    client = client_for(warranty_admin)
    page = client.get(REVIEW).content.decode()
    assert page.index(first.reference) < page.index(third.reference) and second.reference not in page
    denied = client.get(REVIEW, {"status": "denied"}).content.decode()
    assert second.reference in denied and first.reference not in denied
    everything = client.get(REVIEW, {"status": ""}).content.decode()
    assert all(r.reference in everything for r in (first, second, third))


@pytest.mark.django_db
def test_the_queue_export_has_no_owner_columns_and_logs_nothing(client_for, warranty_admin, filed):
    response = client_for(warranty_admin).get(REVIEW, {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Reference",
        "Submitted",
        "Campaign",
        "VIN",
        "Repair date",
        "Paid",
        "Status",
        "Approved",
    ]
    assert rows[1][0] == filed.reference and rows[1][3] == filed.vehicle_id
    assert filed.owner_name not in response.content.decode() and filed.email not in response.content.decode()
    assert not OwnerDataAccess.objects.exists()


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REVIEW).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_at_two_sizes(client_for, warranty_admin, campaign):
    client = client_for(warranty_admin)
    reimbursement_submit(**submission(affected_vin(campaign)))
    small = _queue_queries(client)
    for _ in range(30):
        reimbursement_submit(**submission(affected_vin(campaign)))
    # session, user, permissions (2: user and group), memberships (nav), count, one page of rows
    assert _queue_queries(client) == small == 7


@pytest.mark.django_db
def test_a_requests_page_shows_the_owner_logs_it_and_is_never_cached(client_for, warranty_admin, filed):
    response = client_for(warranty_admin).get(f"{REVIEW}{filed.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and filed.owner_name in body and filed.email in body
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    access = OwnerDataAccess.objects.get()
    assert (access.user, access.vehicle_id, access.context) == (
        warranty_admin,
        filed.vehicle_id,
        "reimbursement request",
    )


@pytest.mark.django_db
def test_the_receipt_downloads_as_an_attachment_of_its_sniffed_kind_and_is_logged(
    client_for, warranty_admin, filed
):
    response = client_for(warranty_admin).get(f"{REVIEW}{filed.pk}/receipt/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{filed.reference}-receipt.png"'
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert "no-store" in response["Cache-Control"]
    assert list(OwnerDataAccess.objects.values_list("context", flat=True)) == ["reimbursement receipt"]


@pytest.mark.django_db
def test_a_decision_from_the_page(client_for, warranty_admin, filed):
    client = client_for(warranty_admin)
    url = f"{REVIEW}{filed.pk}/decide/"
    refused = client.post(url, {"decision": "deny", "reason": ""})
    assert refused.status_code == 400 and b"Write the reason for the denial" in refused.content
    done = client.post(url, {"decision": "approve", "amount": "1200.00", "reason": ""})
    assert done.status_code == 302 and done["Location"] == f"{REVIEW}{filed.pk}/"
    filed.refresh_from_db()
    assert (filed.status, filed.approved_amount) == ("approved", Decimal("1200.00"))
    late = client.post(url, {"decision": "deny", "reason": "Too late."})
    assert late.status_code == 409 and b"a decision is final" in late.content
    page = client.get(f"{REVIEW}{filed.pk}/").content.decode()
    assert "Record decision" not in page and "$1200.00" in page


@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_one_decision(campaign, warranty_admin, monkeypatch):
    """Two threads, two connections. The first reviewer is held after reading the request's
    status (inside its transaction) until the second has started: without the row lock both
    would read "submitted" and both decide."""
    import threading
    import time

    from django.utils import timezone

    from repairs import reimbursement

    filed = reimbursement_submit(**submission(affected_vin(campaign)))
    second_started = threading.Event()
    real_now = timezone.now

    def held_now():
        if threading.current_thread().name == "first":
            second_started.wait(10)
            time.sleep(0.5)  # room for the second to read (no lock) or to wait on the row (lock)
        return real_now()

    monkeypatch.setattr(reimbursement.timezone, "now", held_now)
    outcomes: dict[str, str] = {}
    errors: list[BaseException] = []

    def reviewer(name, decide, **kwargs):
        try:
            if name == "second":
                second_started.set()
            decide(request_id=filed.pk, user=warranty_admin, **kwargs)
            outcomes[name] = "decided"
        except DomainError as exc:
            outcomes[name] = exc.code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(
        name="first",
        target=reviewer,
        args=("first", reimbursement_approve),
        kwargs={"amount": Decimal("100.00")},
    )
    second = threading.Thread(
        name="second",
        target=reviewer,
        args=("second", reimbursement_deny),
        kwargs={"reason": "Not eligible."},
    )
    first.start()
    time.sleep(0.2)  # the first is inside its transaction, waiting in timezone.now()
    second.start()
    for t in (first, second):
        t.join(30)
    assert not errors and outcomes == {"first": "decided", "second": "conflict"}
    filed.refresh_from_db()
    assert filed.status == "approved" and filed.events.count() == 2  # submitted, and the one decision
