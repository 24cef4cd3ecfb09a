"""Appointments for the remedy, the days they hold in the shop, and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Campaign, Vehicle
from dealers.models import Dealer
from repairs.models.capacity import ShopDay


class Appointment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CHECKED_IN = "checked_in", "Checked in"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    class Transport(models.TextChoices):
        WAITER = "waiter", "Waiter"
        DROP_OFF = "drop_off", "Drop-off"
        LOANER = "loaner", "Loaner"

    class ContactPreference(models.TextChoices):
        PHONE = "phone", "Phone call"
        SMS = "sms", "Text message"
        EMAIL = "email", "E-mail"
        MAIL = "mail", "Letter"

    class Parts(models.TextChoices):
        # The seam for the parts issue: a kit reserved for this appointment, or waiting for one.
        NOT_TRACKED = "not_tracked", "Not tracked"
        RESERVED = "reserved", "Kit reserved"
        WAITING = "waiting", "Waiting for parts"
        # The kit went back to the line: cancelled, no-show, or the VIN needs none any more.
        RELEASED = "released", "Kit released"

    OPEN_STATUSES = (Status.SCHEDULED,)

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="appointments")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="appointments")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="appointments")
    start_at = models.DateTimeField(help_text="Stored in UTC; shown in the dealer's time zone.")
    hours = models.DecimalField(max_digits=5, decimal_places=1, help_text="Flat-rate hours booked.")
    transport = models.CharField(max_length=10, choices=Transport.choices)
    symptomatic = models.BooleanField(
        default=False, help_text="The owner reports noise, vibration or power loss: these go first."
    )
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    notes = models.TextField(blank=True)
    parts_status = models.CharField(max_length=12, choices=Parts.choices, default=Parts.NOT_TRACKED)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_at", "pk"]
        constraints = [
            # One open appointment per VIN per campaign: a double click or a second clerk
            # gets an IntegrityError, which the booking service turns into a 409.
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=Q(status="scheduled"),
                name="appointment_one_open_per_vin",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="appointment_hours_positive"),
        ]
        indexes = [
            # The dealer's calendar and its day list.
            models.Index(fields=["dealer", "start_at"], name="appointment_by_dealer_start"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} at {self.dealer_id} {self.start_at:%Y-%m-%d %H:%M}"


class AppointmentSlot(models.Model):
    """The hours an appointment holds on one shop day; a long job carries over several days."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="slots")
    day = models.ForeignKey(ShopDay, on_delete=models.PROTECT, related_name="slots")
    hours = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["day__date"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "day"], name="appointment_slot_once_per_day"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="appointment_slot_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on day {self.day_id}"


class AppointmentEvent(models.Model):
    """History: every booking, reschedule, cancellation, no-show and check-in."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, choices=Appointment.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Appointment.Status.choices)
    from_start_at = models.DateTimeField(null=True, blank=True)
    to_start_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
