"""What the manufacturer and the demo dealers set up for recall work: time zones, claim rates, shop hours.

``dealer_terms`` gives a new demo dealer its time zone (from its state) and its warranty rates;
``shop_hours_seed`` gives every demo dealer a week of recall shop hours, so booking works in
the demo. Both are deterministic per dealer code, never from the network's shared random
sequence (whose draws fix the dealers' addresses).
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from decimal import Decimal
from typing import TextIO

from django.db.models import Count

from dealers.models import Dealer, ServicingDealer

# The zone most of a state's people live in (a dealer in the Florida panhandle or West Texas
# would pick its own on the settings page). Every value is one of dealers.dealer_settings.US_TIME_ZONES.
STATE_TIME_ZONES: dict[str, str] = {
    **dict.fromkeys(
        ["CT", "DC", "DE", "FL", "GA", "MA", "MD", "ME", "NC", "NH", "NJ", "NY", "OH", "PA", "RI", "SC", "VA",
         "VT", "WV"],
        "America/New_York",
    ),
    "MI": "America/Detroit",
    "IN": "America/Indiana/Indianapolis",
    "KY": "America/Kentucky/Louisville",
    **dict.fromkeys(
        ["AL", "AR", "IA", "IL", "KS", "LA", "MN", "MO", "MS", "ND", "NE", "OK", "SD", "TN", "TX", "WI"],
        "America/Chicago",
    ),
    **dict.fromkeys(["CO", "MT", "NM", "UT", "WY"], "America/Denver"),
    "ID": "America/Boise",
    "AZ": "America/Phoenix",
    **dict.fromkeys(["CA", "NV", "OR", "WA"], "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
}  # fmt: skip

LABOR_RATE_RANGE = (110, 165)  # USD per flat-rate hour
PARTS_ALLOWANCE_RANGE = (30, 40)  # percent on dealer net

WEEKDAY_HOURS = (dt.time(7, 30), dt.time(16, 0))
SATURDAY_HOURS = (dt.time(8, 0), dt.time(12, 0))
SATURDAY_TECHNICIAN_HOURS = Decimal("8.0")
TECHNICIAN_HOURS_RANGE = (16, 40)  # a weekday's recall hours, from the smallest to the busiest store


def _rng(code: str, purpose: str) -> random.Random:
    return random.Random(zlib.crc32(f"{purpose}:{code}".encode()))


def dealer_terms(*, code: str, state: str) -> dict:
    """A new demo dealer's time zone and warranty claim rates (the fields of ``Dealer``)."""
    rng = _rng(code, "rates")
    # Metro-style rates: whole or half dollars, in the range US warranty labor rates ran in 2010.
    rate = Decimal(rng.randrange(LABOR_RATE_RANGE[0] * 2, LABOR_RATE_RANGE[1] * 2 + 1)) / 2
    allowance = Decimal(rng.randrange(PARTS_ALLOWANCE_RANGE[0] * 2, PARTS_ALLOWANCE_RANGE[1] * 2 + 1)) / 2
    return {
        "time_zone": STATE_TIME_ZONES.get(state, "America/Chicago"),
        "warranty_labor_rate": rate.quantize(Decimal("0.01")),
        "parts_allowance_percent": allowance.quantize(Decimal("0.01")),
    }


def shop_hours_seed(*, dealers: list[Dealer], stdout: TextIO) -> int:
    """Mon–Fri 07:30–16:00 at every dealer without shop hours yet, 16–40 technician hours a day
    by how many vehicles it services; Saturday mornings (8 h) at the busier half. Returns the
    number of dealers given hours."""
    from repairs.models import ShopHours

    have = set(ShopHours.objects.filter(dealer__in=dealers).values_list("dealer_id", flat=True).distinct())
    load = dict(
        ServicingDealer.objects.filter(dealer__in=dealers)
        .values("dealer_id")
        .annotate(n=Count("pk"))
        .values_list("dealer_id", "n")
    )
    busiest = max(load.values(), default=0) or 1
    median = sorted(load.get(d.pk, 0) for d in dealers)[len(dealers) // 2] if dealers else 0
    low, high = TECHNICIAN_HOURS_RANGE
    rows = []
    for dealer in dealers:
        if dealer.pk in have:
            continue
        share = load.get(dealer.pk, 0) / busiest
        # Whole technicians' days (4 h steps), from 16 h at the quietest to 40 h at the busiest.
        hours = Decimal(low + round(share * (high - low) / 4) * 4)
        for weekday in range(5):
            rows.append(
                ShopHours(
                    dealer=dealer,
                    weekday=weekday,
                    opens_at=WEEKDAY_HOURS[0],
                    closes_at=WEEKDAY_HOURS[1],
                    technician_hours=hours,
                )
            )
        if load.get(dealer.pk, 0) > median:
            rows.append(
                ShopHours(
                    dealer=dealer,
                    weekday=5,
                    opens_at=SATURDAY_HOURS[0],
                    closes_at=SATURDAY_HOURS[1],
                    technician_hours=SATURDAY_TECHNICIAN_HOURS,
                )
            )
    ShopHours.objects.bulk_create(rows, batch_size=1000)
    given = len({row.dealer_id for row in rows})
    stdout.write(f"Shop hours: {given} dealers given a recall week ({len(rows)} rows, Saturdays included).\n")
    return given
