"""Reads for booking: whose appointments a user sees, the call list, the shop calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from dealers.access import dealers_for_user, scope_to_user, user_scope
from dealers.inventory_selectors import roles_granting
from dealers.models import Dealer, InventoryUnit, ServicingDealer
from repairs.appointments import dealer_today, dealer_zone
from repairs.capacity import DayLoad, shop_load_for
from repairs.models import Appointment, AppointmentSlot

BOOK = "repairs.add_appointment"
CHANGE = "repairs.change_appointment"
VIEW = "repairs.view_appointment"
SHOP_CHANGE = "repairs.change_shophours"
Status = Appointment.Status


def dealer_ids_with_perm(*, user, perm: str) -> frozenset[int]:
    """Dealers where the user's role grants ``perm`` (Django permissions are global, roles per dealer)."""
    scope = user_scope(user)
    return frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles_granting(perm)))


def booking_dealers_for_user(*, user) -> QuerySet[Dealer]:
    """The dealers the user books appointments for (their service manager memberships)."""
    return Dealer.objects.filter(pk__in=sorted(dealer_ids_with_perm(user=user, perm=BOOK))).order_by("code")


def appointments_for_user(*, user) -> QuerySet[Appointment]:
    return scope_to_user(Appointment.objects.all(), user).select_related("vehicle", "campaign", "dealer")


def appointment_get(*, user, pk: int) -> Appointment:
    appointment = appointments_for_user(user=user).filter(pk=pk).first()
    if appointment is None:
        raise DomainError("No such appointment.", code="not_found")
    return appointment


def appointment_history(*, appointment: Appointment) -> QuerySet:
    return appointment.events.select_related("by").order_by("at", "pk")


def appointment_slots(*, appointment: Appointment) -> QuerySet:
    return appointment.slots.select_related("day").order_by("day__date")


def bookable_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.exclude(phase=Campaign.Phase.PRELIMINARY).order_by("code")


def calendar_dealer_for_user(*, user, code: str | None) -> Dealer:
    """The dealer whose shop the calendar shows: ``code`` if in scope, else the user's first."""
    dealers = dealers_for_user(user).order_by("code")
    dealer = dealers.filter(code=code).first() if code else dealers.first()
    if dealer is None:
        raise DomainError("No such dealer.", code="not_found")
    return dealer


# --- the call list ------------------------------------------------------------------------


def call_list_for_dealer(*, dealer_id: int) -> QuerySet[AffectedVehicle]:
    return call_list_for_dealers(dealer_ids=[dealer_id])


def call_list_for_dealers(*, dealer_ids) -> QuerySet[AffectedVehicle]:
    """The dealer's serviced vehicles still open on a campaign whose remedy is available and
    with no open appointment for it, ranked by risk: symptomatic first (a cancelled or
    missed appointment said so), then stop-sale (held in stock at any dealer), then the
    oldest on the list. One query (plus the paginator's count); no per-row queries."""
    open_appointment = Appointment.objects.filter(
        vehicle_id=OuterRef("vehicle_id"), campaign_id=OuterRef("campaign_id"), status=Status.SCHEDULED
    )
    symptomatic = Appointment.objects.filter(
        vehicle_id=OuterRef("vehicle_id"),
        campaign_id=OuterRef("campaign_id"),
        symptomatic=True,
        status__in=(Status.CANCELLED, Status.NO_SHOW),
    )
    held = InventoryUnit.objects.filter(
        vin=OuterRef("vehicle_id"), status=InventoryUnit.Status.IN_STOCK, stop_sale=True
    )
    return (
        # "IN (the dealer's serviced VINs)" rather than a join through the vehicle: PostgreSQL
        # then skips the vehicle table for the count (measured at full fleet: 17 ms, not 32).
        AffectedVehicle.objects.filter(
            vehicle_id__in=ServicingDealer.objects.filter(dealer_id__in=sorted(dealer_ids)).values(
                "vehicle_id"
            ),
            status=AffectedVehicle.Status.OPEN,
        )
        .exclude(campaign__phase=Campaign.Phase.PRELIMINARY)
        .annotate(is_symptomatic=Exists(symptomatic), stop_sale=Exists(held))
        .filter(~Exists(open_appointment))
        .select_related("vehicle", "campaign")
        # Only columns the open entries' index holds (campaign's affected_open_by_vehicle), so
        # PostgreSQL reads the entries from the index alone.
        .only(
            "id",
            "added_at",
            "vehicle__vin",
            "vehicle__model_label",
            "vehicle__model_year",
            "campaign__code",
            "campaign__phase",
        )
        .order_by("-is_symptomatic", "-stop_sale", "added_at", "vehicle_id")
    )


def call_list_count(*, dealer_ids) -> int:
    return call_list_for_dealers(dealer_ids=dealer_ids).order_by().count()


# --- the calendar -------------------------------------------------------------------------


@dataclass
class CalendarDay:
    load: DayLoad
    slots: list[AppointmentSlot] = field(default_factory=list)


@dataclass
class Calendar:
    dealer: Dealer
    view: str
    start: dt.date
    end: dt.date
    today: dt.date
    days: list[CalendarDay]

    @property
    def previous(self) -> dt.date:
        return self.start - dt.timedelta(days=1 if self.view == "day" else 7)

    @property
    def next(self) -> dt.date:
        return self.start + dt.timedelta(days=1 if self.view == "day" else 7)


def shop_calendar(*, dealer: Dealer, date: dt.date | None, view: str) -> Calendar:
    """A day, or the Monday-to-Sunday week holding ``date``: load per day and the appointments
    holding hours on each day (a long job appears on each day it carries over to).

    Four queries whatever the size: weekly hours, closures, shop days, slots with their
    appointments and vehicles."""
    today = dealer_today(dealer)
    date = date or today
    if view == "week":
        start = date - dt.timedelta(days=date.weekday())
        end = start + dt.timedelta(days=6)
    else:
        view, start, end = "day", date, date
    days = {
        load.date: CalendarDay(load=load) for load in shop_load_for(dealer_id=dealer.pk, start=start, end=end)
    }
    slots = (
        AppointmentSlot.objects.filter(day__dealer=dealer, day__date__range=(start, end))
        .select_related("day", "appointment__vehicle", "appointment__campaign")
        .order_by("day__date", "appointment__start_at", "appointment_id")
    )
    zone = dealer_zone(dealer)
    for slot in slots:
        slot.local_start = slot.appointment.start_at.astimezone(zone)
        days[slot.day.date].slots.append(slot)
    return Calendar(dealer=dealer, view=view, start=start, end=end, today=today, days=list(days.values()))


def day_appointments(*, dealers: list[Dealer], date_from: dt.date, date_to: dt.date) -> list[Appointment]:
    """Scheduled appointments starting on [date_from, date_to], each in its dealer's local dates.
    One query, whatever the number of dealers."""
    condition = Q(pk__in=[])
    zones = {}
    for dealer in dealers:
        zone = zones[dealer.pk] = dealer_zone(dealer)
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        condition |= Q(dealer_id=dealer.pk, start_at__gte=start, start_at__lt=end)
    appointments = list(
        Appointment.objects.filter(condition, status=Status.SCHEDULED)
        .select_related("vehicle")
        .order_by("start_at")
    )
    for appointment in appointments:
        appointment.local_start = appointment.start_at.astimezone(zones[appointment.dealer_id])
    return appointments


@dataclass(frozen=True)
class HomeBooking:
    today: list[Appointment]
    tomorrow: list[Appointment]
    call_list: int


def home_booking_summary(*, user) -> HomeBooking | None:
    """The service manager's home panel: today's and tomorrow's appointments, the call list's size.

    Three queries: the dealers (for their time zones), the appointments, the call list's count."""
    dealer_ids = dealer_ids_with_perm(user=user, perm=BOOK)
    if not dealer_ids:
        return None
    dealers = list(Dealer.objects.filter(pk__in=sorted(dealer_ids)).order_by("code"))
    today = dealer_today(dealers[0])
    tomorrow = today + dt.timedelta(days=1)
    upcoming = day_appointments(dealers=dealers, date_from=today, date_to=tomorrow)
    return HomeBooking(
        today=[a for a in upcoming if a.local_start.date() == today],
        tomorrow=[a for a in upcoming if a.local_start.date() == tomorrow],
        call_list=call_list_count(dealer_ids=dealer_ids),
    )
