"""Population removal: a VIN off the list with a reason, its history kept, counted as removed
and nowhere as affected; the removal-list import with the affected-VIN import's reject rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle
from campaign.selectors import vin_lookup
from dealers.models import InventoryUnit
from dealers.selectors import dealer_vehicle_counts, region_dealer_counts
from repairs.models import OutcomeChange
from reports.models import RemovalImport
from reports.population import affected_entry_remove
from tests.repairs.factories_ro import affected_vin, ale_ready, appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(ale):
    ale = ale_ready(ale)
    ale.affected_list_posted_at = timezone.now()
    ale.save(update_fields=["affected_list_posted_at"])
    return ale


def test_a_removed_vin_keeps_its_history_and_counts_nowhere_as_affected(
    ready, dealer_a, campaign_admin, regional_west
):
    vin, other = affected_vin(ready, dealer_a), affected_vin(ready, dealer_a)
    unit = InventoryUnit.objects.create(
        dealer=dealer_a,
        vin=vin,
        stock_number="P1",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_campaigns="ALE",
    )
    change = affected_entry_remove(
        campaign_id=ready.pk, vin=vin, reason="  Found not affected:  engine swapped ", user=campaign_admin
    )
    assert (change.kind, change.from_status, change.to_status, change.by) == (
        "removed",
        "open",
        "removed",
        campaign_admin,
    )
    assert change.reason == "Found not affected: engine swapped"
    entry = AffectedVehicle.objects.get(vehicle_id=vin)
    assert entry.status == "removed" and list(entry.outcome_changes.all()) == [change]
    assert vin_lookup(vin=vin).open_recalls == [] and [s.state for s in vin_lookup(vin=vin).statuses] == [
        "removed"
    ]
    unit.refresh_from_db()
    assert not unit.stop_sale
    [counts] = dealer_vehicle_counts(dealer_ids=frozenset({dealer_a.pk}))
    assert (counts.affected, counts.open) == (1, 1)
    [row] = [d for d in region_dealer_counts(user=regional_west) if d.pk == dealer_a.pk]
    assert row.affected == 1
    assert AffectedVehicle.objects.get(vehicle_id=other).status == "open"


@pytest.mark.parametrize(
    ("status", "message"),
    [("remedied", "stays on the list"), ("removed", "Already removed")],
)
def test_what_cannot_come_off(ready, dealer_a, campaign_admin, status, message):
    vin = affected_vin(ready, dealer_a, status=status)
    with pytest.raises(DomainError, match=message):
        affected_entry_remove(campaign_id=ready.pk, vin=vin, reason="x", user=campaign_admin)
    assert not OutcomeChange.objects.exists()


def test_refusals_say_why(ready, dealer_a, campaign_admin, regional_west):
    booked = appointment(ready, dealer_a).vehicle_id
    with pytest.raises(DomainError, match=r"appointment .* is scheduled"):
        affected_entry_remove(campaign_id=ready.pk, vin=booked, reason="x", user=campaign_admin)
    with pytest.raises(DomainError, match="Not on ALE's affected list"):
        affected_entry_remove(campaign_id=ready.pk, vin="JTHBE96S170007930", reason="x", user=campaign_admin)
    with pytest.raises(DomainError, match="Invalid VIN"):
        affected_entry_remove(campaign_id=ready.pk, vin="JTHBE96S17000793", reason="x", user=campaign_admin)
    with pytest.raises(DomainError, match="Say why"):
        affected_entry_remove(
            campaign_id=ready.pk, vin=affected_vin(ready, dealer_a), reason=" ", user=campaign_admin
        )
    with pytest.raises(DomainError, match="Only the campaign administrator") as refused:
        affected_entry_remove(
            campaign_id=ready.pk, vin=affected_vin(ready, dealer_a), reason="x", user=regional_west
        )
    assert refused.value.code == "forbidden" and not OutcomeChange.objects.exists()


def test_the_removal_list_rejects_bad_rows_with_their_line_and_removes_the_rest(
    ready, dealer_a, campaign_admin, client_for
):
    ok1, ok2 = affected_vin(ready, dealer_a), affected_vin(ready, dealer_a, status="unreachable")
    remedied = affected_vin(ready, dealer_a, status="remedied")
    body = (
        "vin,reason\n"
        f"{ok1},found not affected\n"
        "NOTAVIN,typo\n"
        f"{ok1},again\n"
        f"{remedied},found not affected\n"
        f"{ok2},\n"
        "\n"
        f"{ok2.lower()},scrapped before the recall\n"
        "JTHBE96S170007930,not on the list\n"
    ).encode() + b"\xff\xfe,bad bytes\n"
    response = client_for(campaign_admin).post(
        reverse("population-removal-import", args=["ALE"]), {"file": SimpleUploadedFile("removals.csv", body)}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.read, result.removed, result.rejected) == (8, 2, 6)
    assert [(r.line, r.reason.split(":")[0].split(" ")[0]) for r in result.sample_rejects] == [
        (3, "Invalid"),
        (4, "Duplicate"),
        (5, "Remedied"),
        (6, "Say"),
        (9, "Not"),
        (10, "The"),
    ]
    assert set(AffectedVehicle.objects.filter(status="removed").values_list("vehicle_id", flat=True)) == {
        ok1,
        ok2,
    }
    record = RemovalImport.objects.get()
    assert (record.rows_read, record.rows_removed, record.rows_rejected) == (8, 2, 6)
    rejects = client_for(campaign_admin).get(reverse("population-removal-rejects", args=["ALE", record.pk]))
    text = b"".join(rejects.streaming_content).decode()
    assert text.splitlines()[0] == "line,vin,reason" and text.count("\n") == 7


def test_a_file_without_the_header_removes_nothing(ready, dealer_a, campaign_admin, client_for):
    vin = affected_vin(ready, dealer_a)
    response = client_for(campaign_admin).post(
        reverse("population-removal-import", args=["ALE"]),
        {"file": SimpleUploadedFile("removals.csv", f"vin\n{vin}\n".encode())},
    )
    assert response.status_code == 400
    assert "no 'reason' column" in response.context["list_form"].errors["file"][0]
    assert AffectedVehicle.objects.get(vehicle_id=vin).status == "open" and not RemovalImport.objects.exists()


def test_the_population_page_removes_one_vin(ready, dealer_a, campaign_admin, client_for):
    vin = affected_vin(ready, dealer_a)
    client = client_for(campaign_admin)
    response = client.post(
        reverse("population-remove", args=["ALE"]), {"vin": vin, "reason": "found not affected"}
    )
    assert response.status_code == 302
    html = client.get(reverse("population", args=["ALE"])).content.decode()
    assert vin in html and "found not affected" in html
    again = client.post(reverse("population-remove", args=["ALE"]), {"vin": vin, "reason": "twice"})
    assert again.status_code == 400 and "Already removed" in again.content.decode()
