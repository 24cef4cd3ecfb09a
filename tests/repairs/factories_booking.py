"""Builders for the booking tests: a campaign past the preliminary phase with a remedy, a
shop with weekly hours, affected vehicles a dealer services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from campaign.models import Campaign
from dealers.models import ServicingDealer
from repairs.models import ShopHours
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin
from tests.repairs.factories import remedy_set

# Inside the 2007 GS 350 BE96S range (serials 0007930-0028367), clear of other tests' serials.
_serials = itertools.count(21000)


def bookable(campaign: Campaign, *, hours: str = "6.0") -> Campaign:
    """The campaign with parts available and every covered model's remedy at ``hours``."""
    Campaign.objects.filter(pk=campaign.pk).update(phase=Campaign.Phase.PARTS_AVAILABLE)
    campaign.refresh_from_db()
    remedy_set(campaign, hours=hours)
    return campaign


def open_shop(dealer, *, hours: str = "16.0", weekdays=range(5), opens=dt.time(7, 0), closes=dt.time(16, 0)):
    """Recall hours Monday to Friday (by default), appointments starting 07:00-16:00."""
    for weekday in weekdays:
        ShopHours.objects.update_or_create(
            dealer=dealer,
            weekday=weekday,
            defaults={"opens_at": opens, "closes_at": closes, "technician_hours": Decimal(hours)},
        )


def affected(campaign: Campaign, *, dealer=None, status: str = "open", added_days_ago: int = 30, **vehicle):
    """A fresh VIN on the campaign's list (serviced by ``dealer`` if given)."""
    v = VehicleFactory(vin=ale_vin(next(_serials)), **vehicle)
    AffectedVehicleFactory(
        campaign=campaign,
        vehicle=v,
        status=status,
        added_at=timezone.now() - dt.timedelta(days=added_days_ago),
    )
    if dealer is not None:
        ServicingDealer.objects.create(vehicle=v, dealer=dealer)
    return v


def next_weekday(weekday: int, *, after_days: int = 7) -> dt.date:
    """The first ``weekday`` (Monday 0) at least ``after_days`` days from today."""
    day = timezone.localdate() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)
