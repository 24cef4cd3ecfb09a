"""The completion forecast: at the last 8 weeks' pace, when 50, 75 and 90 % are reached.

Pure arithmetic over a line's figures (no queries): the pace is the net remedies of the last 8
weeks ÷ 8; the date for p % is today + the weeks the remedies still short of p % of the
involved vehicles take at that pace. A line already past p % shows "reached"; one with no pace
has no date ("not at this pace"). A dealer is flagged when the owners still to serve (open and
unreachable) would wait more than N weeks at its pace (N: the page's filter, default
``settings.UNSERVED_WEEKS_FLAG``), or forever (no pace at all, with vehicles still to do).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

TARGETS = (50, 75, 90)
REACHED = "reached"


@dataclass(frozen=True)
class Forecast:
    dates: dict[int, dt.date | str | None]  # target % -> date, "reached", or None (no pace)
    weeks_to_serve: float | None  # weeks to remedy every vehicle still to do; None: no pace
    flagged: bool

    def label(self, target: int) -> str:
        value = self.dates[target]
        if value == REACHED:
            return "reached"
        return "not at this pace" if value is None else f"{value:%Y-%m-%d}"


def forecast_for(line, *, today: dt.date, unserved_weeks: int) -> Forecast:
    rate = line.weekly_rate
    dates: dict[int, dt.date | str | None] = {}
    for target in TARGETS:
        short = math.ceil(line.involved * target / 100) - line.remedied
        if line.involved and short <= 0:
            dates[target] = REACHED
        elif rate <= 0 or not line.involved:
            dates[target] = None
        else:
            dates[target] = today + dt.timedelta(days=math.ceil(7 * short / rate))
    to_do = line.to_do
    weeks = None if rate <= 0 else round(to_do / rate, 1)
    flagged = to_do > 0 and (weeks is None or weeks > unserved_weeks)
    return Forecast(dates=dates, weeks_to_serve=weeks, flagged=flagged)
