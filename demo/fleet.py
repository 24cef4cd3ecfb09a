"""A demo affected-VIN list with registered owners, drawn from a campaign's VIN table.

Deterministic for a seed. VINs are spread over the covered models in the UIO proportions
(over a covered model's ranges by their size), with valid check digits; because a range
holds more serials than its UIO, some in-range VINs are naturally left off the list, as in
the seed ("not all vehicles in the VIN range are affected").

Owners look like US registration data: names from Faker's en_US word lists (used directly,
weighted by their frequencies: building a Faker per row would be ten times slower), real
city / state / ZIP triples from the ``zipcodes`` package, states weighted by population,
plausible streets, phones in the ZIP's area code, and some owners without e-mail or phone.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import Campaign, CoveredModel
from campaign.vin_import_rows import COLUMNS

DEFAULT_SEED = 20100706  # the day ALE's defect report was filed
EMAIL_SHARE = 0.62  # registration data often lacks an e-mail address…
PHONE_SHARE = 0.88  # …and sometimes a phone number
ADDRESS2_SHARE = 0.12
MIDDLE_INITIAL_SHARE = 0.3

# 2010 Census resident population, thousands: where registered owners live.
STATE_POPULATION = {
    "AL": 4780, "AK": 710, "AZ": 6392, "AR": 2916, "CA": 37254, "CO": 5029, "CT": 3574, "DE": 898,
    "DC": 602, "FL": 18801, "GA": 9688, "HI": 1360, "ID": 1568, "IL": 12831, "IN": 6484, "IA": 3046,
    "KS": 2853, "KY": 4339, "LA": 4533, "ME": 1328, "MD": 5774, "MA": 6548, "MI": 9884, "MN": 5304,
    "MS": 2967, "MO": 5989, "MT": 989, "NE": 1826, "NV": 2701, "NH": 1316, "NJ": 8792, "NM": 2059,
    "NY": 19378, "NC": 9535, "ND": 673, "OH": 11537, "OK": 3751, "OR": 3831, "PA": 12702, "RI": 1053,
    "SC": 4625, "SD": 814, "TN": 6346, "TX": 25146, "UT": 2764, "VT": 626, "VA": 8001, "WA": 6725,
    "WV": 1853, "WI": 5687, "WY": 564,
}  # fmt: skip
STREET_NAMES = (
    "Main", "Oak", "Maple", "Park", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Sunset",
    "Highland", "Lincoln", "Jefferson", "Madison", "Church", "Willow", "Walnut", "Spring", "River",
    "Forest", "Meadow", "Ridge", "Valley", "Mill", "Franklin", "Jackson", "Adams", "Center", "Broadway",
    "Magnolia", "Hickory", "Chestnut", "Birch", "Laurel", "Sycamore", "Dogwood", "Lakeview", "Fairway",
    "Canyon", "Vista", "Orchard", "Harbor", "Bay", "Ocean", "Mesa", "Prairie", "Country Club",
)  # fmt: skip
STREET_SUFFIXES = (
    "St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl", "Cir", "Pkwy", "Ter", "Trl", "Loop",
)  # fmt: skip
UNIT_FORMATS = ("Apt {n}", "Apt {n}{letter}", "Unit {n}", "Ste {n}", "# {n}")
EMAIL_DOMAINS = (
    "gmail.com", "yahoo.com", "hotmail.com", "aol.com", "comcast.net", "msn.com", "sbcglobal.net",
    "att.net", "verizon.net", "outlook.com", "icloud.com", "cox.net", "earthlink.net", "bellsouth.net",
)  # fmt: skip


@dataclass(frozen=True)
class FleetRange:
    position: int  # the covered model's line in the campaign's VIN table
    wmi: str
    vds: str
    model_year: int
    serial_from: int
    serial_to: int
    count: int  # VINs to draw from this range

    @property
    def size(self) -> int:
        return self.serial_to - self.serial_from + 1


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights``, whole numbers that add up exactly."""
    weight_sum = sum(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - counts[i], -i), reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _capacity(model: CoveredModel) -> int:
    return sum(int(r.serial_to) - int(r.serial_from) + 1 for r in model.ranges.all() if r.serial_to.isdigit())


def demo_fleet_plan(*, campaign: Campaign, vehicles: int) -> list[FleetRange]:
    """How many VINs each range of the campaign contributes to a fleet of ``vehicles``."""
    if vehicles < 0:
        raise DomainError("The number of vehicles cannot be negative.", field="vehicles")
    models = list(
        CoveredModel.objects.filter(campaign=campaign).prefetch_related("ranges").order_by("position")
    )
    if not models:
        raise DomainError(f"{campaign.code} has no VIN table to draw vehicles from.", field="campaign")
    plan: list[FleetRange] = []
    for model, model_count in zip(models, _largest_remainder(vehicles, [m.uio for m in models]), strict=True):
        ranges = [r for r in model.ranges.all() if r.serial_from.isdigit() and r.serial_to.isdigit()]
        sizes = [int(r.serial_to) - int(r.serial_from) + 1 for r in ranges]
        if model_count > sum(sizes):
            total_uio = sum(m.uio for m in models)
            most = min(_capacity(m) * total_uio // m.uio for m in models)
            raise DomainError(
                f"{campaign.code}'s ranges for the {model.model_year} {model.model_label} hold {sum(sizes):,} "
                f"serials, fewer than the {model_count:,} vehicles its UIO share asks for; at most about "
                f"{most:,} vehicles fit in UIO proportions.",
                field="vehicles",
            )
        # In proportion to size, no range gets more than it holds.
        counts = _largest_remainder(model_count, sizes)
        for rng, count in zip(ranges, counts, strict=True):
            plan.append(
                FleetRange(
                    position=model.position,
                    wmi=rng.wmi,
                    vds=rng.vds,
                    model_year=model.model_year,
                    serial_from=int(rng.serial_from),
                    serial_to=int(rng.serial_to),
                    count=count,
                )
            )
    return plan


@dataclass(frozen=True)
class _Places:
    states: tuple[str, ...]
    state_weights: tuple[int, ...]
    zips_by_state: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]


@cache
def _places() -> _Places:
    import zipcodes

    by_state: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for z in zipcodes.list_all():
        # Street-address ZIPs only: PO-box-only and single-company ZIPs are not where owners live.
        if (
            z["zip_code_type"] == "STANDARD"
            and z["active"]
            and z["state"] in STATE_POPULATION
            and z["area_codes"]
        ):
            by_state.setdefault(z["state"], []).append((z["zip_code"], z["city"], tuple(z["area_codes"])))
    states = tuple(s for s in STATE_POPULATION if s in by_state)
    return _Places(
        states=states,
        state_weights=tuple(STATE_POPULATION[s] for s in states),
        zips_by_state={s: tuple(sorted(by_state[s])) for s in states},
    )


@cache
def _names() -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...]]:
    from faker.providers.person.en_US import Provider

    first = {**Provider.first_names_female, **Provider.first_names_male}
    last = Provider.last_names
    return (
        tuple(first),
        tuple(itertools.accumulate(first.values())),
        tuple(last),
        tuple(itertools.accumulate(last.values())),
    )


_EMAIL_KEEP = str.maketrans("", "", " '-.")


def demo_fleet_rows(*, campaign: Campaign, vehicles: int, seed: int = DEFAULT_SEED) -> Iterator[list[str]]:
    """Rows in ``COLUMNS`` order (vin, owner_name, address1, …, email), list order by range then serial."""
    plan = demo_fleet_plan(campaign=campaign, vehicles=vehicles)
    rng = random.Random(seed)
    places = _places()
    first_names, first_cum, last_names, last_cum = _names()
    rnd = rng.random

    # random() and indexing instead of choice()/randrange(): three times faster, which is
    # most of what generating 138,869 owners costs.
    def pick(seq):
        return seq[int(rnd() * len(seq))]

    def between(low: int, high: int) -> int:
        return low + int(rnd() * (high - low))

    street_pool = STREET_NAMES + last_names[:300]
    for fleet_range in plan:
        if not fleet_range.count:
            continue
        n = fleet_range.count
        serials = sorted(rng.sample(range(fleet_range.serial_from, fleet_range.serial_to + 1), n))
        firsts = rng.choices(first_names, cum_weights=first_cum, k=n)
        lasts = rng.choices(last_names, cum_weights=last_cum, k=n)
        states = rng.choices(places.states, weights=places.state_weights, k=n)
        build, wmi, vds, year = vinlib.build, fleet_range.wmi, fleet_range.vds, fleet_range.model_year
        for serial, first, last, state in zip(serials, firsts, lasts, states, strict=True):
            zip_code, city, area_codes = pick(places.zips_by_state[state])
            middle = f" {chr(65 + between(0, 26))}." if rnd() < MIDDLE_INITIAL_SHARE else ""
            address2 = ""
            if rnd() < ADDRESS2_SHARE:
                address2 = pick(UNIT_FORMATS).format(n=between(1, 400), letter=chr(65 + between(0, 6)))
            phone = ""
            if rnd() < PHONE_SHARE:
                phone = f"{pick(area_codes)}-{between(200, 1000)}-{between(0, 10000):04d}"
            email = ""
            if rnd() < EMAIL_SHARE:
                given, family = first.lower().translate(_EMAIL_KEEP), last.lower().translate(_EMAIL_KEEP)
                style = between(0, 5)
                if style == 0:
                    local = f"{given}.{family}"
                elif style == 1:
                    local = f"{given[0]}{family}{between(1, 100)}"
                elif style == 2:
                    local = f"{given}{family[0]}{between(1950, 2000)}"
                elif style == 3:
                    local = f"{given}_{family}"
                else:
                    local = f"{family}.{given}{between(1, 1000)}"
                email = f"{local}@{pick(EMAIL_DOMAINS)}"
            yield [
                build(wmi=wmi, vds=vds, year=year, serial=f"{serial:07d}"),
                f"{first}{middle} {last}",
                f"{between(100, 20000)} {pick(street_pool)} {pick(STREET_SUFFIXES)}",
                address2,
                city,
                state,
                zip_code,
                phone,
                email,
            ]


def demo_fleet_write_csv(*, campaign: Campaign, vehicles: int, path: Path, seed: int = DEFAULT_SEED) -> int:
    """Write the demo list as an import file (header + rows); returns the number of rows."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in demo_fleet_rows(campaign=campaign, vehicles=vehicles, seed=seed):
            writer.writerow(row)
            count += 1
    return count
