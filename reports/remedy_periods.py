"""The §573.7 schedule: eight quarterly reports from the quarter the remedy campaign starts,
then three annual ones, each due 30 days after its period ends. Pure date arithmetic.

The remedy campaign starts when the campaign leaves its preliminary notice (parts available:
the remedy can be done), or, before that, on the day the defect report was filed. Quarters are
calendar quarters in the server's time zone (``settings.TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from campaign.errors import DomainError
from campaign.models import Campaign, CampaignPhaseChange

QUARTERLY_REPORTS = 8
ANNUAL_REPORTS = 3
DUE_DAYS = 30
_QUARTER = re.compile(r"^(\d{4})-([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match((text or "").strip())
        if not match:
            raise DomainError(
                "Give the quarter as YYYY-Q, e.g. 2010-3 for July to September 2010.", field="quarter"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def plus(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.q - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.plus(1)
        return following.start - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-{self.q}"


@dataclass(frozen=True)
class Period:
    """One report of the schedule: its number (1-11), its span and when it is due."""

    number: int
    start: dt.date
    end: dt.date

    @property
    def annual(self) -> bool:
        return self.number > QUARTERLY_REPORTS

    @property
    def quarter(self) -> Quarter:
        """The quarter the period ends in (what ``?quarter=`` names, and NHTSA's RPTQTR)."""
        return Quarter.of(self.end)

    @property
    def due_on(self) -> dt.date:
        return self.end + dt.timedelta(days=DUE_DAYS)

    @property
    def label(self) -> str:
        quarter = self.quarter
        if self.annual:
            return f"Annual report {self.number - QUARTERLY_REPORTS} ({self.start:%b %Y} – {self.end:%b %Y})"
        return f"Quarterly report {self.number} ({quarter.year} Q{quarter.q})"


def remedy_started_on(campaign: Campaign) -> dt.date:
    """The day the campaign left its preliminary notice, else the day its DIR was filed."""
    from django.utils import timezone

    left = (
        CampaignPhaseChange.objects.filter(campaign=campaign, from_phase=Campaign.Phase.PRELIMINARY)
        .order_by("changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    return timezone.localdate(left) if left else campaign.dir_filed_on


def report_schedule(*, started_on: dt.date) -> list[Period]:
    first = Quarter.of(started_on)
    periods = [
        Period(number=n + 1, start=first.plus(n).start, end=first.plus(n).end)
        for n in range(QUARTERLY_REPORTS)
    ]
    for n in range(ANNUAL_REPORTS):
        begins = first.plus(QUARTERLY_REPORTS + 4 * n)
        periods.append(Period(number=QUARTERLY_REPORTS + n + 1, start=begins.start, end=begins.plus(3).end))
    return periods


def period_for_quarter(*, schedule: list[Period], quarter: Quarter) -> Period | None:
    """The scheduled report whose period ends in ``quarter``, if any."""
    return next((p for p in schedule if p.quarter == quarter), None)
