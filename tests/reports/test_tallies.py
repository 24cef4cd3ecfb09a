"""The dashboard's tallies follow every write through the services, and say what the rows say:
after any sequence of outcomes the kept tallies equal a rebuild from the rows, and the burn-up
from the tallies equals the one straight from the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from repairs.models import OutcomeChange
from repairs.outcomes import outcome_not_needed, outcome_undo, outcome_unreachable
from repairs.repair_orders import repair_order_check_in, repair_order_complete
from reports.dashboard_history import history_burn_up
from reports.dashboard_selectors import _tally_burn_up
from reports.models import DayTally, EntryTally, ModelDayTally
from reports.population import affected_entry_remove
from reports.tallies import tallies_refresh
from tests.repairs.factories_ro import affected_vin, ale_ready, appointment

pytestmark = pytest.mark.django_db


def _snapshot(campaign):
    entries = sorted(
        (t.dealer_id, t.model_label, t.model_year, t.status, t.n)
        for t in EntryTally.objects.filter(campaign=campaign)
        if t.n
    )
    days = sorted(
        (t.dealer_id, t.day, t.added, t.remedied, t.removed)
        for t in DayTally.objects.filter(campaign=campaign)
        if t.added or t.remedied or t.removed
    )
    by_model = sorted(
        (t.dealer_id, t.model_label, t.model_year, t.day, t.added, t.remedied, t.removed)
        for t in ModelDayTally.objects.filter(campaign=campaign)
        if t.added or t.remedied or t.removed
    )
    return entries, days, by_model


def test_outcomes_through_the_services_keep_the_tallies_as_a_rebuild_would(
    ale, dealer_a, dealer_b, service_manager_a, regional_west, campaign_admin
):
    ale = ale_ready(ale)
    vins = [affected_vin(ale, dealer_a) for _ in range(4)] + [affected_vin(ale, dealer_b)]
    from campaign.models import AffectedVehicle, Vehicle

    Vehicle.objects.filter(vin__in=vins[:2]).update(model_label="LS 460", model_year=2008)
    tallies_refresh(campaign_id=ale.pk)  # the posted list

    entry = {v: AffectedVehicle.objects.get(vehicle_id=v).pk for v in vins}
    outcome_not_needed(entry_id=entry[vins[0]], reason="inspected", user=service_manager_a)
    outcome_unreachable(entry_id=entry[vins[1]], unreachable_reason="exported", reason="", user=regional_west)
    outcome_undo(entry_id=entry[vins[1]], reason="came back", user=regional_west)
    affected_entry_remove(campaign_id=ale.pk, vin=vins[2], reason="found not affected", user=campaign_admin)
    booked = appointment(ale, dealer_a, vins[3])
    ro = repair_order_check_in(
        appointment_id=booked.pk, ro_number="RO-1", mileage_in=60000, user=service_manager_a
    )
    repair_order_complete(
        repair_order_id=ro.pk,
        completed_on=None,
        mileage_out=60010,
        technician="K. Nguyen",
        labor_hours=Decimal("6.0"),
        user=service_manager_a,
    )
    assert OutcomeChange.objects.count() == 5
    kept = _snapshot(ale)
    tallies_refresh(campaign_id=ale.pk)
    assert kept == _snapshot(ale)
    # The days split by model sum to the days; the LS 460s' undone unreachable nets to nothing.
    days = {}
    for dealer_id, _label, _year, day, added, remedied, removed in kept[2]:
        row = days.setdefault((dealer_id, day), [0, 0, 0])
        row[0], row[1], row[2] = row[0] + added, row[1] + remedied, row[2] + removed
    assert sorted((*k, *v) for k, v in days.items()) == kept[1]
    assert {(label, year) for _d, label, year, *_ in kept[2]} >= {("LS 460", 2008)}
    by_status = {}
    for dealer_id, _label, _year, status, n in kept[0]:
        by_status[(dealer_id, status)] = by_status.get((dealer_id, status), 0) + n
    assert by_status == {
        (dealer_a.pk, "not_needed"): 1,
        (dealer_a.pk, "open"): 1,
        (dealer_a.pk, "removed"): 1,
        (dealer_a.pk, "remedied"): 1,
        (dealer_b.pk, "open"): 1,
    }


def test_the_burn_up_from_the_tallies_is_the_burn_up_from_the_history(ale, dealer_a):
    from campaign.models import AffectedVehicle
    from tests.reports.fleet import at, change, entry

    today = timezone.localdate()
    rows = [entry(ale, dealer=dealer_a, added=today - dt.timedelta(days=d)) for d in (90, 60, 30, 30, 8, 1)]
    change(rows[0], "remedied", at(today - dt.timedelta(days=50)))
    change(rows[1], "remedied", at(today - dt.timedelta(days=20)))
    change(rows[1], "open", at(today - dt.timedelta(days=15)))
    change(rows[2], "removed", at(today - dt.timedelta(days=10)))
    change(rows[3], "remedied", at(today - dt.timedelta(days=2)))
    tallies_refresh(campaign_id=ale.pk)
    chart = {"today": today, "date_from": today - dt.timedelta(days=45), "date_to": None}
    from_history = history_burn_up(
        changes=OutcomeChange.objects.filter(entry__campaign=ale),
        entries=AffectedVehicle.objects.filter(campaign=ale),
        **chart,
    )
    from_tallies = _tally_burn_up(days=DayTally.objects.filter(campaign=ale), **chart)
    assert from_history == from_tallies
    assert from_tallies[1][0] == 1 and from_tallies[1][-1] == 2  # remedied: 1 before the window, 2 now
    assert from_tallies[2][-1] == 5  # involved: 6 listed, 1 removed


def test_the_burn_up_under_a_model_filter_is_the_history_of_that_models_vehicles(ale, dealer_a):
    from campaign.models import AffectedVehicle
    from tests.reports.fleet import at, change, entry

    today = timezone.localdate()
    gs = [entry(ale, dealer=dealer_a, added=today - dt.timedelta(days=d)) for d in (90, 60, 30)]
    ls = [
        entry(ale, dealer=dealer_a, added=today - dt.timedelta(days=d), model_label="LS 460", year=2008)
        for d in (80, 40, 40, 3)
    ]
    change(gs[0], "remedied", at(today - dt.timedelta(days=50)))
    change(ls[0], "remedied", at(today - dt.timedelta(days=70)))
    change(ls[1], "remedied", at(today - dt.timedelta(days=20)))
    change(ls[1], "open", at(today - dt.timedelta(days=15)))
    change(ls[2], "removed", at(today - dt.timedelta(days=10)))
    change(ls[3], "remedied", at(today - dt.timedelta(days=1)))
    tallies_refresh(campaign_id=ale.pk)
    chart = {"today": today, "date_from": today - dt.timedelta(days=45), "date_to": None}
    for model in (
        {"model_label": "LS 460"},
        {"model_year": 2008},
        {"model_label": "GS 350", "model_year": 2007},
    ):
        from_history = history_burn_up(
            changes=OutcomeChange.objects.filter(
                entry__campaign=ale, **{f"entry__vehicle__{k}": v for k, v in model.items()}
            ),
            entries=AffectedVehicle.objects.filter(
                campaign=ale, **{f"vehicle__{k}": v for k, v in model.items()}
            ),
            **chart,
        )
        days = ModelDayTally.objects.filter(campaign=ale, **model)
        assert _tally_burn_up(days=days, **chart) == from_history, model
    ls_line = _tally_burn_up(days=ModelDayTally.objects.filter(campaign=ale, model_label="LS 460"), **chart)
    assert ls_line[1][0] == 1 and ls_line[1][-1] == 2  # remedied: 1 before the window, 2 now
    assert ls_line[2][-1] == 3  # involved: 4 listed, 1 removed
