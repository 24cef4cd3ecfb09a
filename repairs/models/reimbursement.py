"""Owner reimbursement requests (49 CFR 573.13): owners who paid for the remedy themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Campaign, Vehicle


class ReimbursementRequest(models.Model):
    """What an owner sent through the public form, and the warranty administrator's decision.

    The owner's name, contact details and receipt are personal data: shown only on the
    review pages, each view and receipt download logged like owner data.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        MORE_INFO = "more_info", "More information requested"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    # A VIN has at most one of these per campaign: a new request is taken only after a denial.
    OPEN_STATUSES = (Status.SUBMITTED, Status.MORE_INFO, Status.APPROVED)
    # What the warranty administrator may still decide.
    UNDECIDED_STATUSES = (Status.SUBMITTED, Status.MORE_INFO)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reimbursements")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="reimbursements")
    owner_name = models.CharField(max_length=120)
    address1 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    repair_date = models.DateField()
    facility = models.CharField("who did the repair", max_length=160)
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2)
    receipt = models.FileField(upload_to="reimbursement-receipts/%Y/%m/")
    receipt_content_type = models.CharField(max_length=40)
    owner_paid_statement = models.BooleanField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approved_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="Written to the owner: what is missing, or why.")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        permissions = [
            ("review_reimbursementrequest", "Can decide owner reimbursement requests"),
        ]
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(owner_paid_statement=True), name="reimbursement_owner_paid"),
            models.CheckConstraint(condition=Q(amount_paid__gt=0), name="reimbursement_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_amount__gt=0),
                name="reimbursement_approved_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["denied", "more_info"]) | ~Q(decision_reason=""),
                name="reimbursement_denial_has_reason",
            ),
            # Two clicks, or two tabs, never file two requests for one repair; a denied owner
            # may ask again (a new request), an approved or pending one may not.
            models.UniqueConstraint(
                fields=["vehicle", "campaign"],
                condition=Q(status__in=["submitted", "more_info", "approved"]),
                name="reimbursement_one_open_per_vin",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="reimbursement_by_status")]

    def __str__(self) -> str:
        return f"Reimbursement {self.reference} ({self.vehicle_id})"

    @property
    def reference(self) -> str:
        """The number the owner quotes: shown on the confirmation page and in every letter."""
        return f"R-{self.pk:06d}" if self.pk else "R-new"


class ReimbursementEvent(models.Model):
    """History: submission and every decision (the notifications issue e-mails them)."""

    request = models.ForeignKey(ReimbursementRequest, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReimbursementRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReimbursementRequest.Status.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
