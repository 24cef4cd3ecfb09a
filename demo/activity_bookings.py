"""The demo's bookings: open vehicles booked into each dealer's next weekdays, within each day's
recall hours (``ShopDay``), the hours held day by day (``AppointmentSlot``), long jobs carried over."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from campaign.models import Campaign
from dealers.models import Dealer
from demo.activity_rows import (
    append,
    append_objects,
    open_entries,
    operation_for,
    pk_counter,
    sequences_reset,
)

BOOKING_DAYS = 10  # weekdays ahead
BOOKING_FILL = (0.45, 0.9)  # share of each day's recall hours booked


def bookings_seed(*, campaign: Campaign, ranges, rng: random.Random) -> int:
    """Open vehicles booked into each dealer's next weekdays, within each day's recall hours."""
    from repairs.models import Appointment, AppointmentEvent, AppointmentSlot, ShopDay, ShopHours

    hours_of = defaultdict(dict)
    for h in ShopHours.objects.filter(weekday__lt=5):
        hours_of[h.dealer_id][h.weekday] = h
    open_by_dealer: dict[int, list[str]] = defaultdict(list)
    for _entry_id, vin, dealer_id in open_entries(campaign):
        open_by_dealer[dealer_id].append(vin)
    today = timezone.localdate()
    days = []
    day = today
    while len(days) < BOOKING_DAYS:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)

    day_ids, appointment_ids = pk_counter(ShopDay), pk_counter(Appointment)
    shop_days, plans = [], []  # plans: (dealer, vin, op, [(shop day, hours)], start)
    for dealer in Dealer.objects.filter(pk__in=list(hours_of)).order_by("code"):
        tz = zoneinfo.ZoneInfo(dealer.time_zone)
        vins = open_by_dealer.get(dealer.pk, [])
        rng.shuffle(vins)
        queue = iter(vins)
        dealer_days = []
        for d in days:
            hours = hours_of[dealer.pk].get(d.weekday())
            if hours is None or hours.technician_hours <= 0:
                continue
            target = (hours.technician_hours * Decimal(str(round(rng.uniform(*BOOKING_FILL), 2)))).quantize(
                Decimal("0.1")
            )
            shop_day = ShopDay(
                pk=next(day_ids), dealer=dealer, date=d, capacity_hours=hours.technician_hours, booked_hours=0
            )
            dealer_days.append((shop_day, target, hours))
        shop_days += [sd for sd, _, _ in dealer_days]
        i = 0
        while i < len(dealer_days):
            shop_day, target, hours = dealer_days[i]
            if shop_day.booked_hours >= target:
                i += 1
                continue
            vin = next(queue, None)
            if vin is None:
                break
            op = operation_for(vin, ranges)
            if op is None:
                continue
            start = dt.datetime.combine(shop_day.date, hours.opens_at, tz) + dt.timedelta(
                minutes=30 * rng.randrange(0, 6)
            )
            remaining, slots, j = op.flat_rate_hours, [], i
            # A long job holds hours day after day until it is done, never past a day's capacity.
            while remaining > 0 and j < len(dealer_days):
                day_row = dealer_days[j][0]
                free = day_row.capacity_hours - day_row.booked_hours
                take = min(remaining, free)
                if take > 0:
                    slots.append((day_row, take))
                    day_row.booked_hours += take
                    remaining -= take
                j += 1
            if remaining > 0:  # runs past the booking horizon: give the hours back, stop booking here
                for day_row, take in slots:
                    day_row.booked_hours -= take
                break
            plans.append((dealer, vin, op, slots, start))

    append_objects(ShopDay, shop_days)
    appointments = [
        Appointment(
            pk=next(appointment_ids),
            created_at=timezone.now(),
            dealer=dealer,
            vehicle_id=vin,
            campaign=campaign,
            start_at=start,
            hours=op.flat_rate_hours,
            transport=rng.choice(Appointment.Transport.values),
            symptomatic=rng.random() < 0.05,
            contact_preference=rng.choice(Appointment.ContactPreference.values),
        )
        for dealer, vin, op, _slots, start in plans
    ]
    append_objects(Appointment, appointments)
    sequences_reset(ShopDay, Appointment)
    append(
        AppointmentSlot,
        (
            {"appointment_id": a.pk, "day_id": day_row.pk, "hours": take}
            for a, (_d, _v, _o, slots, _s) in zip(appointments, plans, strict=True)
            for day_row, take in slots
        ),
    )
    now = timezone.now()
    append(
        AppointmentEvent,
        (
            {
                "appointment_id": a.pk,
                "from_status": "",
                "to_status": "scheduled",
                "to_start_at": a.start_at,
                "at": now,
            }
            for a in appointments
        ),
    )
    return len(appointments)
