"""Builders for the repair-order tests: ALE ready for repairs, an affected VIN, an appointment."""

from __future__ import annotations

import itertools

from campaign.models import Campaign
from dealers.models import ServicingDealer
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin
from tests.repairs.factories import AppointmentFactory, remedy_set

_serials = itertools.count(15000)


def ale_ready(ale: Campaign) -> Campaign:
    """ALE with parts available and a labor operation with its kit (13711-31110 × 1)."""
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.PARTS_AVAILABLE)
    ale.refresh_from_db()
    remedy_set(ale)
    return ale


def affected_vin(ale: Campaign, dealer, *, status: str = "open") -> str:
    """A fresh VIN on ALE's list, serviced by ``dealer``."""
    vehicle = VehicleFactory(vin=ale_vin(next(_serials)))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle, status=status)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)
    return vehicle.vin


def appointment(ale: Campaign, dealer, vin: str | None = None):
    vin = vin or affected_vin(ale, dealer)
    return AppointmentFactory(dealer=dealer, campaign=ale, vehicle_id=vin)
