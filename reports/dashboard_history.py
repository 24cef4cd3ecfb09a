"""The completion dashboard's week arithmetic, and the burn-up straight from the outcome
history: the simple form ``reports.tallies`` replaced (see its docstring for the measurements),
kept for the tests, which compare it with the tallies' answer, with and without a model filter."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.models import AffectedVehicle
from reports.week_index import WeekIndex

Status = AffectedVehicle.Status
MAX_CHART_WEEKS = 156


def _int_sum(expression, **condition):
    return Coalesce(
        Sum(expression, filter=Q(**condition) if condition else None), Value(0), output_field=IntegerField()
    )


def net(status: str):
    """+1 for a change to ``status``, -1 for one away from it (an undo)."""
    return _int_sum(Case(When(to_status=status, then=1), When(from_status=status, then=-1), default=0))


def chart_weeks(*, today: dt.date, date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, int]:
    """The chart's first Monday and its number of weeks (the current one last)."""
    last_day = min(date_to or today, today)
    end_monday = last_day - dt.timedelta(days=last_day.weekday())
    first_day = date_from or (end_monday - dt.timedelta(weeks=25))
    first_monday = max(
        first_day - dt.timedelta(days=first_day.weekday()),
        end_monday - dt.timedelta(weeks=MAX_CHART_WEEKS - 1),
    )
    return first_monday, (end_monday - first_monday).days // 7 + 1


def cumulative(first_monday: dt.date, n_weeks: int, remedied: dict, added: dict, removed: dict):
    """Week index -> net counts (index -1: everything before the chart) into cumulative lines."""
    rem, inv = remedied.get(-1, 0), added.get(-1, 0) - removed.get(-1, 0)
    remedied_line, involved_line = [], []
    for w in range(n_weeks):
        rem += remedied.get(w, 0)
        inv += added.get(w, 0) - removed.get(w, 0)
        remedied_line.append(rem)
        involved_line.append(inv)
    return [first_monday + dt.timedelta(weeks=w) for w in range(n_weeks)], remedied_line, involved_line


def history_burn_up(*, changes, entries, today, date_from, date_to):
    """Weekly cumulative remedied and involved (listed, less removed), from the rows: two queries."""
    first_monday, n_weeks = chart_weeks(today=today, date_from=date_from, date_to=date_to)
    origin = timezone.make_aware(dt.datetime.combine(first_monday, dt.time.min))
    remedied, removed, added = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in (
        changes.values(w=WeekIndex("at", origin))
        .annotate(rem=net(Status.REMEDIED), rmv=net(Status.REMOVED))
        .order_by()
    ):
        remedied[max(row["w"], -1)] += row["rem"]
        removed[max(row["w"], -1)] += row["rmv"]
    for row in entries.values(w=WeekIndex("added_at", origin)).annotate(n=Count("pk")).order_by():
        added[max(row["w"], -1)] += row["n"]
    return cumulative(first_monday, n_weeks, remedied, added, removed)
