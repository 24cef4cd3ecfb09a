"""The §573.7 quarterly remedy report: figures as the data stood at the end of a quarter.

Cumulative to the quarter's last day (the server's time zone), computed from the history rows,
never from current status: an entry counts if it was put on the list (``added_at``) before the
quarter ended, and it stands where its last ``OutcomeChange`` before that moment put it (open
if none did). So an outcome recorded after the quarter ends does not change the quarter.

*involved* is the population at the quarter's end: the VINs on the list then, less those
removed by then (so involved = remedied + not needed + unreachable + open); *removed* counts
the VINs taken off it. One query gives every region's figures; the nation is their sum (with
VINs no dealer services yet, which belong to no region).

A submitted report is a snapshot (``RemedyReportSubmission``): what it says is what was
submitted, whatever was recorded later.

The owner notification dates (first and last mailing) come from the letters of the
``mailings`` app (``reports.letter_figures``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from dealers.access import user_scope
from repairs.models import OutcomeChange
from reports.letter_figures import owner_notification_span
from reports.models import RemedyReportSubmission
from reports.remedy_periods import Period, Quarter, period_for_quarter, remedy_started_on, report_schedule
from reports.remedy_standing import standing_by_region

Status = AffectedVehicle.Status
Reason = OutcomeChange.UnreachableReason
SUBMIT = "reports.submit_remedy_report"
VIEW = "reports.view_remedy_report"


@dataclass
class RemedyFigures:
    involved: int = 0
    remedied: int = 0
    not_needed: int = 0
    unreachable: int = 0
    removed: int = 0
    unreachable_by_reason: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Reason.values, 0))

    @property
    def open(self) -> int:
        return self.involved - self.remedied - self.not_needed - self.unreachable

    @property
    def completion(self) -> float:
        return 100.0 * self.remedied / self.involved if self.involved else 0.0

    @property
    def reasons(self) -> list[tuple[str, str, int]]:
        """(reason, its label, count) in §573.7's order."""
        return [(value, label, self.unreachable_by_reason.get(value, 0)) for value, label in Reason.choices]

    def add(self, other: RemedyFigures) -> None:
        for name in ("involved", "remedied", "not_needed", "unreachable", "removed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, n in other.unreachable_by_reason.items():
            self.unreachable_by_reason[reason] = self.unreachable_by_reason.get(reason, 0) + n

    def as_dict(self) -> dict:
        return {
            "involved": self.involved,
            "remedied": self.remedied,
            "not_needed": self.not_needed,
            "unreachable": self.unreachable,
            "removed": self.removed,
            "unreachable_by_reason": dict(self.unreachable_by_reason),
        }

    @classmethod
    def from_dict(cls, data: dict) -> RemedyFigures:
        figures = cls(
            **{k: data[k] for k in ("involved", "remedied", "not_needed", "unreachable", "removed")}
        )
        figures.unreachable_by_reason.update(data.get("unreachable_by_reason", {}))
        return figures


@dataclass(frozen=True)
class NotificationDates:
    first: dt.date | None = None
    last: dt.date | None = None
    # Whether the dates were read from letters: reports submitted before the letters were
    # recorded here (this installation's first weeks) keep False in their snapshot.
    wired: bool = False


def owner_notification_dates(*, campaign: Campaign, until: dt.date) -> NotificationDates:
    """First and last owner-letter mailing up to ``until`` (``reports.letter_figures``)."""
    first, last = owner_notification_span(campaign=campaign, until=until)
    return NotificationDates(first=first, last=last, wired=True)


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the server's time zone (the figures count before it)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def remedy_figures_by_region(*, campaign: Campaign, until: dt.date) -> dict[int | None, RemedyFigures]:
    """region id (None: no servicing dealer yet) -> figures as the data stood at the end of ``until``.

    One query (``reports.remedy_standing``): each entry listed before the end, where its last
    change before the end put it, counted by region and by where it stood.
    """
    figures: dict[int | None, RemedyFigures] = {}
    for region, status, reason, n in standing_by_region(campaign_id=campaign.pk, end=end_of(until)):
        f = figures.setdefault(region, RemedyFigures())
        if status == Status.REMOVED:
            f.removed += n
            continue
        f.involved += n
        if status == Status.REMEDIED:
            f.remedied += n
        elif status == Status.NOT_NEEDED:
            f.not_needed += n
        elif status == Status.UNREACHABLE:
            f.unreachable += n
            key = reason if reason in f.unreachable_by_reason else Reason.OTHER
            f.unreachable_by_reason[key] += n
    return figures


def _total(by_region: dict, region_ids: frozenset[int] | None) -> RemedyFigures:
    total = RemedyFigures()
    for region_id, figures in by_region.items():
        if region_ids is None or region_id in region_ids:
            total.add(figures)
    return total


@dataclass
class RemedyReport:
    campaign: Campaign
    quarter: Quarter
    until: dt.date
    period: Period | None  # the scheduled report ending this quarter, if one does
    figures: RemedyFigures
    notification: NotificationDates
    submission: RemedyReportSubmission | None
    regional: bool  # figures of the user's regions, not the nation's


def report_region_ids(*, user) -> frozenset[int] | None:
    """None for national users (the whole campaign), else the user's regions."""
    if not user.has_perm(VIEW):
        raise DomainError(
            "The remedy reports are for campaign administrators and regional staff.", code="forbidden"
        )
    scope = user_scope(user)
    return None if scope.national else scope.region_ids


def remedy_report_get(*, campaign: Campaign, quarter: Quarter, user) -> RemedyReport:
    """The report for ``quarter`` as the user may see it: the submitted snapshot when the
    quarter's scheduled report was submitted, else computed as the data stood at its end."""
    region_ids = report_region_ids(user=user)
    schedule = report_schedule(started_on=remedy_started_on(campaign))
    period = period_for_quarter(schedule=schedule, quarter=quarter)
    submission = None
    if period is not None:
        submission = RemedyReportSubmission.objects.filter(
            campaign=campaign, report_number=period.number
        ).first()
    if submission is not None:
        snapshot = submission.figures
        by_region = {
            (int(k) if k != "none" else None): RemedyFigures.from_dict(v)
            for k, v in snapshot["regions"].items()
        }
        figures = (
            RemedyFigures.from_dict(snapshot["national"])
            if region_ids is None
            else _total(by_region, region_ids)
        )
        first, last = (
            snapshot.get("notification", {}).get("first"),
            snapshot.get("notification", {}).get("last"),
        )
        notification = NotificationDates(
            first=dt.date.fromisoformat(first) if first else None,
            last=dt.date.fromisoformat(last) if last else None,
            wired=snapshot.get("notification", {}).get("wired", False),
        )
    else:
        figures = _total(remedy_figures_by_region(campaign=campaign, until=quarter.end), region_ids)
        notification = owner_notification_dates(campaign=campaign, until=quarter.end)
    return RemedyReport(
        campaign=campaign,
        quarter=quarter,
        until=quarter.end,
        period=period,
        figures=figures,
        notification=notification,
        submission=submission,
        regional=region_ids is not None,
    )


@dataclass(frozen=True)
class ScheduleLine:
    period: Period
    submission: RemedyReportSubmission | None
    ended: bool

    @property
    def overdue(self) -> bool:
        return self.submission is None and timezone.localdate() > self.period.due_on


def remedy_schedule_get(*, campaign: Campaign) -> list[ScheduleLine]:
    """Each report of the campaign's schedule, its due date and whether it was submitted: two queries."""
    schedule = report_schedule(started_on=remedy_started_on(campaign))
    submitted = {
        s.report_number: s
        for s in RemedyReportSubmission.objects.filter(campaign=campaign).select_related("submitted_by")
    }
    today = timezone.localdate()
    return [ScheduleLine(period=p, submission=submitted.get(p.number), ended=p.end < today) for p in schedule]


def remedy_report_submit(*, campaign_id: int, report_number: int, user) -> RemedyReportSubmission:
    """Freeze report ``report_number``'s figures (national and per region) as submitted. Once."""
    if not user.has_perm(SUBMIT):
        raise DomainError("Only the campaign administrator submits the remedy report.", code="forbidden")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("No such campaign.", code="not_found")
    schedule = report_schedule(started_on=remedy_started_on(campaign))
    period = next((p for p in schedule if p.number == report_number), None)
    if period is None:
        raise DomainError(f"The schedule has reports 1 to {len(schedule)}.", field="report_number")
    if period.end >= timezone.localdate():
        raise DomainError(
            f"{period.label} covers up to {period.end:%Y-%m-%d}: it is submitted after that day.",
            code="conflict",
        )
    by_region = remedy_figures_by_region(campaign=campaign, until=period.end)
    notification = owner_notification_dates(campaign=campaign, until=period.end)
    figures = {
        "national": _total(by_region, None).as_dict(),
        "regions": {("none" if k is None else str(k)): v.as_dict() for k, v in by_region.items()},
        "notification": {
            "first": notification.first.isoformat() if notification.first else None,
            "last": notification.last.isoformat() if notification.last else None,
            "wired": notification.wired,
        },
    }
    try:
        with transaction.atomic():
            return RemedyReportSubmission.objects.create(
                campaign=campaign,
                report_number=period.number,
                period_start=period.start,
                period_end=period.end,
                figures=figures,
                submitted_by=user,
            )
    except IntegrityError:
        raise DomainError(
            f"{period.label} of {campaign.code} was already submitted.", code="conflict"
        ) from None
