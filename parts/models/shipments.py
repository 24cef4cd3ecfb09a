"""Kits on their way to a dealer: from an allocation, or announced by the manufacturer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaign.models import Kit
from dealers.models import Dealer


class InboundShipment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "On its way"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="inbound_shipments")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="inbound_shipments")
    quantity = models.PositiveIntegerField()
    received_quantity = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    allocation = models.ForeignKey(
        "parts.Allocation", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    reference = models.CharField(max_length=60, blank=True, help_text="Shipment or packing-slip number.")
    expected_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expected_on", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inbound_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=F("quantity")), name="inbound_not_over_received"
            ),
        ]
        indexes = [models.Index(fields=["dealer", "status"], name="inbound_by_dealer_status")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.kit_id} to {self.dealer_id} ({self.get_status_display()})"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received_quantity
