"""Repair-order pages and the vehicle record's repair history: what a user sees, at a fixed cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from repairs.models import RepairOrder, WarrantyClaim
from repairs.outcomes import outcome_not_needed
from repairs.repair_orders import repair_order_check_in, repair_order_complete
from tests.repairs.factories_ro import affected_vin, ale_ready, appointment

pytestmark = pytest.mark.django_db
REJECTED_CODE = WarrantyClaim.RejectionCode.values[0]


@pytest.fixture
def ready(ale):
    return ale_ready(ale)


def open_ros(ready, dealer, user, n: int) -> list[RepairOrder]:
    return [
        repair_order_check_in(
            appointment_id=appointment(ready, dealer).pk, ro_number=f"L{i}", mileage_in=10, user=user
        )
        for i in range(n)
    ]


def complete(ro, user):
    return repair_order_complete(
        repair_order_id=ro.pk,
        completed_on=None,
        mileage_out=20,
        technician="T. Tech",
        labor_hours=Decimal("6.1"),
        user=user,
    )


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_costs_the_same_queries_at_two_sizes(
    ready, dealer_a, service_manager_a, client_for, django_assert_num_queries, rows
):
    open_ros(ready, dealer_a, service_manager_a, rows)
    client = client_for(service_manager_a)
    with django_assert_num_queries(8):
        # session, user, permissions (user, groups), memberships (scope), the count, the page
        # of ROs with dealer and campaign, the campaign filter's choices.
        response = client.get(reverse("repair-order-list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/repair-orders/') >= min(rows, 25)


def test_the_tabs_show_one_state_each_and_export(ready, dealer_a, service_manager_a, client_for):
    first, _ = open_ros(ready, dealer_a, service_manager_a, 2)
    complete(first, service_manager_a)
    client = client_for(service_manager_a)
    open_page = client.get(reverse("repair-order-list")).content.decode()
    assert ">L1<" in open_page and ">L0<" not in open_page
    done_page = client.get(reverse("repair-order-list"), {"status": "completed"}).content.decode()
    assert ">L0<" in done_page and ">L1<" not in done_page
    export = client.get(reverse("repair-order-list"), {"status": "completed", "_export": "csv"})
    assert export.status_code == 200 and b"L0" in export.content and b"L1" not in export.content


def test_another_dealers_staff_see_none_of_its_ros(
    ready, dealer_a, service_manager_a, service_manager_b, client_for
):
    (ro,) = open_ros(ready, dealer_a, service_manager_a, 1)
    client = client_for(service_manager_b)
    assert ">L0<" not in client.get(reverse("repair-order-list")).content.decode()
    assert client.get(reverse("repair-order-detail", args=[ro.pk])).status_code == 404


def test_the_completion_form_is_prefilled_from_the_kit_and_completes(
    ready, dealer_a, service_manager_a, client_for
):
    (ro,) = open_ros(ready, dealer_a, service_manager_a, 1)
    client = client_for(service_manager_a)
    url = reverse("repair-order-complete", args=[ro.pk])
    page = client.get(url)
    assert page.context["form"].initial["parts"] == "13711-31110, 1"
    refused = client.post(url, {"completed_on": "", "mileage_out": 5, "technician": "T", "labor_hours": "6"})
    assert refused.status_code == 200  # completed_on is required on the page; nothing completed
    from django.utils import timezone

    below = client.post(
        url, {"completed_on": timezone.localdate(), "mileage_out": 5, "technician": "T", "labor_hours": "6"}
    )
    assert "below mileage in" in below.content.decode()
    done = client.post(
        url,
        {
            "completed_on": timezone.localdate(),
            "mileage_out": 15,
            "technician": "T",
            "labor_hours": "6",
            "parts": "13711-31110, 2, L1",
        },
    )
    assert done.status_code == 302
    ro.refresh_from_db()
    assert ro.status == "completed" and list(ro.parts.values_list("quantity", "lot")) == [(2, "L1")]
    detail = client.get(reverse("repair-order-detail", args=[ro.pk])).content.decode()
    assert "Open → Completed" in detail and "2 × 13711-31110" in detail
    # The next step is the claim: offered on the completed RO until one is filed.
    assert reverse("claim-submit", kwargs={"ro_pk": ro.pk}) in detail
    from tests.repairs.factories import WarrantyClaimFactory

    WarrantyClaimFactory(repair_order=ro)
    detail = client.get(reverse("repair-order-detail", args=[ro.pk])).content.decode()
    assert reverse("claim-submit", kwargs={"ro_pk": ro.pk}) not in detail


def test_the_vehicle_record_shows_the_history_and_its_forms(
    ready, dealer_a, service_manager_a, regional_west, client_for
):
    (ro,) = open_ros(ready, dealer_a, service_manager_a, 1)
    complete(ro, service_manager_a)
    other = affected_vin(ready, dealer_a)
    html = (
        client_for(service_manager_a).get(reverse("vehicle-record"), {"vin": ro.vehicle_id}).content.decode()
    )
    assert "RO L0" in html and "Remedied here (RO completed)" in html
    # Remedied by an RO: nothing to record and no undo on the page.
    assert 'data-testid="outcome-forms-ALE"' not in html
    html = client_for(service_manager_a).get(reverse("vehicle-record"), {"vin": other}).content.decode()
    assert (
        reverse("outcome-not-needed", args=[ro.campaign.affected_vehicles.get(vehicle_id=other).pk]) in html
    )
    assert "Mark unreachable" not in html
    html = client_for(regional_west).get(reverse("vehicle-record"), {"vin": other}).content.decode()
    assert "Mark unreachable" in html and "Record not needed" not in html


def test_an_outcome_form_refused_comes_back_with_the_reason(ready, dealer_a, service_manager_a, client_for):
    vin = affected_vin(ready, dealer_a)
    entry = ready.affected_vehicles.get(vehicle_id=vin)
    record = f"{reverse('vehicle-record')}?vin={vin}"
    response = client_for(service_manager_a).post(
        reverse("outcome-not-needed", args=[entry.pk]),
        {"reason": ""},
        HTTP_REFERER=f"http://testserver{record}",
    )
    assert response.status_code == 303 and response["Location"].endswith(record)
    entry.refresh_from_db()
    assert entry.status == "open"


@pytest.mark.parametrize("size", [1, 4])
def test_the_repair_history_costs_the_same_queries_at_two_sizes(
    ready, dealer_a, service_manager_a, django_assert_num_queries, size
):
    from repairs.ro_selectors import vehicle_repair_history
    from tests.repairs.factories import RepairOrderFactory, WarrantyClaimFactory

    vin = affected_vin(ready, dealer_a)
    for i in range(size):
        ro = RepairOrderFactory(dealer=dealer_a, campaign=ready, vehicle_id=vin, status="cancelled")
        WarrantyClaimFactory(repair_order=ro, status="rejected", rejection_code=REJECTED_CODE)
        appointment(ready, dealer_a, vin).__class__.objects.filter(vehicle_id=vin).update(status="cancelled")
        entry = ready.affected_vehicles.get(vehicle_id=vin)
        outcome_not_needed(entry_id=entry.pk, reason=f"r{i}", user=service_manager_a)
        entry.__class__.objects.filter(pk=entry.pk).update(status="open")
    service_manager_a.has_perm("x")  # permissions cached, as in a request
    from dealers.access import user_scope

    user_scope(service_manager_a)
    with django_assert_num_queries(5):
        # appointments, ROs, claims (each in scope), the VIN's entries with servicing dealer, outcomes.
        history = vehicle_repair_history(vin=vin, user=service_manager_a)
    assert (
        len(history.appointments),
        len(history.repair_orders),
        len(history.claims),
        len(history.outcomes),
    ) == (size, size, size, size)
