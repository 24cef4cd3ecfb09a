"""Shop capacity: weekly recall hours and closed dates (writes), the load per day (reads), and
the allocation of a job's flat-rate hours to shop days.

The allocation rule (the one place it lives):

- the booked day must be open (recall hours > 0, not a closure) and the start time between
  the weekday's ``opens_at`` and ``closes_at`` (the last start), else the booking is refused;
- the booked day must have free hours, else it is full and refused;
- each business day, starting the booked day, the job takes min(free hours of the day,
  hours still to do); closed days, zero-hour days and full days are skipped (the car waits
  in the shop); technician hours are pooled, so the start time does not shorten day one;
- a job that cannot finish within ``MAX_SPAN_DAYS`` calendar days is refused.

Every write locks the dealer's ``ShopDay`` rows with ``select_for_update`` in date order (so
two bookings never deadlock), changes ``booked_hours`` with a conditional ``UPDATE`` and
leaves the database check ``shop_day_not_overbooked`` as the last line of defence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from campaign.errors import DomainError
from dealers.models import Dealer
from repairs.models import AppointmentSlot, ShopClosure, ShopDay, ShopHours

ZERO = Decimal("0")
# A job that needs more than this many calendar days of free capacity is refused, not booked.
MAX_SPAN_DAYS = 60
# Days locked per round of the allocation; rounds go forward in date order.
LOCK_CHUNK_DAYS = 7


def django_week_day(weekday: int) -> int:
    """Python's weekday (Monday 0) as Django's ``__week_day`` lookup counts (Sunday 1)."""
    return (weekday + 1) % 7 + 1


# --- reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayLoad:
    """One day of a dealer's shop as the calendar and the booking form show it."""

    date: dt.date
    capacity: Decimal
    booked: Decimal
    opens_at: dt.time | None
    closes_at: dt.time | None
    closed_reason: str | None  # set for a closure

    @property
    def free(self) -> Decimal:
        return max(self.capacity - self.booked, ZERO)

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None and self.capacity > 0

    @property
    def percent(self) -> int:
        return min(100, int(self.booked * 100 / self.capacity)) if self.capacity else 0


def shop_hours_for(*, dealer_id: int) -> dict[int, ShopHours]:
    return {h.weekday: h for h in ShopHours.objects.filter(dealer_id=dealer_id)}


def shop_load_for(*, dealer_id: int, start: dt.date, end: dt.date) -> list[DayLoad]:
    """Capacity and booked hours of every day in [start, end], without writing: a day with no
    ``ShopDay`` row yet has nothing booked and the capacity its weekday would give it.

    Three queries whatever the range: weekly hours, closures, shop days."""
    hours = shop_hours_for(dealer_id=dealer_id)
    closures = {
        c.date: c.reason or "Closed"
        for c in ShopClosure.objects.filter(dealer_id=dealer_id, date__range=(start, end))
    }
    days = {d.date: d for d in ShopDay.objects.filter(dealer_id=dealer_id, date__range=(start, end))}
    loads = []
    for offset in range((end - start).days + 1):
        date = start + dt.timedelta(days=offset)
        weekly = hours.get(date.weekday())
        row = days.get(date)
        if row is not None:
            capacity, booked = row.capacity_hours, row.booked_hours
        else:
            capacity = ZERO if date in closures or weekly is None else weekly.technician_hours
            booked = ZERO
        loads.append(
            DayLoad(
                date=date,
                capacity=capacity,
                booked=booked,
                opens_at=weekly.opens_at if weekly else None,
                closes_at=weekly.closes_at if weekly else None,
                closed_reason=closures.get(date),
            )
        )
    return loads


def _capacity_of(date: dt.date, hours: dict[int, ShopHours], closed: set[dt.date]) -> Decimal:
    weekly = hours.get(date.weekday())
    return ZERO if date in closed or weekly is None else weekly.technician_hours


# --- shop days on demand --------------------------------------------------------------------


def shop_days_for(*, dealer_id: int, start: dt.date, end: dt.date, lock: bool = False) -> list[ShopDay]:
    """The dealer's ``ShopDay`` rows for [start, end] in date order, created on demand from the
    weekly hours and closures. ``lock=True`` (inside a transaction) locks them, in date order."""
    hours = shop_hours_for(dealer_id=dealer_id)
    closed = set(
        ShopClosure.objects.filter(dealer_id=dealer_id, date__range=(start, end)).values_list(
            "date", flat=True
        )
    )
    wanted = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    # Another booking may create the same rows at the same moment: the unique (dealer, date)
    # keeps one, and ignore_conflicts lets both go on to lock it.
    ShopDay.objects.bulk_create(
        [ShopDay(dealer_id=dealer_id, date=d, capacity_hours=_capacity_of(d, hours, closed)) for d in wanted],
        ignore_conflicts=True,
    )
    days = ShopDay.objects.filter(dealer_id=dealer_id, date__range=(start, end)).order_by("date")
    if lock:
        days = days.select_for_update()
    return list(days)


# --- allocation and release -----------------------------------------------------------------


def capacity_check_start(*, dealer: Dealer, date: dt.date, time: dt.time) -> ShopHours:
    """The weekday's hours if an appointment may start on ``date`` at ``time``; else refused."""
    weekly = shop_hours_for(dealer_id=dealer.pk).get(date.weekday())
    if ShopClosure.objects.filter(dealer=dealer, date=date).exists() or weekly is None:
        raise DomainError(f"The shop is closed on {date:%A %Y-%m-%d}.", field="date")
    if weekly.technician_hours <= 0:
        raise DomainError(f"The shop has no recall hours on {date:%A}s.", field="date")
    if not weekly.opens_at <= time <= weekly.closes_at:
        raise DomainError(
            f"Appointments on {date:%A}s start between {weekly.opens_at:%H:%M} and {weekly.closes_at:%H:%M}.",
            field="time",
        )
    return weekly


def capacity_allocate(
    *, dealer: Dealer, date: dt.date, time: dt.time, hours: Decimal
) -> list[tuple[ShopDay, Decimal]]:
    """Book ``hours`` from ``date``: lock the days in date order, take each day's share (the
    rule in this module's docstring), add it to ``booked_hours``. Call inside a transaction.

    Returns (day, hours taken) in date order; raises ``DomainError`` if the start is refused,
    the day is full, or the job does not fit within ``MAX_SPAN_DAYS``."""
    capacity_check_start(dealer=dealer, date=date, time=time)
    remaining = hours
    taken: list[tuple[ShopDay, Decimal]] = []
    chunk_start = date
    last = date + dt.timedelta(days=MAX_SPAN_DAYS - 1)
    while remaining > 0:
        if chunk_start > last:
            raise DomainError(
                f"The job's {hours} h do not fit in the {MAX_SPAN_DAYS} days from {date:%Y-%m-%d}: "
                "the shop is booked up. Choose a later date.",
                field="date",
            )
        chunk_end = min(chunk_start + dt.timedelta(days=LOCK_CHUNK_DAYS - 1), last)
        for day in shop_days_for(dealer_id=dealer.pk, start=chunk_start, end=chunk_end, lock=True):
            if day.date == date and day.free_hours <= 0:
                raise DomainError(
                    f"{date:%A %Y-%m-%d} is fully booked ({day.booked_hours} of {day.capacity_hours} h). "
                    "Choose another day.",
                    field="date",
                )
            share = min(day.free_hours, remaining)
            if share <= 0:
                continue
            taken.append((day, share))
            remaining -= share
            if remaining <= 0:
                break
        chunk_start = chunk_end + dt.timedelta(days=1)
    for day, share in taken:
        # Under the row lock; the check constraint still refuses an overbooking should a
        # caller ever skip the lock.
        try:
            with transaction.atomic():
                ShopDay.objects.filter(pk=day.pk).update(booked_hours=F("booked_hours") + share)
        except IntegrityError:
            raise DomainError(
                f"{day.date:%Y-%m-%d} is fully booked. Choose another day.", code="conflict"
            ) from None
    return taken


def capacity_release(*, appointment_id: int) -> Decimal:
    """Give back every hour an appointment holds: lock its days in date order, subtract each
    slot with a conditional update (never below zero), delete the slots. Returns hours freed."""
    slots = list(AppointmentSlot.objects.filter(appointment_id=appointment_id).order_by("day__date"))
    if not slots:
        return ZERO
    list(ShopDay.objects.filter(pk__in=[s.day_id for s in slots]).order_by("date").select_for_update())
    freed = ZERO
    for slot in slots:
        if ShopDay.objects.filter(pk=slot.day_id, booked_hours__gte=slot.hours).update(
            booked_hours=F("booked_hours") - slot.hours
        ):
            freed += slot.hours
    AppointmentSlot.objects.filter(pk__in=[s.pk for s in slots]).delete()
    return freed


# --- weekly hours and closures (the service manager's edits) --------------------------------


def _overbooked_dates(days: list[ShopDay], capacity: Decimal) -> list[str]:
    return [f"{d.date:%Y-%m-%d} ({d.booked_hours} h)" for d in days if d.booked_hours > capacity]


@transaction.atomic
def shop_hours_set(
    *,
    dealer_id: int,
    weekday: int,
    opens_at: dt.time,
    closes_at: dt.time,
    technician_hours: Decimal,
    user,
) -> ShopHours:
    """Set one weekday's recall hours; from today on, every such day that is not closed gets
    the new capacity. Refused if a day already has more hours booked than the new capacity."""
    if technician_hours < 0:
        raise DomainError("Recall hours cannot be negative.", field="technician_hours")
    if opens_at >= closes_at:
        raise DomainError("The last start must be after the first.", field="closes_at")
    today = timezone.localdate()
    closed = set(
        ShopClosure.objects.filter(dealer_id=dealer_id, date__gte=today).values_list("date", flat=True)
    )
    days = [
        d
        for d in ShopDay.objects.filter(
            dealer_id=dealer_id, date__gte=today, date__week_day=django_week_day(weekday)
        )
        .order_by("date")
        .select_for_update()
        if d.date not in closed
    ]
    if overbooked := _overbooked_dates(days, technician_hours):
        raise DomainError(
            f"{len(overbooked)} day(s) already have more than {technician_hours} h booked: "
            f"{', '.join(overbooked[:5])}. Reschedule those appointments first.",
            field="technician_hours",
        )
    hours, _ = ShopHours.objects.update_or_create(
        dealer_id=dealer_id,
        weekday=weekday,
        defaults={"opens_at": opens_at, "closes_at": closes_at, "technician_hours": technician_hours},
    )
    ShopDay.objects.filter(pk__in=[d.pk for d in days]).update(capacity_hours=technician_hours)
    return hours


@transaction.atomic
def shop_closure_add(*, dealer_id: int, date: dt.date, reason: str, user) -> ShopClosure:
    """Close the shop for recall work on ``date``; refused while appointments hold hours that day."""
    if date < timezone.localdate():
        raise DomainError("A closure is for today or a later date.", field="date")
    day = ShopDay.objects.filter(dealer_id=dealer_id, date=date).select_for_update().first()
    if day is not None and day.booked_hours > 0:
        raise DomainError(
            f"{day.booked_hours} h are booked on {date:%Y-%m-%d}: reschedule those appointments first.",
            field="date",
        )
    if ShopClosure.objects.filter(dealer_id=dealer_id, date=date).exists():
        raise DomainError(f"The shop is already closed on {date:%Y-%m-%d}.", field="date")
    closure = ShopClosure.objects.create(dealer_id=dealer_id, date=date, reason=reason.strip())
    if day is not None:
        ShopDay.objects.filter(pk=day.pk).update(capacity_hours=ZERO)
    return closure


@transaction.atomic
def shop_closure_remove(*, closure_id: int, dealer_ids, user) -> ShopClosure:
    """Reopen a closed date of one of ``dealer_ids``: its capacity is the weekday's hours again."""
    closure = (
        ShopClosure.objects.filter(dealer_id__in=list(dealer_ids), pk=closure_id).select_for_update().first()
    )
    if closure is None:
        raise DomainError("No such closure.", code="not_found")
    weekly = shop_hours_for(dealer_id=closure.dealer_id).get(closure.date.weekday())
    ShopDay.objects.filter(dealer_id=closure.dealer_id, date=closure.date).update(
        capacity_hours=weekly.technician_hours if weekly else ZERO
    )
    closure.delete()
    return closure
