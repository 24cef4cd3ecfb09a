"""Double submissions on PostgreSQL: two threads, two connections, one outcome.

The row lock (appointment at check-in, RO at completion) and the constraints decide;
the loser is told 409. SQLite's in-memory test database cannot serve two writers at once;
CI runs these on PostgreSQL.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from campaign.errors import DomainError
from repairs.models import OutcomeChange, RepairOrder, RepairOrderEvent
from repairs.repair_orders import repair_order_check_in, repair_order_complete
from tests.repairs.factories_ro import ale_ready, appointment

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*calls) -> list[str]:
    """Run the calls at once, each in its own thread and connection: 'ok' or the error code."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return sorted(results)


def test_two_check_ins_of_one_appointment_open_one_ro(ale, dealer_a, service_manager_a):
    appt = appointment(ale_ready(ale), dealer_a)

    def check_in(number):
        return lambda: repair_order_check_in(
            appointment_id=appt.pk, ro_number=number, mileage_in=100, user=service_manager_a
        )

    assert race(check_in("RO1"), check_in("RO2")) == ["conflict", "ok"]
    assert RepairOrder.objects.count() == 1
    assert appt.events.count() == 1


def test_two_completions_complete_once(ale, dealer_a, service_manager_a):
    appt = appointment(ale_ready(ale), dealer_a)
    ro = repair_order_check_in(
        appointment_id=appt.pk, ro_number="RO1", mileage_in=100, user=service_manager_a
    )

    def complete():
        repair_order_complete(
            repair_order_id=ro.pk,
            completed_on=None,
            mileage_out=110,
            technician="T",
            labor_hours=Decimal("6.0"),
            user=service_manager_a,
        )

    assert race(complete, complete) == ["conflict", "ok"]
    assert RepairOrderEvent.objects.filter(repair_order=ro, to_status="completed").count() == 1
    assert OutcomeChange.objects.count() == 1 and ro.parts.count() == 1


def test_the_same_ro_number_twice_at_a_dealer_opens_one(ale, dealer_a, service_manager_a):
    ready = ale_ready(ale)
    first, second = appointment(ready, dealer_a), appointment(ready, dealer_a)

    def check_in(appt):
        return lambda: repair_order_check_in(
            appointment_id=appt.pk, ro_number="RO9", mileage_in=100, user=service_manager_a
        )

    assert race(check_in(first), check_in(second)) == ["conflict", "ok"]
    assert RepairOrder.objects.filter(dealer=dealer_a, ro_number="RO9").count() == 1
    # The loser's appointment is still scheduled: its check-in rolled back whole.
    assert sorted(RepairOrder.objects.values_list("appointment__status", flat=True)) == ["checked_in"]
    assert {first.pk, second.pk} - set(RepairOrder.objects.values_list("appointment_id", flat=True))
