"""The completion dashboard's summary tables (``EntryTally``, ``DayTally``): rebuilt and kept.

Measured first (bench/reports_dashboard_bench.py, SQLite, 138,869 vehicles, 100,000 ROs): the
dashboard's counts straight from the entries and outcome rows cost 224 ms (per dealer and
status), 134 ms (per model and year), 69 + 41 ms (the burn-up) and 217 ms (the 8-week pace):
the national page answered in 1.3 s against a 200 ms budget. From these two tables the same
figures are GROUP BYs over a few thousand rows. The simple form is still in
``dashboard_selectors`` (``_board_from_history``): the page uses it when a model or model
year filter asks for what ``DayTally`` does not hold, and the tests compare the two.

Kept on write, in the writer's transaction:

- every outcome (``repairs.signals.outcome_recorded``: a remedy, an RO completion, not needed,
  unreachable, an undo, a removal) moves its entry from one ``EntryTally`` row to another and
  counts a remedy or removal (or its undo) on the day's ``DayTally`` row;
- a posted list (``campaign.signals.affected_list_changed``, after dealers assign servicing)
  rebuilds the campaign's rows from the entries, as do ``seed_demo`` and the nightly
  ``reports.tallies_refresh`` beat job (which also heals any drift from bulk writes that
  bypass the services).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign, Vehicle
from reports.models import DayTally, EntryTally
from reports.week_index import WeekIndex

Status = AffectedVehicle.Status
# Days are counted from this local midnight (any fixed day before every campaign will do).
ORIGIN = dt.date(2000, 1, 3)


def tallies_refresh(*, campaign_id: int) -> tuple[int, int]:
    """Rebuild the campaign's tallies from its entries and outcome rows; (entry rows, day rows)."""
    from repairs.models import OutcomeChange

    campaign = Campaign.objects.get(pk=campaign_id)
    origin = timezone.make_aware(dt.datetime.combine(ORIGIN, dt.time.min))
    dealer = Coalesce(F("vehicle__servicing__dealer_id"), Value(0), output_field=IntegerField())
    entries = AffectedVehicle.objects.filter(campaign=campaign)
    by_status = (
        entries.values(
            "status", dealer_key=dealer, label=F("vehicle__model_label"), year=F("vehicle__model_year")
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    day = WeekIndex("added_at", origin, days=1)
    added = entries.values(dealer_key=dealer, d=day).annotate(n=Count("pk")).order_by()
    change_dealer = Coalesce(F("entry__vehicle__servicing__dealer_id"), Value(0), output_field=IntegerField())
    moves = (
        OutcomeChange.objects.filter(entry__campaign=campaign)
        .values(dealer_key=change_dealer, d=WeekIndex("at", origin, days=1))
        .annotate(
            rem=Sum(_delta(Status.REMEDIED), output_field=IntegerField()),
            rmv=Sum(_delta(Status.REMOVED), output_field=IntegerField()),
        )
        .order_by()
    )
    days: dict[tuple[int, int], DayTally] = {}
    for row in added:
        days[(row["dealer_key"], row["d"])] = DayTally(
            campaign=campaign,
            dealer_id=row["dealer_key"],
            day=ORIGIN + dt.timedelta(days=row["d"]),
            added=row["n"],
        )
    for row in moves:
        key = (row["dealer_key"], row["d"])
        tally = days.setdefault(
            key, DayTally(campaign=campaign, dealer_id=key[0], day=ORIGIN + dt.timedelta(days=key[1]))
        )
        tally.remedied, tally.removed = row["rem"] or 0, row["rmv"] or 0
    with transaction.atomic():
        EntryTally.objects.filter(campaign=campaign).delete()
        DayTally.objects.filter(campaign=campaign).delete()
        rows = EntryTally.objects.bulk_create(
            [
                EntryTally(
                    campaign=campaign,
                    dealer_id=r["dealer_key"],
                    model_label=r["label"] or "",
                    model_year=r["year"],
                    status=r["status"],
                    n=r["n"],
                )
                for r in by_status
            ],
            batch_size=2000,
        )
        DayTally.objects.bulk_create(days.values(), batch_size=2000)
    return len(rows), len(days)


def _delta(status: str):
    from django.db.models import Case, When

    return Case(When(to_status=status, then=1), When(from_status=status, then=-1), default=0)


def _bump(model, keys: dict, **deltas: int) -> None:
    """Add ``deltas`` to the row ``keys`` names, creating it at zero first if need be."""
    changes = {name: F(name) + n for name, n in deltas.items() if n}
    if not changes or model.objects.filter(**keys).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **deltas)
    except IntegrityError:  # another writer created it a moment ago
        model.objects.filter(**keys).update(**changes)


def tallies_record_outcome(*, entry: AffectedVehicle, change) -> None:
    """One outcome: its entry moves between ``EntryTally`` rows; remedies and removals counted by day."""
    facts = (
        Vehicle.objects.filter(vin=entry.vehicle_id)
        .values("model_label", "model_year", dealer=Coalesce(F("servicing__dealer_id"), Value(0)))
        .first()
    )
    if facts is None:
        return
    keys = {
        "campaign_id": entry.campaign_id,
        "dealer_id": facts["dealer"],
        "model_label": facts["model_label"],
        "model_year": facts["model_year"],
    }
    if change.from_status != change.to_status:
        _bump(EntryTally, {**keys, "status": change.from_status}, n=-1)
        _bump(EntryTally, {**keys, "status": change.to_status}, n=1)

    def delta(status: str) -> int:
        return (change.to_status == status) - (change.from_status == status)

    remedied, removed = delta(Status.REMEDIED), delta(Status.REMOVED)
    if remedied or removed:
        day = timezone.localdate(change.at or timezone.now())
        _bump(
            DayTally,
            {"campaign_id": entry.campaign_id, "dealer_id": facts["dealer"], "day": day},
            remedied=remedied,
            removed=removed,
        )


def tallies_refresh_all() -> int:
    ids = list(Campaign.objects.values_list("pk", flat=True))
    for campaign_id in ids:
        tallies_refresh(campaign_id=campaign_id)
    return len(ids)
