"""Two submissions of one RO at once (two clerks, a double click): one claim, the other 409."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from repairs.models import WarrantyClaim
from tests.repairs.factories import WarrantyClaimFactory
from tests.repairs.factories_claims import claims_setup, completed_ro

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_api_submissions_make_one_claim(ale, dealer_a, service_manager_a):
    claims_setup(ale, dealer_a)
    ro = completed_ro(ale, dealer_a)
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    bodies: list[dict] = []
    errors: list[BaseException] = []

    def clerk():
        try:
            client = APIClient()
            client.force_authenticate(service_manager_a)
            barrier.wait()
            response = client.post("/api/v1/claims/", {"repair_order": ro.pk}, format="json")
            statuses.append(response.status_code)
            bodies.append(response.json())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sorted(statuses) == [201, 409]
    refusal = next(b for b, s in zip(bodies, statuses, strict=True) if s == 409)
    assert (refusal["code"], refusal["rejection_code"]) == ("conflict", "duplicate")
    assert WarrantyClaim.objects.filter(repair_order=ro).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_claim_past_the_checks(ale, dealer_a):
    ro = completed_ro(ale, dealer_a)
    WarrantyClaimFactory(repair_order=ro)
    with pytest.raises(IntegrityError, match="claim_one_live_per_vin"), transaction.atomic():
        WarrantyClaimFactory(repair_order=ro, status=WarrantyClaim.Status.REVIEW)
