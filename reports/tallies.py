"""The completion dashboard's summary tables (``EntryTally``, ``DayTally``, ``ModelDayTally``):
rebuilt and kept.

Measured first (bench/reports_dashboard_bench.py, SQLite, 138,869 vehicles, 100,000 ROs): the
dashboard's counts straight from the entries and outcome rows cost 224 ms (per dealer and
status), 134 ms (per model and year), 69 + 41 ms (the burn-up) and 217 ms (the 8-week pace):
the national page answered in 1.3 s against a 200 ms budget. From these two tables the same
figures are GROUP BYs over a few thousand rows; with a model or model-year filter the burn-up
and pace read ``ModelDayTally`` (the same days split by model and year). The simple form, from
the history rows, is still in ``reports.dashboard_history``: the tests compare the two.

Kept on write, in the writer's transaction:

- every outcome (``repairs.signals.outcome_recorded``: a remedy, an RO completion, not needed,
  unreachable, an undo, a removal) moves its entry from one ``EntryTally`` row to another and
  counts a remedy or removal (or its undo) on the day's ``DayTally`` and ``ModelDayTally`` rows;
- a posted list (``campaign.signals.affected_list_changed``, after dealers assign servicing)
  rebuilds the campaign's rows from the entries, as do ``seed_demo`` and the nightly
  ``reports.tallies_refresh`` beat job (which also heals any drift from bulk writes that
  bypass the services).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign, Vehicle
from reports.models import DayTally, EntryTally, ModelDayTally
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
    vehicle = {"label": F("vehicle__model_label"), "year": F("vehicle__model_year")}
    added = entries.values(dealer_key=dealer, d=day, **vehicle).annotate(n=Count("pk")).order_by()
    change_dealer = Coalesce(F("entry__vehicle__servicing__dealer_id"), Value(0), output_field=IntegerField())
    moves = (
        OutcomeChange.objects.filter(entry__campaign=campaign)
        .values(
            dealer_key=change_dealer,
            d=WeekIndex("at", origin, days=1),
            label=F("entry__vehicle__model_label"),
            year=F("entry__vehicle__model_year"),
        )
        .annotate(
            rem=Sum(_delta(Status.REMEDIED), output_field=IntegerField()),
            rmv=Sum(_delta(Status.REMOVED), output_field=IntegerField()),
        )
        .order_by()
    )
    # Per dealer, model, year and day; ``DayTally`` is the same summed over model and year.
    model_days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # added, remedied, removed
    for row in added:
        model_days[(row["dealer_key"], row["d"], row["label"] or "", row["year"])][0] += row["n"]
    for row in moves:
        counts = model_days[(row["dealer_key"], row["d"], row["label"] or "", row["year"])]
        counts[1] += row["rem"] or 0
        counts[2] += row["rmv"] or 0
    days: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (dealer_id, d, _label, _year), counts in model_days.items():
        for i, n in enumerate(counts):
            days[(dealer_id, d)][i] += n
    on = {d: connection.ops.adapt_datefield_value(ORIGIN + dt.timedelta(days=d)) for _dealer, d in days}
    with transaction.atomic():
        EntryTally.objects.filter(campaign=campaign).delete()
        DayTally.objects.filter(campaign=campaign).delete()
        ModelDayTally.objects.filter(campaign=campaign).delete()
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
        _insert(
            DayTally,
            ("campaign", "dealer_id", "day", "added", "remedied", "removed"),
            [(campaign.pk, dealer_id, on[d], *counts) for (dealer_id, d), counts in days.items()],
        )
        _insert(
            ModelDayTally,
            ("campaign", "dealer_id", "model_label", "model_year", "day", "added", "remedied", "removed"),
            [(campaign.pk, k[0], k[2], k[3], on[k[1]], *counts) for k, counts in model_days.items()],
        )
    return len(rows), len(days)


def _insert(model, columns: tuple[str, ...], rows: list[tuple], batch: int = 500) -> None:
    """Plain rows: PostgreSQL's COPY, else ``batch`` to a multi-row INSERT.

    For ALE's 58,700 ``ModelDayTally`` rows (full scale) ``bulk_create`` spent 6.5 of its
    7.9 s building the statements on SQLite (pyinstrument); multi-row INSERTs take 1 s there.
    On PostgreSQL they took 5.3 s (91 µs a row, with the table's four indexes), COPY 1.4 s.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = f"({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(part))}",
                [value for row in part for value in row],
            )


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
        _bump(ModelDayTally, {**keys, "day": day}, remedied=remedied, removed=removed)


def tallies_refresh_all() -> int:
    ids = list(Campaign.objects.values_list("pk", flat=True))
    for campaign_id in ids:
        tallies_refresh(campaign_id=campaign_id)
    return len(ids)
