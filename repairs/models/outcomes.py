"""Where a VIN stands for a campaign, as a history: every change of its posted-list status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaign.models import AffectedVehicle
from dealers.models import Dealer
from repairs.models.repair_orders import RepairOrder

Status = AffectedVehicle.Status


class OutcomeChange(models.Model):
    """One change of an ``AffectedVehicle``'s status: who, when, from, to, why.

    Written by the outcome services only (completion, remedied elsewhere, inspected and not
    needed, unreachable, the undo of any of them, and the removal from the population). The quarterly remedy report reads these
    rows to say where each VIN stood on a given day.
    """

    class Kind(models.TextChoices):
        REMEDIED = "remedied", "Remedied here (RO completed)"
        REMEDIED_ELSEWHERE = "remedied_elsewhere", "Remedied elsewhere"
        NOT_NEEDED = "not_needed", "Inspected, remedy not needed"
        UNREACHABLE = "unreachable", "Unreachable"
        UNDONE = "undone", "Outcome undone"
        # The campaign administrator took the VIN off the campaign's list (reports.population).
        REMOVED = "removed", "Removed from the campaign"

    class UnreachableReason(models.TextChoices):
        # §573.7's categories.
        EXPORTED = "exported", "Exported"
        STOLEN = "stolen", "Stolen"
        SCRAPPED = "scrapped", "Scrapped"
        OWNER_NOT_LOCATED = "owner_not_located", "Owner not located"
        OTHER = "other", "Other"

    entry = models.ForeignKey(AffectedVehicle, on_delete=models.PROTECT, related_name="outcome_changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    unreachable_reason = models.CharField(max_length=20, choices=UnreachableReason.choices, blank=True)
    repair_order = models.ForeignKey(
        RepairOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="outcome_changes"
    )
    # Remedied elsewhere: the other dealer and its RO, as the user reports them.
    other_dealer = models.ForeignKey(
        Dealer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_ro_number = models.CharField(max_length=20, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        permissions = [
            (
                "record_outcome",
                "Can record a remedy done elsewhere or an inspection that found it not needed",
            ),
            ("set_unreachable", "Can mark a vehicle unreachable"),
            ("undo_outcome", "Can undo a recorded outcome"),
        ]
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="unreachable") | ~models.Q(unreachable_reason=""),
                name="outcome_unreachable_has_reason",
            ),
        ]
        indexes = [
            # The remedy report: changes up to a day, per campaign entry.
            models.Index(fields=["entry", "at"], name="outcome_change_by_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_status} → {self.to_status}"
