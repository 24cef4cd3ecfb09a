"""Repair orders: the check-in of a vehicle for the remedy, its completion, parts and history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaign.models import Campaign, Vehicle
from dealers.models import Dealer
from repairs.models.appointments import Appointment


class RepairOrder(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="repair_orders")
    ro_number = models.CharField("RO number", max_length=20)
    # Null for a walk-in.
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="repair_order"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="repair_orders")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="repair_orders")
    # Copied from the campaign's remedy at check-in: what the RO was opened for.
    labor_operation = models.CharField(max_length=12)
    flat_rate_hours = models.DecimalField(max_digits=5, decimal_places=1)
    mileage_in = models.PositiveIntegerField()
    mileage_out = models.PositiveIntegerField(null=True, blank=True)
    technician = models.CharField(max_length=80, blank=True)
    labor_hours = models.DecimalField(
        "actual labor hours", max_digits=5, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "ro_number"], name="repair_order_number_once_per_dealer"
            ),
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=Q(status__in=["open", "in_progress"]),
                name="repair_order_one_open_per_vin",
            ),
            # One remedy per VIN per campaign.
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=Q(status="completed"),
                name="repair_order_one_remedy_per_vin",
            ),
            models.CheckConstraint(
                condition=Q(mileage_out__isnull=True) | Q(mileage_out__gte=F("mileage_in")),
                name="repair_order_mileage_out_not_below_in",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | Q(completed_on__isnull=False, mileage_out__isnull=False, labor_hours__isnull=False),
                name="repair_order_completed_has_completion",
            ),
        ]
        indexes = [
            # The dealer's RO lists by state.
            models.Index(fields=["dealer", "status", "-opened_at"], name="repair_order_by_dealer_status"),
        ]

    def __str__(self) -> str:
        return f"RO {self.ro_number} ({self.vehicle_id})"


class RepairOrderPart(models.Model):
    """A part used on the RO, as recorded at completion."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField(max_length=20)
    quantity = models.PositiveSmallIntegerField()
    lot = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="repair_order_part_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.part_number}"


class RepairOrderEvent(models.Model):
    """History: every state change of the RO."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, choices=RepairOrder.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RepairOrder.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
