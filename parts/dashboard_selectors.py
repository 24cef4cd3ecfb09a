"""Reads for the parts dashboard: stock, demand and pace per dealer, rolled up by region and nationally.

Every figure is a GROUP BY over the dealers in view, so a page costs the same handful of
queries for 230 dealers and 138,869 vehicles as for two dealers and a dozen (the tests pin the
count at two fleet sizes):

1. the dealers in view, with their region;
2. their balances (on hand, reserved, inbound) summed per dealer (or per dealer and kit);
3. their waiting reservations, counted with and without an appointment;
4. their consumption of the last 14 days and receipts of the last 4 weeks, in one pass;
5. consumption per week over the last 12 weeks (the chart).

Rows are merged in Python by dealer id; roll-ups are sums of the dealer rows (no more queries).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dealers.access import scope_to_user, user_scope
from dealers.models import Dealer, Membership, Region
from parts.models import KitReservation, StockBalance, StockMovement

Kind = StockMovement.Kind
Role = Membership.Role
# Dealer staff see their own dealer's dashboard; the other dealer roles have no parts figures.
DASHBOARD_DEALER_ROLES = (Role.DEALER_PRINCIPAL, Role.PARTS_MANAGER)
RATE_DAYS = 14  # days of supply: at the last 14 days' completion (consumption) rate
INBOUND_DAYS = 28  # the wait-list clears at the last 4 weeks' receipt rate
CHART_WEEKS = 12


@dataclass
class Figures:
    """Stock and demand of one dealer (or one dealer's kit, or a region, or the nation)."""

    on_hand: int = 0
    reserved: int = 0
    inbound: int = 0
    waitlist: int = 0  # waiting without an appointment
    waiting_appointments: int = 0
    consumed_14d: int = 0
    received_28d: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def waiting(self) -> int:
        return self.waitlist + self.waiting_appointments

    @property
    def surplus(self) -> int:
        """Kits on the shelf beyond the vehicles waiting here; negative: a shortfall."""
        return self.available - self.waiting

    @property
    def days_of_supply(self) -> float | None:
        """Available ÷ daily consumption of the last 14 days; None: nothing consumed (no rate)."""
        if self.consumed_14d <= 0:
            return None
        return round(self.available / (self.consumed_14d / RATE_DAYS), 1)

    @property
    def weekly_inbound(self) -> float:
        return self.received_28d / (INBOUND_DAYS / 7)

    def clears_on(self, today: dt.date) -> dt.date | None:
        """When the waiting vehicles all have a kit at the last 4 weeks' receipt rate (today if
        none wait); None when kits come in at no rate at all ("not at the current rate")."""
        if self.waiting <= 0:
            return today
        if self.received_28d <= 0:
            return None
        return today + dt.timedelta(days=math.ceil(self.waiting / (self.received_28d / INBOUND_DAYS)))

    def add(self, other: Figures) -> None:
        for name in Figures.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DealerRow(Figures):
    dealer_id: int = 0
    code: str = ""
    name: str = ""
    city: str = ""
    state: str = ""
    region_id: int = 0
    region: str = ""
    kit_id: int | None = None
    part_number: str = ""


@dataclass
class RegionRow(Figures):
    region_id: int = 0
    region: str = ""
    dealers: int = 0


@dataclass
class Dashboard:
    today: dt.date
    rows: list[DealerRow]  # per dealer, or per kit on a dealer's page
    regions: list[RegionRow]
    total: Figures
    weeks: list[dt.date] = field(default_factory=list)
    weekly_consumption: list[int] = field(default_factory=list)

    def surpluses(self, n: int = 10) -> list[DealerRow]:
        """Where kits sit unused: the biggest surpluses first (positive only)."""
        return sorted((r for r in self.rows if r.surplus > 0), key=lambda r: (-r.surplus, r.code))[:n]

    def shortfalls(self, n: int = 10) -> list[DealerRow]:
        """Where vehicles wait with no kit: the biggest shortfalls first."""
        return sorted((r for r in self.rows if r.surplus < 0), key=lambda r: (r.surplus, r.code))[:n]


def dashboard_dealers_for_user(*, user) -> QuerySet[Dealer]:
    """Dealers whose parts figures the user may see: all (national), their regions', or their
    own dealer as principal or parts manager."""
    return scope_to_user(Dealer.objects.all(), user, dealer_path="self", roles=DASHBOARD_DEALER_ROLES)


def dashboard_level(*, user) -> str:
    """ "national", "region" or "dealer": the widest view the user's scope opens."""
    scope = user_scope(user)
    if scope.national:
        return "national"
    return "region" if scope.region_ids else "dealer"


def _sum(expression: str, **condition) -> Coalesce:
    return Coalesce(
        Sum(expression, filter=Q(**condition) if condition else None), Value(0), output_field=IntegerField()
    )


def parts_dashboard(
    *,
    dealers: QuerySet[Dealer],
    kit_id: int | None = None,
    by_kit: bool = False,
    now: dt.datetime | None = None,
) -> Dashboard:
    """The dashboard over ``dealers`` (already scoped), for one kit or all; ``by_kit`` gives a
    row per dealer and kit (a dealer's own page) instead of one per dealer."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dealer_list = list(dealers.select_related("region").order_by("code"))  # 1
    scope_q = Q(kit_id=kit_id) if kit_id else Q()
    # The dealers in view as a subquery in each query below (not a list of ids); none when
    # the view is every dealer (national, unfiltered): given the subquery, SQLite's planner
    # walked every dealer's whole ledger on the statement index (18 ms) instead of the last
    # weeks on the (kind, at) index (5 ms).
    if dealers.query.where:
        scope_q &= Q(dealer_id__in=dealers.values("pk"))
    key_fields = ("dealer_id", "kit_id") if by_kit else ("dealer_id",)

    figures: dict[tuple, Figures] = defaultdict(Figures)
    part_numbers: dict[int, str] = {}

    balances = (
        StockBalance.objects.filter(scope_q)
        .values(*key_fields, *(("kit__part_number",) if by_kit else ()))
        .annotate(on_hand_sum=_sum("on_hand"), reserved_sum=_sum("reserved"), inbound_sum=_sum("inbound"))
        .order_by()
    )
    for row in balances:  # 2
        f = figures[tuple(row[k] for k in key_fields)]
        f.on_hand, f.reserved, f.inbound = row["on_hand_sum"], row["reserved_sum"], row["inbound_sum"]
        if by_kit:
            part_numbers[row["kit_id"]] = row["kit__part_number"]

    waiting = (
        KitReservation.objects.filter(scope_q, status=KitReservation.Status.WAITING)
        .values(*key_fields, *(("kit__part_number",) if by_kit else ()))
        .annotate(
            waitlist_n=Count("pk", filter=Q(appointment__isnull=True)),
            appointments_n=Count("pk", filter=Q(appointment__isnull=False)),
        )
        .order_by()
    )
    for row in waiting:  # 3
        f = figures[tuple(row[k] for k in key_fields)]
        f.waitlist, f.waiting_appointments = row["waitlist_n"], row["appointments_n"]
        if by_kit:
            part_numbers[row["kit_id"]] = row["kit__part_number"]

    since_rate = now - dt.timedelta(days=RATE_DAYS)
    since_inbound = now - dt.timedelta(days=INBOUND_DAYS)
    movements = StockMovement.objects.filter(scope_q)
    # Plain range sums on the (kind, at) index in one query (UNION ALL), one per kind: a
    # single pass with FILTER clauses tests every row of the 4 weeks twice (25 ms on SQLite
    # at full fleet), and given "kind IN (...)" SQLite skip-scans the statement index (10 ms).
    parts = [
        movements.filter(kind=kind, at__gte=since)
        .values(*key_fields, what=Value(kind))
        .annotate(n=_sum("on_hand_delta"))
        .order_by()
        for kind, since in (
            (Kind.CONSUMPTION, since_rate),
            (Kind.RECEIPT, since_inbound),
            (Kind.TRANSFER_IN, since_inbound),
        )
    ]
    for row in parts[0].union(*parts[1:], all=True):  # 4
        f = figures[tuple(row[k] for k in key_fields)]
        if row["what"] == Kind.CONSUMPTION:
            f.consumed_14d = -row["n"]
        else:
            f.received_28d += row["n"]

    keys_of: dict[int, list[tuple]] = defaultdict(list)
    for key in sorted(figures):
        keys_of[key[0]].append(key)
    rows: list[DealerRow] = []
    for dealer in dealer_list:
        for key in keys_of[dealer.pk] if by_kit else [(dealer.pk,)]:
            row = DealerRow(
                dealer_id=dealer.pk,
                code=dealer.code,
                name=dealer.name,
                city=dealer.city,
                state=dealer.state,
                region_id=dealer.region_id,
                region=dealer.region.name,
                kit_id=key[1] if by_kit else None,
                part_number=part_numbers.get(key[1], "") if by_kit else "",
            )
            row.add(figures.get(key, Figures()))
            rows.append(row)

    regions: dict[int, RegionRow] = {}
    total = Figures()
    seen_dealers: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        region = regions.setdefault(row.region_id, RegionRow(region_id=row.region_id, region=row.region))
        region.add(row)
        seen_dealers[row.region_id].add(row.dealer_id)
        total.add(row)
    for region_id, region in regions.items():
        region.dealers = len(seen_dealers[region_id])

    weeks, weekly = _weekly_consumption(movements=movements, now=now)  # 5
    return Dashboard(
        today=today,
        rows=rows,
        regions=sorted(regions.values(), key=lambda r: r.region),
        total=total,
        weeks=weeks,
        weekly_consumption=weekly,
    )


def _weekly_consumption(
    *, movements: QuerySet[StockMovement], now: dt.datetime
) -> tuple[list[dt.date], list[int]]:
    """Kits consumed per week (weeks starting Monday, the current one last), zero-filled.

    One range sum per week on the ``(kind, at)`` index, joined by UNION ALL in one query. Not
    ``TruncWeek``: SQLite truncates in a Python function called per row (36,000 consumptions
    at full fleet: 520 ms of the page); nor a CASE over the weeks' starts: 70 ms on SQLite
    against this form's 24 ms (both on a loaded machine, bench/parts_dashboard_bench.py).
    """
    today = timezone.localdate(now)
    this_week = today - dt.timedelta(days=today.weekday())
    weeks = [this_week - dt.timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    starts = [timezone.make_aware(dt.datetime.combine(w, dt.time.min)) for w in weeks]
    ends = [*starts[1:], now + dt.timedelta(days=1)]
    consumed = movements.filter(kind=Kind.CONSUMPTION).order_by()
    weekly = [
        consumed.filter(at__gte=start, at__lt=end).values(week=Value(i)).annotate(n=_sum("on_hand_delta"))
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]
    per_week = dict(weekly[0].union(*weekly[1:], all=True).values_list("week", "n"))
    return weeks, [-(per_week.get(i) or 0) for i in range(len(weeks))]


def region_for_dashboard(*, user, pk: int) -> Region | None:
    """The region, if the user's scope covers it (national, or one of their regions)."""
    scope = user_scope(user)
    if not (scope.national or pk in scope.region_ids):
        return None
    return Region.objects.filter(pk=pk).first()
