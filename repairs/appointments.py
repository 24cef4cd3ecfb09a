"""Appointment writes: book, reschedule, cancel, no-show. Each records an ``AppointmentEvent``.

Booking checks, in order: the VIN is valid; the campaign exists and its remedy is available
(not the preliminary phase); the VIN is on the campaign's list and the remedy is still to do
(open or unreachable); the campaign defines a remedy for the VIN's model (its flat-rate hours
are what the job books); the date is within today..today + ``BOOKING_HORIZON_DAYS`` in the
dealer's time zone and the start not in the past; the shop takes the hours
(``repairs.capacity``); a waiter's job fits in one day. The unique open appointment per VIN
and campaign is the database's (``appointment_one_open_per_vin``): a second clerk or a double
click gets a ``conflict``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from campaign.remedy import remedy_operation_for_vin
from dealers.models import Dealer
from repairs.capacity import LOCK_CHUNK_DAYS, capacity_allocate, capacity_release, shop_days_for
from repairs.models import Appointment, AppointmentEvent, AppointmentSlot
from repairs.signals import appointment_changed

Status = Appointment.Status
PRELIMINARY_REFUSAL = (
    "Parts are not yet available for this campaign (preliminary phase): no appointment can be "
    "booked yet. Add the owner to the wait-list instead."
)


def booking_horizon_days() -> int:
    return int(getattr(settings, "BOOKING_HORIZON_DAYS", 180))


def dealer_zone(dealer: Dealer) -> ZoneInfo:
    return ZoneInfo(dealer.time_zone)


def dealer_today(dealer: Dealer) -> dt.date:
    return timezone.now().astimezone(dealer_zone(dealer)).date()


def _announce(appointment: Appointment, *, action: str, user) -> None:
    """Tell the apps built on repairs (parts reserves or releases the kit), in this transaction."""
    appointment_changed.send(sender=Appointment, appointment=appointment, action=action, user=user)


def _local_start(*, dealer: Dealer, date: dt.date, time: dt.time) -> dt.datetime:
    today = dealer_today(dealer)
    horizon = booking_horizon_days()
    if date < today:
        raise DomainError("That date has passed: book from today on.", field="date")
    if date > today + dt.timedelta(days=horizon):
        raise DomainError(
            f"Bookings are taken up to {horizon} days ahead (until {today + dt.timedelta(days=horizon):%Y-%m-%d}).",
            field="date",
        )
    start = dt.datetime.combine(date, time, tzinfo=dealer_zone(dealer))
    if start < timezone.now():
        raise DomainError("That time has passed: choose a later time.", field="time")
    return start


def _check_waiter(*, transport: str, slots: list) -> None:
    if transport == Appointment.Transport.WAITER and len(slots) > 1:
        raise DomainError(
            f"The job runs over {len(slots)} days, so the owner cannot wait for it: choose drop-off or loaner.",
            field="transport",
        )


def _hold(appointment: Appointment, *, date: dt.date, time: dt.time) -> list:
    slots = capacity_allocate(dealer=appointment.dealer, date=date, time=time, hours=appointment.hours)
    _check_waiter(transport=appointment.transport, slots=slots)
    AppointmentSlot.objects.bulk_create(
        [AppointmentSlot(appointment=appointment, day=day, hours=share) for day, share in slots]
    )
    return slots


def appointment_book(
    *,
    dealer_id: int,
    vin: str,
    campaign_id: int,
    date: dt.date,
    time: dt.time,
    transport: str,
    symptomatic: bool = False,
    contact_preference: str = Appointment.ContactPreference.PHONE,
    notes: str = "",
    user,
) -> Appointment:
    """Book the remedy for ``vin`` at the dealer, ``date`` and ``time`` in the dealer's local time."""
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None
    if transport not in Appointment.Transport.values:
        raise DomainError("Transportation is waiter, drop-off or loaner.", field="transport")
    dealer = Dealer.objects.filter(pk=dealer_id).first()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if dealer is None or campaign is None:
        raise DomainError("No such dealer or campaign.", code="not_found")
    if not campaign.remedy_available:
        raise DomainError(PRELIMINARY_REFUSAL, field="campaign")
    entry = AffectedVehicle.objects.filter(campaign=campaign, vehicle_id=vin).first()
    if entry is None:
        raise DomainError(f"{vin} is not on the {campaign.code} list of affected vehicles.", field="vin")
    if entry.status not in AffectedVehicle.RECALL_OPEN_STATUSES:
        raise DomainError(
            f"{vin} needs no appointment for {campaign.code}: {entry.get_status_display().lower()}.",
            field="vin",
        )
    operation = remedy_operation_for_vin(campaign=campaign, vin=vin)
    if operation is None:
        raise DomainError(
            f"{campaign.code} defines no labor operation for this VIN's model: it cannot be booked yet.",
            field="vin",
        )
    start = _local_start(dealer=dealer, date=date, time=time)
    with transaction.atomic():
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    dealer=dealer,
                    vehicle_id=vin,
                    campaign=campaign,
                    start_at=start,
                    hours=operation.flat_rate_hours,
                    transport=transport,
                    symptomatic=symptomatic,
                    contact_preference=contact_preference,
                    notes=notes.strip(),
                    created_by=user,
                )
        except IntegrityError:
            raise DomainError(
                f"{vin} already has an open {campaign.code} appointment: reschedule that one instead.",
                field="vin",
                code="conflict",
            ) from None
        _hold(appointment, date=date, time=time)
        AppointmentEvent.objects.create(
            appointment=appointment, from_status="", to_status=Status.SCHEDULED, to_start_at=start, by=user
        )
        _announce(appointment, action="booked", user=user)
    return appointment


def _locked_open(appointment_id: int, *, dealer_ids) -> Appointment:
    """The appointment, row-locked, if it is one of ``dealer_ids``' and still scheduled."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("dealer")
        .filter(pk=appointment_id, dealer_id__in=list(dealer_ids))
        .first()
    )
    if appointment is None:
        raise DomainError("No such appointment.", code="not_found")
    if appointment.status != Status.SCHEDULED:
        raise DomainError(
            f"This appointment is {appointment.get_status_display().lower()}: it can no longer be changed.",
            code="conflict",
        )
    return appointment


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason.", field="reason")
    return reason


@transaction.atomic
def appointment_reschedule(
    *, appointment_id: int, dealer_ids, date: dt.date, time: dt.time, reason: str, user
) -> Appointment:
    """Move an appointment: its hours are released and booked again from the new start."""
    reason = _reason(reason)
    appointment = _locked_open(appointment_id, dealer_ids=dealer_ids)
    start = _local_start(dealer=appointment.dealer, date=date, time=time)
    previous = appointment.start_at
    # Releasing the old days and then booking earlier new ones would lock days out of date
    # order (a deadlock with a booking in between): lock the whole span first, in one
    # ordered query; the allocation's later chunks all come after it.
    held = list(appointment.slots.values_list("day__date", flat=True))
    shop_days_for(
        dealer_id=appointment.dealer_id,
        start=min([date, *held]),
        end=max([*held, date + dt.timedelta(days=LOCK_CHUNK_DAYS - 1)]),
        lock=True,
    )
    capacity_release(appointment_id=appointment.pk)
    _hold(appointment, date=date, time=time)
    appointment.start_at = start
    appointment.save(update_fields=["start_at"])
    AppointmentEvent.objects.create(
        appointment=appointment,
        from_status=Status.SCHEDULED,
        to_status=Status.SCHEDULED,
        from_start_at=previous,
        to_start_at=start,
        by=user,
        reason=reason,
    )
    _announce(appointment, action="rescheduled", user=user)
    return appointment


def _close(appointment: Appointment, *, to: str, reason: str, user) -> Appointment:
    capacity_release(appointment_id=appointment.pk)
    appointment.status = to
    appointment.save(update_fields=["status"])
    AppointmentEvent.objects.create(
        appointment=appointment,
        from_status=Status.SCHEDULED,
        to_status=to,
        from_start_at=appointment.start_at,
        by=user,
        reason=reason,
    )
    _announce(appointment, action="cancelled" if to == Status.CANCELLED else "no_show", user=user)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment_id: int, dealer_ids, reason: str, user) -> Appointment:
    """Cancel: the reason is recorded and the shop hours are released."""
    reason = _reason(reason)
    appointment = _locked_open(appointment_id, dealer_ids=dealer_ids)
    return _close(appointment, to=Status.CANCELLED, reason=reason, user=user)


@transaction.atomic
def appointment_no_show(*, appointment_id: int, dealer_ids, reason: str, user) -> Appointment:
    """The owner did not come: only once the start time has passed; the hours are released."""
    reason = _reason(reason)
    appointment = _locked_open(appointment_id, dealer_ids=dealer_ids)
    if timezone.now() < appointment.start_at:
        raise DomainError("A no-show can be recorded only after the appointment's start time.")
    return _close(appointment, to=Status.NO_SHOW, reason=reason, user=user)
