"""A dealer's stock of a kit: a running balance and the ledger of movements behind it.

The balance is the sum of its movements (a property test holds this), kept as one row per
dealer and kit so a reservation locks one row: two clerks after the last kit serialise on it,
and the database's checks refuse an available count below zero whatever the code does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaign.models import Kit
from dealers.models import Dealer


class StockBalance(models.Model):
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="stock_balances")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="balances")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    # Kits on their way: open inbound shipments not yet received, and transfers shipped to us.
    inbound = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dealer", "kit"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "kit"], name="stock_balance_once"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(inbound__gte=0), name="stock_inbound_not_negative"),
            # available = on hand - reserved, never below zero (and so on hand never below zero).
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved")), name="stock_available_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["kit", "dealer"], name="stock_balance_by_kit")]

    def __str__(self) -> str:
        return f"{self.kit_id} at {self.dealer_id}: {self.on_hand} on hand, {self.reserved} reserved"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One change to a balance, attributed: who, when, why, and what it refers to."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        RESERVATION = "reservation", "Reservation"
        RELEASE = "release", "Release"
        CONSUMPTION = "consumption", "Consumption"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        TRANSFER_IN = "transfer_in", "Transfer in"
        ADJUSTMENT = "adjustment", "Adjustment"
        # Inbound only: a shipment announced (allocation) or withdrawn, a transfer shipped to us.
        INBOUND = "inbound", "Inbound"

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="stock_movements")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    inbound_delta = models.IntegerField(default=0)
    # The balance after this movement, so the ledger reads as a statement.
    on_hand_after = models.IntegerField()
    reserved_after = models.IntegerField()
    inbound_after = models.IntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="Packing slip, RO or other reference.")
    appointment = models.ForeignKey(
        "repairs.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="stock_movements"
    )
    repair_order = models.ForeignKey(
        "repairs.RepairOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="stock_movements"
    )
    reservation = models.ForeignKey(
        "parts.KitReservation", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    shipment = models.ForeignKey(
        "parts.InboundShipment", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    transfer = models.ForeignKey(
        "parts.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["dealer", "kit", "-at"], name="stock_movement_statement"),
            # Consumption per week and the 14-day completion rate (dashboard).
            models.Index(fields=["kind", "at"], name="stock_movement_by_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0, reserved_delta=0, inbound_delta=0), name="stock_movement_moves"
            ),
            # A packing slip (or count sheet) counts once per dealer and kit: a double click or a
            # dealer system's retry of the same receipt is answered as a replay by
            # ``parts.stock.stock_receive``, and this holds if two arrive at once on two workers.
            models.UniqueConstraint(
                fields=["dealer", "kit", "kind", "reference"],
                condition=Q(kind__in=["receipt", "adjustment"]) & ~Q(reference=""),
                name="stock_movement_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.reserved_delta:+d}/{self.inbound_delta:+d}"
