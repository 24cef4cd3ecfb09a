""" "Remedied" means one thing everywhere: the entry's status is REMEDIED.

Inspected-and-not-needed entries are closed (nothing left to do for the VIN, no stop sale, not
an open recall) but not remedied: the dealer counts, the VIN states and the vehicle record all
say so, as the quarterly remedy report counts them apart. Unreachable entries record that the
owner could not be reached: the remedy is still to do, so for the VIN the recall stays open.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.eligibility import ENTRY_STATES, VinState
from campaign.models import AffectedVehicle
from dealers.models import ServicingDealer
from dealers.selectors import dealer_vehicle_counts, region_dealer_counts
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

Status = AffectedVehicle.Status


def test_every_entry_status_has_one_vin_state_and_only_remedied_is_remedied():
    assert set(ENTRY_STATES) == set(Status.values)
    assert [s for s, state in ENTRY_STATES.items() if state == VinState.REMEDIED] == [Status.REMEDIED]
    assert {s for s, state in ENTRY_STATES.items() if state == VinState.AFFECTED} == set(
        AffectedVehicle.RECALL_OPEN_STATUSES
    )
    assert set(AffectedVehicle.RECALL_OPEN_STATUSES) == {Status.OPEN, Status.UNREACHABLE}


@pytest.fixture
def one_of_each(ale, dealer_a):
    """Dealer A services one ALE vehicle in each entry status (the removed one counts nowhere)."""
    ale.affected_list_posted_at = timezone.now()
    ale.save(update_fields=["affected_list_posted_at"])
    vins = {}
    for serial, status in zip((8001, 8002, 8003, 8004, 8005), Status.values, strict=True):
        vehicle = VehicleFactory(vin=ale_vin(serial))
        AffectedVehicleFactory(campaign=ale, vehicle=vehicle, status=status)
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
        vins[status] = vehicle.vin
    return vins


@pytest.mark.django_db
def test_dealer_counts_count_only_remedied_as_remedied(one_of_each, dealer_a, regional_west):
    [counts] = dealer_vehicle_counts(dealer_ids=frozenset({dealer_a.pk}))
    assert (counts.affected, counts.open, counts.remedied) == (4, 1, 1)
    assert counts.completion == 25.0
    [row] = [d for d in region_dealer_counts(user=regional_west) if d.pk == dealer_a.pk]
    assert (row.affected, row.open, row.remedied) == (4, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "badge", "not_shown"),
    [
        (Status.REMEDIED, "Remedied", "Closed, not remedied"),
        (Status.NOT_NEEDED, "Closed, not remedied", ">Remedied<"),
    ],
)
def test_the_vehicle_record_says_remedied_only_when_it_was(
    client_for, service_manager_a, one_of_each, status, badge, not_shown
):
    response = client_for(service_manager_a).get(reverse("vehicle-record"), {"vin": one_of_each[status]})
    html = response.content.decode()
    assert badge in html and not_shown not in html
    assert "No open recall" in html


@pytest.mark.django_db
def test_an_unreachable_vehicle_still_has_its_recall_open(
    client, client_for, service_manager_a, one_of_each, dealer_a, preowned_manager_a
):
    """A car whose owner was never found can still turn up: at a dealer, or checked by a buyer."""
    from dealers.inventory import inventory_add

    vin = one_of_each[Status.UNREACHABLE]
    body = client.get(reverse("api-vin-recalls", kwargs={"vin": vin})).json()
    assert [r["campaign"] for r in body["recalls"]] == ["ALE"]
    html = client_for(service_manager_a).get(reverse("vehicle-record"), {"vin": vin}).content.decode()
    assert "No open recall" not in html
    unit = inventory_add(
        dealer_id=dealer_a.pk,
        vin=vin,
        stock_number="U1",
        received_on=timezone.localdate(),
        user=preowned_manager_a,
    )
    assert (unit.stop_sale, unit.stop_sale_campaigns) == (True, "ALE")
