"""The dealer network, the people in it, and what dealers hold in inventory."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Vehicle


class Region(models.Model):
    """A manufacturer's sales area; regional staff see the dealers in theirs."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dealer(models.Model):
    code = models.CharField("dealer code", max_length=5, unique=True)
    name = models.CharField(max_length=120)
    address1 = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=20, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="dealers")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # Appointments are booked and shown in the dealer's own time (dealers span the US zones).
    time_zone = models.CharField(max_length=40, default="America/Los_Angeles")
    # What the manufacturer pays this dealer on warranty claims.
    warranty_labor_rate = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("0"), help_text="Per flat-rate hour, USD."
    )
    parts_allowance_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), help_text="Handling on parts at dealer net."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{5}$"), name="dealer_code_five_digits"),
            models.CheckConstraint(
                condition=Q(warranty_labor_rate__gte=0, parts_allowance_percent__gte=0),
                name="dealer_claim_rates_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A user's role at one dealer, in one region, or nationally. A user may hold several."""

    class Role(models.TextChoices):
        DEALER_PRINCIPAL = "dealer_principal", "Dealer principal"
        SERVICE_MANAGER = "service_manager", "Service manager"
        PARTS_MANAGER = "parts_manager", "Parts manager"
        PREOWNED_MANAGER = "preowned_manager", "Pre-owned manager"
        REGIONAL_STAFF = "regional_staff", "Regional staff"
        CAMPAIGN_ADMIN = "campaign_admin", "Campaign administrator"
        WARRANTY_ADMIN = "warranty_admin", "Warranty administrator"

    NATIONAL_ROLES = (Role.CAMPAIGN_ADMIN, Role.WARRANTY_ADMIN)
    DEALER_ROLES = (
        Role.DEALER_PRINCIPAL,
        Role.SERVICE_MANAGER,
        Role.PARTS_MANAGER,
        Role.PREOWNED_MANAGER,
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    dealer = models.ForeignKey(
        Dealer, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Each role is bound to exactly the scope it works in.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[
                            "dealer_principal",
                            "service_manager",
                            "parts_manager",
                            "preowned_manager",
                        ],
                        dealer__isnull=False,
                        region__isnull=True,
                    )
                    | Q(role="regional_staff", dealer__isnull=True, region__isnull=False)
                    | Q(
                        role__in=["campaign_admin", "warranty_admin"],
                        dealer__isnull=True,
                        region__isnull=True,
                    )
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "dealer"],
                condition=Q(dealer__isnull=False),
                name="membership_dealer_role_once",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_region_role_once",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="campaign_admin"), name="membership_admin_once"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="warranty_admin"), name="membership_warranty_admin_once"
            ),
        ]

    def __str__(self) -> str:
        scope = self.dealer or self.region or "national"
        return f"{self.user} – {self.get_role_display()} ({scope})"


class ServicingDealer(models.Model):
    """The dealer responsible for an affected vehicle's outreach (nearest to the owner)."""

    vehicle = models.OneToOneField(
        Vehicle, primary_key=True, on_delete=models.CASCADE, related_name="servicing"
    )
    # Indexed by the (dealer, vehicle) index below, which leads with it.
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="serviced_vehicles", db_index=False
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # A dealer's serviced VINs from the index alone (no heap visit per vehicle): the call
            # list, its count and the dealer's counts (repairs.booking_selectors.call_list_for_dealers).
            models.Index(fields=["dealer", "vehicle"], name="servicing_by_dealer"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} → {self.dealer.code}"


class OwnerDataAccess(models.Model):
    """Every view of an owner's name and contact details: who, when, which vehicle, from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # PROTECT: an audit row outlives its vehicle; deleting a vehicle someone viewed is refused.
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)
    context = models.CharField(max_length=60, help_text="The page or export that showed the data.")

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name_plural = "owner data accesses"
        indexes = [models.Index(fields=["vehicle", "-viewed_at"], name="owner_access_by_vehicle")]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.vehicle_id} ({self.context})"


class InventoryUnit(models.Model):
    """A pre-owned vehicle a dealer holds for sale."""

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        DELIVERED = "delivered", "Delivered"
        REMOVED = "removed", "Removed"

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="inventory")
    vin = models.CharField("VIN", max_length=17)
    stock_number = models.CharField(max_length=20)
    received_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_STOCK)
    # Derived from the open campaigns on the VIN, refreshed by inventory_recheck after every list
    # import; stored so held-unit lists and counts are one indexed query.
    stop_sale = models.BooleanField(default=False)
    stop_sale_since = models.DateTimeField(null=True, blank=True)
    stop_sale_campaigns = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "stock_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="inventory_vin_shape"
            ),
            models.UniqueConstraint(
                fields=["dealer", "vin"],
                condition=Q(status="in_stock"),
                name="inventory_vin_once_in_stock",
            ),
            models.UniqueConstraint(
                fields=["dealer", "stock_number"],
                condition=Q(status="in_stock"),
                name="inventory_stock_number_once_in_stock",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered", stop_sale=True),
                name="inventory_no_delivery_under_stop_sale",
            ),
        ]
        indexes = [
            # Held-unit lists and per-dealer counts.
            models.Index(fields=["dealer", "stop_sale", "status"], name="inventory_held_by_dealer"),
            # The re-check after a list import finds units by VIN.
            models.Index(fields=["vin"], name="inventory_by_vin"),
        ]

    def __str__(self) -> str:
        return f"{self.stock_number} {self.vin}"


class InventoryEvent(models.Model):
    """What happened to an inventory unit, including refused deliveries."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added to inventory"
        FLAGGED = "flagged", "Stop sale: affected by an open recall"
        CLEARED = "cleared", "Stop sale lifted"
        DELIVERY_REFUSED = "delivery_refused", "Delivery refused (stop sale)"
        DELIVERED = "delivered", "Delivered"
        REMOVED = "removed", "Removed"

    # PROTECT: the stop-sale trail (incl. refused deliveries) outlives any attempt to delete the unit.
    unit = models.ForeignKey(InventoryUnit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.unit_id})"


class DealerNotice(models.Model):
    """Something the dealer's staff must see on their home page until someone dismisses it."""

    class Kind(models.TextChoices):
        STOP_SALE = "stop_sale", "New stop-sale units"
        CAMPAIGN = "campaign", "Campaign update"

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Home pages: the dealer's notices not yet dismissed.
            models.Index(fields=["dealer", "dismissed_at"], name="notice_open_by_dealer"),
        ]

    def __str__(self) -> str:
        return self.message
