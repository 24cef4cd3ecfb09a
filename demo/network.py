"""The demo dealer network: regions, ~230 dealers in real US cities, servicing assignments, demo users.

``network_seed`` runs inside ``seed_demo`` after the fleet is imported. It is
deterministic (the same dealers, codes and assignments for a seed) and idempotent: a
second run adds nothing, it only assigns vehicles that have no servicing dealer yet.

Dealers are shared among the states by 2010 population (at least one each), and within
a state among its cities by their number of residential ZIP codes (a stand-in for
population the ``zipcodes`` package carries), so big metros get several stores; each
state belongs to one of the manufacturer's four sales areas. Every vehicle goes to the dealer
nearest to its owner's ZIP code (great-circle distance; ties to the lower dealer code).
"""

from __future__ import annotations

import bisect
import math
import random
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from campaign.bulk_write import Table, copy_rows, db_value, raw_cursor
from campaign.models import Vehicle
from dealers.models import Dealer, Region, ServicingDealer
from demo.dealer_terms import dealer_terms, shop_hours_seed
from demo.users import DEMO_PASSWORD, demo_users_ensure, home_dealer, other_region_dealer

DEALER_COUNT = 230
# The manufacturer's sales areas: (code, name, first digit of dealer codes, states).
REGIONS: tuple[tuple[str, str, str, frozenset[str]], ...] = (
    (
        "WEST",
        "Western Area",
        "1",
        frozenset(["WA", "OR", "CA", "NV", "ID", "MT", "WY", "UT", "AZ", "CO", "NM", "AK", "HI"]),
    ),
    (
        "CENTRAL",
        "Central Area",
        "2",
        frozenset(["ND", "SD", "NE", "KS", "OK", "TX", "MN", "IA", "MO", "AR", "LA", "WI", "IL", "MI", "IN"]),
    ),
    (
        "EAST",
        "Eastern Area",
        "3",
        frozenset(["OH", "PA", "NY", "NJ", "CT", "RI", "MA", "VT", "NH", "ME", "DE", "MD", "DC", "VA", "WV"]),
    ),
    ("SOUTH", "Southern Area", "4", frozenset(["KY", "TN", "NC", "SC", "GA", "FL", "AL", "MS"])),
)
# A big metro's second, third… store is named for the side of town it stands on.
STORE_SUFFIXES = ("", "North", "South", "West", "East")
STREETS = (
    "Auto Center Dr", "Motor Mile", "Automall Pkwy", "Commerce Blvd", "Freeway Dr", "Dealer Row",
    "Gateway Blvd", "Park Ave", "Highland Ave", "Parkway Plaza", "Corporate Dr", "Lakeside Blvd",
)  # fmt: skip
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    area_code: str


@cache
def zip_places() -> dict[str, Place]:
    """Every active standard US ZIP code with its city and coordinates."""
    import zipcodes

    places = {}
    for z in zipcodes.list_all():
        if z["zip_code_type"] != "STANDARD" or not z["active"] or not z["lat"]:
            continue
        places[z["zip_code"]] = Place(
            zip_code=z["zip_code"],
            city=z["city"],
            state=z["state"],
            lat=float(z["lat"]),
            lon=float(z["long"]),
            area_code=(z["area_codes"] or ["555"])[0],
        )
    return places


def _region_of(state: str) -> tuple[str, str, str, frozenset[str]] | None:
    return next((r for r in REGIONS if state in r[3]), None)


@dataclass(frozen=True)
class DealerPlan:
    code: str
    name: str
    region_code: str
    place: Place


def _split(total: int, weights: dict[str, int], minimum: int) -> dict[str, int]:
    """``total`` shared out in proportion to ``weights``, at least ``minimum`` each (largest remainder)."""
    rest = total - minimum * len(weights)
    exact = {k: rest * w / sum(weights.values()) for k, w in weights.items()}
    counts = {k: minimum + int(x) for k, x in exact.items()}
    by_remainder = sorted(weights, key=lambda k: (-(exact[k] - int(exact[k])), k))
    for k in by_remainder[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _store_place(places: list[Place], suffix: str) -> Place:
    """Where in its city a store stands: the most central ZIP, or towards the side its name says."""
    if suffix in ("North", "South"):
        ordered = sorted(places, key=lambda p: (p.lat, p.zip_code))
        return ordered[int(len(ordered) * (0.85 if suffix == "North" else 0.15))]
    if suffix in ("East", "West"):
        ordered = sorted(places, key=lambda p: (p.lon, p.zip_code))
        return ordered[int(len(ordered) * (0.85 if suffix == "East" else 0.15))]
    lat = sum(p.lat for p in places) / len(places)
    lon = sum(p.lon for p in places) / len(places)
    return min(places, key=lambda p: ((p.lat - lat) ** 2 + (p.lon - lon) ** 2, p.zip_code))


def dealer_plan(count: int = DEALER_COUNT) -> list[DealerPlan]:
    """The demo dealers: shared among states by population (one at least), then among each
    state's cities by residential ZIP codes (D'Hondt, so a big metro gets several stores)."""
    from demo.fleet import STATE_POPULATION

    by_city: dict[tuple[str, str], list[Place]] = {}
    for place in zip_places().values():
        if _region_of(place.state) and place.state in STATE_POPULATION:
            by_city.setdefault((place.city, place.state), []).append(place)
    states = {s: STATE_POPULATION[s] for s in sorted({state for _, state in by_city})}
    per_state = _split(count, states, minimum=1)

    cities_by_state: dict[str, dict[str, int]] = {}
    for (city, state), places in by_city.items():
        cities_by_state.setdefault(state, {})[city] = len(places)
    stores: list[tuple[str, str, str]] = []  # (state, city, suffix)
    for state, wanted in per_state.items():
        cities = cities_by_state[state]
        held = dict.fromkeys(cities, 0)
        for _ in range(wanted):
            city = min(cities, key=lambda c: (-cities[c] / (held[c] + 1), c))
            while held[city] >= len(STORE_SUFFIXES):  # a city has at most one store per side of town
                cities.pop(city)
                city = min(cities, key=lambda c: (-cities[c] / (held[c] + 1), c))
            stores.append((state, city, STORE_SUFFIXES[held[city]]))
            held[city] += 1

    city_states: dict[str, set[str]] = {}
    for state, city, _ in stores:
        city_states.setdefault(city, set()).add(state)
    plan = []
    per_region: dict[str, int] = {}
    # Codes numbered per region in a stable order (state, city), so they read like a network's.
    for state, city, suffix in sorted(stores):
        region = _region_of(state)
        per_region[region[0]] = per_region.get(region[0], 0) + 1
        label = city if len(city_states[city]) == 1 else f"{city}, {state}"
        name = f"Lexus of {label}" + (f" {suffix}" if suffix else "")
        place = _store_place(by_city[(city, state)], suffix)
        plan.append(DealerPlan(f"7{region[2]}{per_region[region[0]]:03d}", name, region[0], place))
    return plan


def _dealers_ensure(*, seed: int, stdout: TextIO) -> list[Dealer]:
    regions = {}
    for code, name, _, _ in REGIONS:
        regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name})
    plan = dealer_plan()
    existing = set(Dealer.objects.filter(code__in=[p.code for p in plan]).values_list("code", flat=True))
    rng = random.Random(seed)
    new = []
    for p in plan:
        # Drawn for every dealer, created or not, so addresses do not depend on what exists.
        number, street, line = rng.randrange(100, 9900), rng.choice(STREETS), rng.randrange(100)
        if p.code in existing:
            continue
        new.append(
            Dealer(
                code=p.code,
                name=p.name,
                address1=f"{number} {street}",
                city=p.place.city,
                state=p.place.state,
                postal_code=p.place.zip_code,
                # 555-01xx numbers are reserved for fiction: no real dealership gets called.
                phone=f"({p.place.area_code}) 555-01{line:02d}",
                region=regions[p.region_code],
                latitude=p.place.lat,
                longitude=p.place.lon,
                **dealer_terms(code=p.code, state=p.place.state),
            )
        )
    Dealer.objects.bulk_create(new)
    stdout.write(f"Dealers: {len(new)} created, {len(existing)} already there, in {len(REGIONS)} regions.\n")
    return list(
        Dealer.objects.filter(code__in=[p.code for p in plan]).select_related("region").order_by("code")
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class NearestDealer:
    """Exact nearest-dealer search over a few hundred points, fast enough for ~30,000 ZIP codes.

    Dealers sorted by latitude; the scan walks outwards from the query's latitude and stops
    once the latitude gap alone (a lower bound of the great-circle distance) exceeds the best
    distance found. Distances are compared as the haversine term ``a`` (monotonic in the
    distance), which skips the square root and arcsine for every candidate.
    """

    def __init__(self, dealers: Iterable[Dealer]):
        located = sorted((d.latitude, d.longitude, d.code, d.pk) for d in dealers if d.latitude is not None)
        if not located:
            raise ValueError("No dealer has coordinates.")
        self.lats = [lat for lat, *_ in located]
        # (φ, λ, cos φ, code, pk) in radians, precomputed once.
        self.points = [
            (math.radians(lat), math.radians(lon), math.cos(math.radians(lat)), code, pk)
            for lat, lon, code, pk in located
        ]

    def find(self, lat: float, lon: float) -> int:
        points, n, sin = self.points, len(self.points), math.sin
        phi, lam = math.radians(lat), math.radians(lon)
        cos_phi = math.cos(phi)
        best_a, best_code, best_pk = math.inf, "", 0
        up = bisect.bisect_left(self.lats, lat)
        down = up - 1
        while up < n or down >= 0:
            gaps = []
            for i in (up, down):
                if 0 <= i < n:
                    p_phi, p_lam, p_cos, code, pk = points[i]
                    a = sin((p_phi - phi) / 2) ** 2 + cos_phi * p_cos * sin((p_lam - lam) / 2) ** 2
                    if a < best_a or (a == best_a and code < best_code):
                        best_a, best_code, best_pk = a, code, pk
                    gaps.append(sin((p_phi - phi) / 2) ** 2)
            # Every dealer further along in latitude is at least this far: stop when past the best.
            if min(gaps) > best_a:
                break
            up, down = up + 1, down - 1
        return best_pk


def zip_location(postal_code: str) -> Place | None:
    """The owner's ZIP code's place; an unknown ZIP borrows the numerically nearest known one."""
    places = zip_places()
    zip5 = (postal_code or "")[:5]
    if zip5 in places:
        return places[zip5]
    if not zip5.isdigit():
        return None
    known = _sorted_zips()
    i = min(bisect.bisect_left(known, zip5), len(known) - 1)
    return places[known[i]]


@cache
def _sorted_zips() -> list[str]:
    return sorted(zip_places())


def servicing_assign(*, dealers: list[Dealer], stdout: TextIO) -> int:
    """Give every vehicle without a servicing dealer the nearest one. Returns how many were assigned."""
    nearest = NearestDealer(dealers)
    by_zip: dict[str, int] = {}
    fallback = sorted(d.pk for d in dealers)
    # Read and written on the raw cursor (COPY on PostgreSQL): 138,869 rows in seconds, and out
    # of Django's debug query log.
    sql, params = (
        Vehicle.objects.filter(servicing__isnull=True)
        .values_list("vin", "postal_code")
        .query.sql_with_params()
    )
    with raw_cursor() as cursor:
        cursor.execute(sql, params)
        unassigned = cursor.fetchall()
    now = db_value(model=ServicingDealer, field="assigned_at", value=timezone.now())

    def rows():
        for vin, postal_code in unassigned:
            zip5 = (postal_code or "")[:5]
            dealer_id = by_zip.get(zip5)
            if dealer_id is None:
                place = zip_location(zip5)
                if place is None:
                    # No usable ZIP: a stable pick, so reruns and other machines agree.
                    dealer_id = fallback[zlib.crc32(vin.encode()) % len(fallback)]
                else:
                    dealer_id = by_zip[zip5] = nearest.find(place.lat, place.lon)
            yield (vin, dealer_id, now)

    with transaction.atomic():
        table = Table(ServicingDealer)
        columns = [table.col("vehicle"), table.col("dealer"), table.col("assigned_at")]
        copy_rows(table=table.name, columns=columns, rows=rows())
    stdout.write(f"Servicing dealers: {len(unassigned)} vehicles assigned ({len(by_zip)} ZIP codes).\n")
    return len(unassigned)


def network_seed(*, stdout: TextIO, seed: int) -> None:
    """Regions, dealers, servicing dealers for every vehicle, shop hours, demo users, then pre-owned inventory."""
    from demo.inventory import inventory_seed

    started = time.perf_counter()
    dealers = _dealers_ensure(seed=seed, stdout=stdout)
    assigned_started = time.perf_counter()
    servicing_assign(dealers=dealers, stdout=stdout)
    stdout.write(f"  (assignment took {time.perf_counter() - assigned_started:.1f} s)\n")
    shop_hours_seed(dealers=dealers, stdout=stdout)
    home = home_dealer(dealers)
    users = demo_users_ensure(dealer=home, other_dealer=other_region_dealer(dealers, home=home))
    inventory_seed(stdout=stdout, seed=seed)
    stdout.write(f"Dealer network ready in {time.perf_counter() - started:.1f} s.\n\n")
    stdout.write(f"Demo users (password for all: {DEMO_PASSWORD})\n")
    widths = [max(len(row[i]) for row in [("username", "role", "scope"), *users]) for i in range(3)]
    for row in [("username", "role", "scope"), tuple("-" * w for w in widths), *users]:
        stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n")
