"""The stop-sale re-check after an affected-VIN list import: set-based, idempotent, on Celery."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import AffectedVehicle, Campaign
from campaign.signals import affected_list_changed
from dealers.inventory import inventory_recheck
from dealers.models import DealerNotice, InventoryEvent, InventoryUnit
from dealers.tasks import inventory_recheck_task
from tests.factories import AffectedVehicleFactory, DealerFactory, VehicleFactory, ale_vin

RECEIVED = dt.date(2010, 6, 1)


def stock(dealer, serial: int, **fields) -> InventoryUnit:
    return InventoryUnit.objects.create(
        dealer=dealer, vin=ale_vin(serial), stock_number=f"S{serial}", received_on=RECEIVED, **fields
    )


def post(campaign, serial: int, status: str = "open") -> AffectedVehicle:
    vehicle = VehicleFactory(vin=ale_vin(serial))
    return AffectedVehicleFactory(campaign=campaign, vehicle=vehicle, status=status)


def other_campaign(code: str = "B0X") -> Campaign:
    return Campaign.objects.create(
        code=code,
        title=f"Safety Recall {code}",
        manufacturer="Lexus",
        make="Lexus",
        component="Fuel pump",
        defect_description="d",
        consequence="c",
        remedy_description="r",
        dir_filed_on=dt.date(2011, 1, 1),
    )


@pytest.mark.django_db
def test_newly_affected_units_are_flagged_and_each_dealer_gets_one_notice(ale, dealer_a, dealer_b):
    held_a = [stock(dealer_a, s) for s in (30001, 30002, 30003)]
    held_b = stock(dealer_b, 30004)
    untouched = [
        stock(dealer_a, 30005),  # not on the list
        stock(dealer_a, 30006, status="delivered"),  # already gone
    ]
    for s in (30001, 30002, 30003, 30004, 30006):
        post(ale, s)
    post(ale, 30007, status="remedied")
    stock(dealer_b, 30007)  # on the list but remedied: not held

    result = inventory_recheck(campaign_id=ale.pk)

    assert (result.flagged, result.cleared, result.notices) == (4, 0, 2)
    for unit in [*held_a, held_b]:
        unit.refresh_from_db()
        assert unit.stop_sale and unit.stop_sale_campaigns == "ALE" and unit.stop_sale_since
        assert list(unit.events.values_list("kind", flat=True)) == ["flagged"]
    for unit in untouched:
        unit.refresh_from_db()
        assert not unit.stop_sale
    notice = DealerNotice.objects.get(dealer=dealer_a)
    assert notice.kind == DealerNotice.Kind.STOP_SALE
    assert notice.message == "3 units newly on stop sale (ALE) — do not deliver until remedied."
    assert notice.link == "/inventory/held/"
    assert DealerNotice.objects.get(dealer=dealer_b).message.startswith("1 unit newly on stop sale")


@pytest.mark.django_db
def test_running_it_twice_changes_nothing_the_second_time(ale, dealer_a):
    stock(dealer_a, 30011)
    post(ale, 30011)
    assert inventory_recheck(campaign_id=ale.pk).flagged == 1
    again = inventory_recheck(campaign_id=ale.pk)
    assert (again.flagged, again.cleared, again.notices) == (0, 0, 0)
    assert InventoryEvent.objects.count() == 1 and DealerNotice.objects.count() == 1


@pytest.mark.django_db
def test_holds_are_lifted_when_every_campaign_on_the_vin_is_closed(ale, dealer_a):
    unit = stock(dealer_a, 30021)
    entry = post(ale, 30021)
    inventory_recheck(campaign_id=ale.pk)
    entry.status = AffectedVehicle.Status.REMEDIED
    entry.save()

    result = inventory_recheck(campaign_id=ale.pk)

    assert result.cleared == 1
    unit.refresh_from_db()
    assert (unit.stop_sale, unit.stop_sale_since, unit.stop_sale_campaigns) == (False, None, "")
    assert unit.events.order_by("-pk").first().kind == "cleared"


@pytest.mark.django_db
def test_a_second_open_campaign_joins_the_codes_and_keeps_the_hold_when_one_closes(ale, dealer_a):
    unit = stock(dealer_a, 30031)
    ale_entry = post(ale, 30031)
    inventory_recheck(campaign_id=ale.pk)
    b0x = other_campaign()
    AffectedVehicleFactory(campaign=b0x, vehicle=ale_entry.vehicle)

    assert inventory_recheck(campaign_id=b0x.pk).flagged == 0  # already held
    unit.refresh_from_db()
    assert unit.stop_sale_campaigns == "ALE, B0X"

    ale_entry.status = AffectedVehicle.Status.REMEDIED
    ale_entry.save()
    assert inventory_recheck(campaign_id=ale.pk).cleared == 0
    unit.refresh_from_db()
    assert unit.stop_sale and unit.stop_sale_campaigns == "B0X"


@pytest.mark.django_db
def test_the_recheck_costs_the_same_queries_for_few_or_many_units(ale, django_assert_num_queries):
    """Set-based: the number of statements does not grow with the inventory."""
    dealers = [DealerFactory() for _ in range(3)]

    def run(first_serial: int, count: int) -> int:
        for i in range(count):
            stock(dealers[i % 3], first_serial + i)
            post(ale, first_serial + i)
        with CaptureQueriesContext(connection) as queries:
            result = inventory_recheck(campaign_id=ale.pk)
        assert result.flagged == count
        # PostgreSQL may ANALYZE the list first when its statistics are stale: not per unit.
        return len([q for q in queries if not q["sql"].startswith("ANALYZE")])

    few = run(31000, 3)
    many = run(32000, 60)
    # savepoint, (PostgreSQL: list statistics check), flag UPDATE, read back, events INSERT,
    # clear SELECT, refresh UPDATE, per-dealer GROUP BY, campaign code, notices INSERT, release,
    # and parts' two UPDATEs of waiting vehicles' stop-sale priority (parts.priority)
    assert few == many == (13 if connection.vendor == "postgresql" else 12)


@pytest.mark.django_db
def test_the_task_is_idempotent_and_tolerates_a_deleted_campaign(ale, dealer_a):
    stock(dealer_a, 30041)
    post(ale, 30041)
    assert inventory_recheck_task.delay(ale.pk).get() == {"flagged": 1, "cleared": 0, "notices": 1}
    assert inventory_recheck_task.delay(ale.pk).get() == {"flagged": 0, "cleared": 0, "notices": 0}
    assert inventory_recheck_task.delay(987654).get() == {"flagged": 0, "cleared": 0, "notices": 0}


@pytest.mark.django_db
def test_importing_an_affected_list_rechecks_inventory(
    ale, dealer_a, tmp_path, django_capture_on_commit_callbacks
):
    """The campaign app's import sends affected_list_changed; the dealers app's receiver enqueues the re-check."""
    from campaign.vin_import_merge import affected_vins_import

    unit = stock(dealer_a, 25051)
    header = "vin,owner_name,address1,address2,city,state,postal_code,phone,email\n"
    rows = "".join(
        f"{ale_vin(s)},Owner {s},1 Elm St,,Pasadena,CA,91101,626-555-0100,o{s}@example.com\n"
        for s in (25051, 25052)
    )
    csv = (header + rows).encode()
    with django_capture_on_commit_callbacks(execute=True):
        affected_vins_import(
            campaign_id=ale.pk, source=io.BytesIO(csv), rejects_path=tmp_path / "rejects.csv"
        )
    unit.refresh_from_db()
    assert unit.stop_sale and unit.stop_sale_campaigns == "ALE"
    assert DealerNotice.objects.filter(dealer=dealer_a, kind="stop_sale").count() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_recheck_after_the_signal(celery_worker, ale, dealer_a):
    unit = stock(dealer_a, 30061)
    post(ale, 30061)
    affected_list_changed.send(sender=Campaign, campaign_id=ale.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        unit.refresh_from_db()
        if unit.stop_sale:
            break
        time.sleep(0.2)
    assert unit.stop_sale
    assert DealerNotice.objects.filter(dealer=dealer_a, kind="stop_sale").exists()
