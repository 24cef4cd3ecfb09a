"""Kits moved between dealers: request → approve → ship → receive, each step a history row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaign.models import Kit
from dealers.models import Dealer


class Transfer(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        SHIPPED = "shipped", "In transit"
        RECEIVED = "received", "Received"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.SHIPPED)

    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="transfers")
    from_dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="transfers_out")
    to_dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="transfers_in")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="Carrier or packing-slip number.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(from_dealer=F("to_dealer")), name="transfer_between_two_dealers"
            ),
        ]
        indexes = [
            models.Index(fields=["from_dealer", "status"], name="transfer_by_sender"),
            models.Index(fields=["to_dealer", "status"], name="transfer_by_receiver"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.kit_id} {self.from_dealer_id} → {self.to_dealer_id}"


class TransferEvent(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=Transfer.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Transfer.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
