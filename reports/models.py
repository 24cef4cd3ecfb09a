"""What the reports app stores: submitted §573.7 reports (snapshots) and removal-list imports.

Everything else the dashboards and reports show is read from the other apps' rows (the list,
its outcome history, appointments, claims) at request time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Campaign


class RemedyReportSubmission(models.Model):
    """A §573.7 report as it was submitted: the figures frozen at submission, never edited.

    A late entry (an outcome recorded after the period's end, for a date inside it) does not
    rewrite a submitted period: the page, exports and API show this row's figures, not a
    fresh computation. ``figures`` holds the national figures and each region's, as
    ``reports.remedy_report.RemedyFigures.as_dict`` gives them.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="remedy_reports")
    report_number = models.PositiveSmallIntegerField(help_text="1-8 quarterly, 9-11 annual.")
    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "report_number"]
        permissions = [
            ("view_remedy_report", "Can view the quarterly remedy reports (49 CFR 573.7)"),
            ("submit_remedy_report", "Can submit a quarterly remedy report"),
            ("view_completion_dashboard", "Can view the completion dashboards"),
            ("remove_from_population", "Can take a VIN off a campaign's affected list"),
        ]
        constraints = [
            # Submitted once: a second submission of the same report is refused by the database.
            models.UniqueConstraint(
                fields=["campaign", "report_number"], name="remedy_report_submitted_once"
            ),
            models.CheckConstraint(
                condition=Q(report_number__gte=1, report_number__lte=11),
                name="remedy_report_number_in_schedule",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="remedy_report_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.code} report {self.report_number} ({self.period_end:%Y-%m-%d})"


class RemovalImport(models.Model):
    """One upload of a removal list (``vin, reason``): what it read, removed and rejected."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="removal_imports")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_removed = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # line, vin, reason (campaign.csv_rows.RejectsWriter); the list itself is not kept.
    rejects = models.FileField(upload_to="removal-imports/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign.code} removal list {self.original_name}"
