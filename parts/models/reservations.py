"""A vehicle's claim on a kit at a dealer: waiting in line, reserved, consumed or released.

One row serves both the wait-list (no appointment yet) and an appointment's kit, so a vehicle
that waited, got its kit and then booked keeps its place and its kit. The queue is the
``waiting`` rows in priority order: symptomatic first, then stop-sale units, then first come.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Campaign, Kit, Vehicle
from dealers.models import Dealer


class KitReservation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for parts"
        RESERVED = "reserved", "Kit reserved"
        CONSUMED = "consumed", "Used in the repair"
        RELEASED = "released", "Released"

    LIVE_STATUSES = (Status.WAITING, Status.RESERVED)

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="kit_reservations")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="reservations")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="kit_reservations")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="kit_reservations")
    # Null while on the wait-list without an appointment.
    appointment = models.OneToOneField(
        "repairs.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="kit_reservation"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # Priority, highest first: the owner reports the warning signs; the unit is held from sale.
    symptomatic = models.BooleanField(default=False)
    stop_sale = models.BooleanField(default=False)
    queued_at = models.DateTimeField(help_text="When the vehicle joined the line: first come, first served.")
    reserved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    contact_preference = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-symptomatic", "-stop_sale", "queued_at", "pk"]
        constraints = [
            # One live claim on a kit per VIN and campaign: a double click joins the line once.
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=Q(status__in=["waiting", "reserved"]),
                name="kit_reservation_one_live_per_vin",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="kit_reservation_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="reserved") | Q(reserved_at__isnull=False),
                name="kit_reservation_reserved_has_time",
            ),
        ]
        indexes = [
            # The queue: a dealer's waiting rows for a kit in priority order.
            models.Index(
                "dealer",
                "kit",
                "status",
                models.F("symptomatic").desc(),
                models.F("stop_sale").desc(),
                "queued_at",
                name="kit_reservation_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.get_status_display()} ({self.kit_id} at {self.dealer_id})"


class KitReservationEvent(models.Model):
    """History: joined, reserved (a kit came in), released (cancel, no-show, withdrawn), consumed."""

    reservation = models.ForeignKey(KitReservation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=KitReservation.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=KitReservation.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class PartsArrivedNotice(models.Model):
    """A kit came in for an owner who was waiting: the owner is told (the notifications issue
    sends it and sets ``sent_at``) and the service manager sees whom to call."""

    reservation = models.ForeignKey(KitReservation, on_delete=models.PROTECT, related_name="arrived_notices")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True, help_text="When the service department called.")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sent_at"], name="parts_arrived_unsent")]

    def __str__(self) -> str:
        return f"Parts arrived for reservation {self.reservation_id}"
