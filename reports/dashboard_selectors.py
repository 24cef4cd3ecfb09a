"""Reads for the completion dashboards: national, a region, a dealer, over the dealers in view.

Every figure is a GROUP BY over the campaign's entries, outcomes, appointments, claims and
requests of the dealers in view, so a page costs the same queries at 10,000 vehicles as at
138,869 (pinned in tests at two sizes):

1. the dealers in view, with their region;
2. entries per servicing dealer and status (the completion table, regions, totals);
3. entries per model and model year and status;
4. scheduled appointments and those waiting for parts, per dealer;
5. claims per status: count and amount;
6. owner reimbursement requests per status;
7. per day: entries listed, remedies and removals, net of undos (the burn-up, from the
   ``DayTally`` summary table, or ``ModelDayTally`` under a model or model-year filter);
8. remedies per dealer over the last 8 weeks (the forecast's rate, from the same table);
9. kits on hand and inbound per dealer (kits still needed);
10. letters mailed and returned (``reports.letter_figures``).

A model or model-year filter reaches claims by their own copy of the vehicle's model and year
(``WarrantyClaim.model_label``, ``model_year``, one index): joined to each claim's vehicle,
the 92,000 claims took 460 ms on SQLite at full scale, and a semi-join over the model's VINs
55-120 ms (bench/reports_dashboard_bench.py, "national, LS 460"). Appointments, requests and
letters join to their vehicles: with a few thousand rows (the bench's), building the model's
45,000 VINs for a semi-join cost 40 ms a query, more than the join.

Rows merge in Python by dealer id; regions and the nation are sums of dealer rows. With every
dealer in view (national, no filter) the entries are not joined to dealers at all, and VINs no
dealer services yet count in the nation's figures only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from dealers.access import scope_to_user, user_scope
from dealers.models import Dealer, Membership
from parts.models import StockBalance
from repairs.models import Appointment, ReimbursementRequest, WarrantyClaim
from reports.dashboard_forecast import Forecast, forecast_for
from reports.dashboard_history import chart_weeks, cumulative
from reports.letter_figures import letters_mailed_and_returned
from reports.models import DayTally, EntryTally, ModelDayTally

Status = AffectedVehicle.Status
Role = Membership.Role
VIEW = "reports.view_completion_dashboard"
DEALER_ROLES = (Role.DEALER_PRINCIPAL, Role.SERVICE_MANAGER)
RATE_WEEKS = 8
MAX_CHART_WEEKS = 156


@dataclass
class Completion:
    """Where a dealer's (or region's, model's…) vehicles stand now."""

    involved: int = 0
    remedied: int = 0
    not_needed: int = 0
    unreachable: int = 0
    scheduled: int = 0
    waiting_parts: int = 0
    remedied_8w: int = 0
    kits_on_hand: int = 0
    kits_inbound: int = 0

    @property
    def open(self) -> int:
        return self.involved - self.remedied - self.not_needed - self.unreachable

    @property
    def to_do(self) -> int:
        """Vehicles whose remedy is still to do: open and unreachable (the recall stays open)."""
        return self.open + self.unreachable

    @property
    def completion(self) -> float:
        return round(100.0 * self.remedied / self.involved, 1) if self.involved else 0.0

    @property
    def weekly_rate(self) -> float:
        return self.remedied_8w / RATE_WEEKS

    @property
    def kits_needed(self) -> int:
        return max(0, self.to_do - self.kits_on_hand - self.kits_inbound)

    def add(self, other: Completion) -> None:
        for name in Completion.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DealerLine(Completion):
    dealer_id: int = 0
    code: str = ""
    name: str = ""
    region_id: int = 0
    region: str = ""
    forecast: Forecast | None = None


@dataclass
class GroupLine(Completion):
    key: str = ""
    label: str = ""
    forecast: Forecast | None = None


@dataclass
class Board:
    campaign: Campaign
    today: dt.date
    total: Completion
    dealers: list[DealerLine]
    regions: list[GroupLine]
    models: list[GroupLine]
    years: list[GroupLine]
    claims: dict[str, tuple[int, float]]
    reimbursements: dict[str, int]
    weeks: list[dt.date] = field(default_factory=list)
    cumulative_remedied: list[int] = field(default_factory=list)
    cumulative_involved: list[int] = field(default_factory=list)
    forecast: Forecast | None = None
    letters: dict | None = None  # {"mailed", "returned"}: reports.letter_figures

    def bottom(self, n: int = 10) -> list[DealerLine]:
        """The dealers furthest behind: lowest completion among those with vehicles."""
        return sorted(
            (d for d in self.dealers if d.involved), key=lambda d: (d.completion, -d.to_do, d.code)
        )[:n]


def dashboard_dealers_for_user(*, user) -> QuerySet[Dealer]:
    """Dealers whose completion the user sees: all (national), their regions', or the dealers
    where they are principal or service manager."""
    return scope_to_user(Dealer.objects.all(), user, dealer_path="self", roles=DEALER_ROLES)


def dashboard_level(*, user) -> str:
    scope = user_scope(user)
    if scope.national:
        return "national"
    return "region" if scope.region_ids else "dealer"


def _int_sum(expression, **condition):
    return Coalesce(
        Sum(expression, filter=Q(**condition) if condition else None), Value(0), output_field=IntegerField()
    )


def completion_board(
    *,
    campaign: Campaign,
    dealers: QuerySet[Dealer],
    every_dealer: bool,
    dealer_code: str = "",
    model: str = "",
    model_year: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unserved_weeks: int = 26,
    now: dt.datetime | None = None,
) -> Board:
    """The dashboard over ``dealers`` (already scoped and filtered). ``every_dealer``: the view is
    the whole network (no dealer filter), so VINs without a servicing dealer count too."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dealer_list = list(dealers.select_related("region").order_by("code"))  # 1
    # The dealers in view as a list of ids, not a subquery: given the subquery, SQLite's planner
    # read every claim of the campaign (159 ms at full scale) instead of the dealer's (bench).
    dealer_ids = [d.pk for d in dealer_list]
    if dealer_code and not dealer_ids:
        raise DomainError(f"No dealer with the code {dealer_code!r} among yours.", field="dealer")
    vehicle_q = Q()
    if model:
        vehicle_q &= Q(model_label=model)
    if model_year:
        vehicle_q &= Q(model_year=model_year)
    tallies = EntryTally.objects.filter(campaign=campaign).exclude(status=Status.REMOVED)
    if model:
        tallies = tallies.filter(model_label=model)
    if model_year:
        tallies = tallies.filter(model_year=model_year)
    if not every_dealer:
        tallies = tallies.filter(dealer_id__in=dealer_ids)
    lines: dict[int | None, Completion] = defaultdict(Completion)
    for row in tallies.values("dealer_id", "status").annotate(total=Sum("n")).order_by():  # 2
        _count_status(lines[row["dealer_id"] or None], row["status"], row["total"])
    models: dict[str, Completion] = defaultdict(Completion)
    years: dict[int, Completion] = defaultdict(Completion)
    for row in tallies.values("model_label", "model_year", "status").annotate(total=Sum("n")).order_by():  # 3
        _count_status(models[row["model_label"] or "—"], row["status"], row["total"])
        _count_status(years[row["model_year"]], row["status"], row["total"])

    dealer_scope_q = Q() if every_dealer else Q(dealer__in=dealer_ids)
    # The same vehicles for appointments and requests (a few thousand rows: joined to their vehicles).
    vehicle_filter = {f"vehicle__{lookup}": value for lookup, value in vehicle_q.children}
    for row in (
        Appointment.objects.filter(
            dealer_scope_q, campaign=campaign, status=Appointment.Status.SCHEDULED, **vehicle_filter
        )
        .values("dealer")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(parts_status=Appointment.Parts.WAITING)))
        .order_by()
    ):  # 4
        lines[row["dealer"]].scheduled += row["n"]
        lines[row["dealer"]].waiting_parts += row["waiting"]

    # Claims carry their vehicle's model and year (repairs.models.claims): no join at all.
    claim_q = Q(campaign=campaign) & vehicle_q & dealer_scope_q
    if date_from:
        claim_q &= Q(submitted_at__gte=_start_of(date_from))
    if date_to:
        claim_q &= Q(submitted_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    claims = {
        row["status"]: (row["n"], float(row["amount"] or 0))
        for row in WarrantyClaim.objects.filter(claim_q)
        .values("status")
        # COUNT(*), not COUNT(id): PostgreSQL then counts from the covering index
        # claim_totals_by_status alone (13 ms at full scale, against 48 ms reading the rows).
        .annotate(n=Count("*"), amount=Sum("total"))
        .order_by()
    }  # 5
    request_scope = Q() if every_dealer else Q(vehicle__servicing__dealer__in=dealer_ids)
    reimbursements = dict(
        ReimbursementRequest.objects.filter(request_scope, campaign=campaign, **vehicle_filter)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )  # 6

    # By default the chart starts the week before the list was posted (at most 3 years back).
    posted = campaign.affected_list_posted_at
    chart = {
        "today": today,
        "date_from": date_from or (timezone.localdate(posted) - dt.timedelta(weeks=1) if posted else None),
        "date_to": date_to,
    }
    since = now - dt.timedelta(weeks=RATE_WEEKS)
    # DayTally holds no model: under a model or year filter, the same days split by model.
    days = (
        ModelDayTally.objects.filter(vehicle_q, campaign=campaign)
        if vehicle_q
        else DayTally.objects.filter(campaign=campaign)
    )
    if not every_dealer:
        days = days.filter(dealer_id__in=dealer_ids)
    weeks, remedied_line, involved_line = _tally_burn_up(days=days, **chart)  # 7
    pace = {
        row["dealer_id"] or None: row["n"]
        for row in days.filter(day__gt=timezone.localdate(since))
        .values("dealer_id")
        .annotate(n=Sum("remedied"))
        .order_by()
    }  # 8
    for dealer_id, n in pace.items():
        lines[dealer_id].remedied_8w += n

    balances = StockBalance.objects.filter(kit__campaign=campaign)
    if not every_dealer:
        balances = balances.filter(dealer__in=dealer_ids)
    for row in (
        balances.values("dealer")
        .annotate(on_hand=_int_sum("on_hand"), inbound=_int_sum("inbound"))
        .order_by()
    ):  # 10
        lines[row["dealer"]].kits_on_hand += row["on_hand"]
        lines[row["dealer"]].kits_inbound += row["inbound"]

    dealer_lines: list[DealerLine] = []
    regions: dict[int, GroupLine] = {}
    total = Completion()
    for dealer in dealer_list:
        line = DealerLine(
            dealer_id=dealer.pk,
            code=dealer.code,
            name=dealer.name,
            region_id=dealer.region_id,
            region=dealer.region.name,
        )
        line.add(lines.get(dealer.pk, Completion()))
        line.forecast = forecast_for(line, today=today, unserved_weeks=unserved_weeks)
        dealer_lines.append(line)
        regions.setdefault(
            dealer.region_id, GroupLine(key=str(dealer.region_id), label=dealer.region.name)
        ).add(line)
    if every_dealer:
        for line in lines.values():
            total.add(line)
    else:
        for line in dealer_lines:
            total.add(line)
    for region in regions.values():
        region.forecast = forecast_for(region, today=today, unserved_weeks=unserved_weeks)
    return Board(
        campaign=campaign,
        today=today,
        total=total,
        dealers=dealer_lines,
        regions=sorted(regions.values(), key=lambda r: r.label),
        models=[GroupLine(key=k, label=k, **_fields(v)) for k, v in sorted(models.items())],
        years=[GroupLine(key=str(k), label=str(k), **_fields(v)) for k, v in sorted(years.items())],
        claims=claims,
        reimbursements=reimbursements,
        weeks=weeks,
        cumulative_remedied=remedied_line,
        cumulative_involved=involved_line,
        forecast=forecast_for(total, today=today, unserved_weeks=unserved_weeks),
        letters=letters_mailed_and_returned(
            campaign=campaign,
            dealer_ids=None if every_dealer else dealer_ids,
            model=model,
            model_year=model_year,
        ),
    )


def _fields(c: Completion) -> dict:
    return {name: getattr(c, name) for name in Completion.__dataclass_fields__}


def _count_status(line: Completion, status: str, n: int) -> None:
    line.involved += n
    if status == Status.REMEDIED:
        line.remedied += n
    elif status == Status.NOT_NEEDED:
        line.not_needed += n
    elif status == Status.UNREACHABLE:
        line.unreachable += n


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _tally_burn_up(*, days, today, date_from, date_to):
    """The burn-up from ``DayTally``: one GROUP BY day, bucketed into weeks here."""
    first_monday, n_weeks = chart_weeks(today=today, date_from=date_from, date_to=date_to)
    remedied, added, removed = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in days.values("day").annotate(a=Sum("added"), r=Sum("remedied"), m=Sum("removed")).order_by():
        w = max((row["day"] - first_monday).days // 7, -1)
        added[w] += row["a"]
        remedied[w] += row["r"]
        removed[w] += row["m"]
    return cumulative(first_monday, n_weeks, remedied, added, removed)
