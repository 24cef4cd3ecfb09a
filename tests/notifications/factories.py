"""Builders for the notification tests: an owner with an e-mail and a mobile number, booked."""

from __future__ import annotations

import datetime as dt

from repairs.appointments import appointment_book, dealer_today
from tests.repairs.factories_booking import affected, bookable, open_shop

PHONE = "(916) 555-0142"
TEXTABLE = "+19165550142"


def owner_vehicle(ale, dealer, *, email: str = "owner@example.com", phone: str = PHONE):
    bookable(ale)
    return affected(ale, dealer=dealer, email=email, phone=phone)


def booked(ale, dealer, *, days: int = 7, vehicle=None, user=None, time=dt.time(8, 0), contact="phone"):
    """An appointment ``days`` ahead of the dealer's today (its shop open every day)."""
    open_shop(dealer, hours="999.0", weekdays=range(7))
    vehicle = vehicle or owner_vehicle(ale, dealer)
    return appointment_book(
        dealer_id=dealer.pk,
        vin=vehicle.vin,
        campaign_id=ale.pk,
        date=dealer_today(dealer) + dt.timedelta(days=days),
        time=time,
        transport="drop_off",
        contact_preference=contact,
        user=user,
    )
