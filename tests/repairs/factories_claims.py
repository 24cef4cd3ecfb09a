"""Builders for the claims tests: a completed RO of dealer A on an affected ALE VIN, priced."""

from __future__ import annotations

import itertools
from decimal import Decimal

from campaign.models import AffectedVehicle
from dealers.models import ServicingDealer
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin
from tests.repairs.factories import RepairOrderFactory, remedy_set

_serials = itertools.count(20_000)


def claims_setup(campaign, *dealers, window: int | None = 30) -> None:
    """ALE's remedy (6.0 h, one kit line at 240.00) and the dealers' rates (120.00/h, 10 %)."""
    remedy_set(campaign)
    campaign.claim_window_days = window
    campaign.claim_condition = "Valve springs may crack."
    campaign.claim_cause = "Contaminated springs."
    campaign.claim_correction = "Replaced the valve springs."
    campaign.save()
    for dealer in dealers:
        dealer.warranty_labor_rate = Decimal("120.00")
        dealer.parts_allowance_percent = Decimal("10.00")
        dealer.save()


def completed_ro(campaign, dealer, *, affected: bool = True, **kwargs):
    vehicle = VehicleFactory(vin=ale_vin(next(_serials)))
    if affected:
        AffectedVehicleFactory(campaign=campaign, vehicle=vehicle, status=AffectedVehicle.Status.REMEDIED)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)
    kwargs.setdefault("completed", True)
    return RepairOrderFactory(dealer=dealer, vehicle=vehicle, campaign=campaign, **kwargs)
