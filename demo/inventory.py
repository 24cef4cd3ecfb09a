"""Demo pre-owned inventory: a few hundred units across the network, some under stop-sale.

``demo.network.network_seed`` calls ``inventory_seed`` after the dealers, servicing
assignments and demo users exist. Every active dealer gets one to three used units; the
dealers where demo staff work get a full lot, so the pre-owned manager has a list to
page through. About one unit in eight is an ALE vehicle still open on the posted list;
the rest are other Lexus models no campaign covers.

The units are dated before the list was posted (7 July 2010) and go in unflagged; then
the same set-based ``inventory_recheck`` that runs after a list import flags them and
leaves each dealer a stop-sale notice, as it would have happened that day.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import TextIO

from django.db import transaction

from campaign import vin as vinlib
from campaign.models import AffectedVehicle, Campaign
from dealers.inventory import inventory_recheck
from dealers.models import Dealer, InventoryEvent, InventoryUnit, Membership

AFFECTED_SHARE = 0.12
STAFFED_LOT = 24
STAFFED_HELD = 3
FIRST_DAY = dt.date(2010, 3, 1)
LAST_DAY = dt.date(2010, 7, 6)  # the day before ALE's affected VINs were posted
# Lexus models of the period that no campaign in the demo covers: (WMI, VDS, model years, plant).
OTHER_MODELS: tuple[tuple[str, str, tuple[int, ...], str], ...] = (
    ("2T2", "HK31U", (2007, 2008, 2009), "C"),  # RX 350
    ("JTJ", "HW31U", (2006, 2007, 2008), "2"),  # RX 400h
    ("JTH", "BJ46G", (2007, 2008, 2009, 2010), "2"),  # ES 350
    ("JTH", "BK262", (2006, 2007, 2008, 2009), "2"),  # IS 250
    ("JTJ", "BT20X", (2006, 2007, 2008, 2009), "0"),  # GX 470
    ("JTJ", "HY00W", (2008, 2009, 2010), "4"),  # LX 570
)


def _other_vin(rng: random.Random) -> str:
    wmi, vds, years, plant = rng.choice(OTHER_MODELS)
    return vinlib.build(
        wmi=wmi, vds=vds, year=rng.choice(years), serial=f"{plant}{rng.randrange(1, 999_999):06d}"
    )


def _open_ale_vins() -> list[str]:
    return list(
        AffectedVehicle.objects.filter(status=AffectedVehicle.Status.OPEN, campaign__code="ALE")
        .order_by("vehicle_id")
        .values_list("vehicle_id", flat=True)
    )


def inventory_seed(*, stdout: TextIO, seed: int) -> None:
    """Create the demo inventory units (deterministic for ``seed``, idempotent)."""
    dealers = list(Dealer.objects.filter(active=True).order_by("code"))
    if not dealers:
        stdout.write("Pre-owned inventory: no dealers yet, skipped.\n")
        return
    rng = random.Random(f"inventory-{seed}")
    staffed = set(
        Membership.objects.filter(role__in=Membership.DEALER_ROLES).values_list("dealer_id", flat=True)
    )
    affected = _open_ale_vins()
    span = (LAST_DAY - FIRST_DAY).days

    # The whole plan is drawn before anything is skipped, so a re-run draws the same units.
    planned: list[InventoryUnit] = []
    vins: set[str] = set()  # a vehicle stands on one lot at a time
    for dealer in dealers:
        count = STAFFED_LOT if dealer.pk in staffed else rng.randint(1, 3)
        for n in range(count):
            # The demo staff's lot always holds a few, so the pre-owned manager meets a stop sale.
            hold = n < STAFFED_HELD if dealer.pk in staffed else rng.random() < AFFECTED_SHARE
            vin = rng.choice(affected) if affected and hold else _other_vin(rng)
            received = FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
            if vin in vins:
                continue
            vins.add(vin)
            planned.append(
                InventoryUnit(
                    dealer=dealer,
                    vin=vin,
                    stock_number=f"U{dealer.code[-2:]}{n + 101:03d}",
                    received_on=received,
                )
            )

    existing = set(InventoryUnit.objects.values_list("dealer_id", "stock_number"))
    new = [u for u in planned if (u.dealer_id, u.stock_number) not in existing]
    with transaction.atomic():
        InventoryUnit.objects.bulk_create(new, batch_size=500)
        InventoryEvent.objects.bulk_create(
            (InventoryEvent(unit=u, kind=InventoryEvent.Kind.ADDED, note="Demo stock") for u in new),
            batch_size=500,
        )

    started = time.perf_counter()
    flagged = notices = 0
    for campaign_id in Campaign.objects.order_by("pk").values_list("pk", flat=True):
        result = inventory_recheck(campaign_id=campaign_id)
        flagged += result.flagged
        notices += result.notices
    took = (time.perf_counter() - started) * 1000
    total = InventoryUnit.objects.filter(status=InventoryUnit.Status.IN_STOCK).count()
    held = InventoryUnit.objects.filter(status=InventoryUnit.Status.IN_STOCK, stop_sale=True).count()
    stdout.write(
        f"Pre-owned inventory: {len(new)} units added ({total} in stock at {len(dealers)} dealers, "
        f"{held} on stop sale); re-check flagged {flagged}, {notices} dealer notices, in {took:.0f} ms.\n"
    )
