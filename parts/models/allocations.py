"""Allocation of a shipment of scarce kits across dealers: a policy, a preview, a confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaign.models import Kit
from dealers.models import Dealer, Region


class Allocation(models.Model):
    class Policy(models.TextChoices):
        WAITING_DEMAND = "waiting_demand", "By waiting demand (wait-list and waiting appointments)"
        OPEN_VEHICLES = "open_vehicles", "By open affected vehicles assigned"
        STOP_SALE_FIRST = "stop_sale_first", "Stop-sale units first"
        MIX = "mix", "A mix of the three"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed"
        # A draft nobody will confirm (wrong kit, the shipment fell through): kept, with why.
        DISCARDED = "discarded", "Discarded"

    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField(help_text="The kits in the shipment to allocate.")
    policy = models.CharField(max_length=16, choices=Policy.choices)
    # Null: a national allocation (campaign administrator); else within one region.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="allocation_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.kit_id} ({self.get_policy_display()})"


class AllocationLine(models.Model):
    """One dealer's share: what the policy proposed, on what figures, and what was confirmed."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="lines")
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="+")
    demand = models.PositiveIntegerField(default=0)
    on_hand = models.IntegerField(default=0)
    # The rest of the stock the preview showed: what the dealer could still give out, what is on its way.
    available = models.IntegerField(default=0)
    inbound = models.IntegerField(default=0)
    days_of_supply = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    proposed = models.PositiveIntegerField(default=0)
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["allocation", "-quantity", "dealer"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "dealer"], name="allocation_line_once_per_dealer"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} to {self.dealer_id}"


class AllocationEvent(models.Model):
    """A step of an allocation: drafted, confirmed, discarded; who, when, why."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=Allocation.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Allocation.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A default, not auto_now_add: the migration back-dates the steps of earlier allocations.
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
