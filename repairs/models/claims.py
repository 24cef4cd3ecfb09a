"""Warranty claims for completed remedies, their adjudication, and the weekly payment run."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value

from campaign.models import Campaign, Vehicle
from dealers.models import Dealer
from repairs.models.repair_orders import RepairOrder

HALF_CENT = Value(Decimal("0.005"))


class ClaimPayment(models.Model):
    """One dealer's credit in one payment run, listing the claims it pays."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="claim_payments")
    run_on = models.DateField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_on", "dealer"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "run_on"], name="claim_payment_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} credit {self.run_on:%Y-%m-%d}: {self.total}"


class WarrantyClaim(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", "Held for review"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for correction"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"

    class RejectionCode(models.TextChoices):
        # One code per check on submit, plus the reviewer's own.
        NOT_AFFECTED = "not_affected", "VIN not affected by the campaign"
        RO_NOT_AT_DEALER = "ro_not_at_dealer", "RO not completed at this dealer"
        LABOR_OPERATION = "labor_operation", "Labor operation does not match the vehicle's model"
        PARTS_MISMATCH = "parts_mismatch", "Parts do not match the kit"
        OUTSIDE_WINDOW = "outside_window", "Submitted outside the claim window"
        DUPLICATE = "duplicate", "The VIN already has a claim for the campaign"
        DOCUMENTATION = "documentation", "Condition, cause or correction missing or wrong"
        OTHER = "other", "Other (see note)"

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="claims")
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="claims")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="claims")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="claims")
    # The vehicle's model and model year as claimed (copied from the vehicle at submission; a
    # VIN's model does not change): the completion dashboard's model filter reads the claims
    # by these columns from one index (claim_totals_by_model). Through the vehicle instead,
    # a semi-join over the model's VINs, the claims of the largest model took 55-120 ms on
    # SQLite and 80-100 ms on PostgreSQL at full scale (bench/reports_dashboard_bench.py).
    model_label = models.CharField(max_length=40, blank=True, editable=False)
    model_year = models.PositiveSmallIntegerField(editable=False)
    labor_operation = models.CharField(max_length=12)
    labor_hours = models.DecimalField("flat-rate hours", max_digits=5, decimal_places=1)
    labor_rate = models.DecimalField(max_digits=7, decimal_places=2)
    labor_amount = models.DecimalField(max_digits=10, decimal_places=2)
    parts_amount = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Dealer net × quantity, plus the parts allowance."
    )
    sublet_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    condition = models.TextField()
    cause = models.TextField()
    correction = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    rejection_code = models.CharField(max_length=20, choices=RejectionCode.choices, blank=True)
    note = models.TextField(blank=True, help_text="The reviewer's words to the dealer.")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey(
        ClaimPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )

    class Meta:
        permissions = [
            ("review_warrantyclaim", "Can approve, reject or return warranty claims"),
        ]
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One live claim per VIN per campaign (a rejected one may be followed by another)…
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=~Q(status="rejected"),
                name="claim_one_live_per_vin",
            ),
            # …and so one paid claim per VIN per campaign.
            models.UniqueConstraint(
                fields=["vehicle", "campaign"], condition=Q(status="paid"), name="claim_one_paid_per_vin"
            ),
            # Within half a cent, not equal: SQLite (the demo) sums these as floating point,
            # where 0.1 + 0.2 != 0.3. Amounts are whole cents, so any real error is caught.
            models.CheckConstraint(
                condition=Q(
                    total__gte=F("labor_amount") + F("parts_amount") + F("sublet_amount") - HALF_CENT,
                    total__lte=F("labor_amount") + F("parts_amount") + F("sublet_amount") + HALF_CENT,
                ),
                name="claim_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(labor_amount__gte=0, parts_amount__gte=0, sublet_amount__gte=0),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_code=""), name="claim_rejection_has_code"
            ),
            models.CheckConstraint(
                condition=Q(status="paid", payment__isnull=False)
                | (~Q(status="paid") & Q(payment__isnull=True)),
                name="claim_paid_iff_in_payment",
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "status", "-submitted_at"], name="claim_by_dealer_status"),
            # The completion dashboard's claims by status with their amounts (reports), read from
            # the index alone: at 92,000 claims the same sum through the table took 160-195 ms
            # on SQLite (bench/reports_dashboard_bench.py).
            models.Index(fields=["campaign", "status", "dealer", "total"], name="claim_totals_by_status"),
            # The same under the dashboard's model or model-year filter. Status right after the
            # filtered columns: SQLite's planner otherwise preferred claim_totals_by_status for its
            # GROUP BY order and read every claim's row (136-350 ms at full scale, against 3-4 ms).
            models.Index(
                fields=["campaign", "model_label", "status", "model_year", "dealer", "total"],
                name="claim_totals_by_model",
            ),
            models.Index(
                fields=["campaign", "model_year", "status", "dealer", "total"], name="claim_totals_by_year"
            ),
            # The review queue and the payment run.
            models.Index(fields=["status", "submitted_at"], name="claim_by_status"),
            # The lists' "All" tabs, newest first: a dealer's, and the national one.
            models.Index(fields=["dealer", "-submitted_at"], name="claim_by_dealer_newest"),
            models.Index(fields=["-submitted_at"], name="claim_newest"),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} ({self.vehicle_id})"


class ClaimPart(models.Model):
    """A parts line of the claim: the kit's part at dealer net."""

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField(max_length=20)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField("dealer net", max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="claim_part_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.part_number}"


class ClaimEvent(models.Model):
    """History: submission, review decisions, resubmission, payment."""

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=WarrantyClaim.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=WarrantyClaim.Status.choices)
    code = models.CharField(max_length=20, choices=WarrantyClaim.RejectionCode.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
