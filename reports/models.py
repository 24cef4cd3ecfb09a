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


class EntryTally(models.Model):
    """How many of a campaign's entries stand in each status, per servicing dealer, model and
    model year: the completion dashboard's counts, read in one small GROUP BY.

    Why a summary table (``reports.tallies``): at full fleet the same counts straight from the
    138,869 entries, joined to vehicles and servicing dealers, took 224 + 134 ms on SQLite
    (bench/reports_dashboard_bench.py), more than the page's whole 200 ms budget. Kept on
    write: each outcome moves one row by −1 and another by +1 in the outcome's transaction; a
    posted list, ``seed_demo`` and a nightly job rebuild the campaign's rows from the entries.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    dealer_id = (
        models.IntegerField()
    )  # the servicing dealer; 0: none yet (not NULL: SQLite's unique allows many)
    model_label = models.CharField(max_length=40)
    model_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dealer_id", "model_label", "model_year", "status"],
                name="entry_tally_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.model_year} {self.model_label} {self.status}: {self.n}"


class DayTally(models.Model):
    """Per campaign, servicing dealer and day (server time zone): entries listed, and the net
    remedies and removals recorded that day. The burn-up and the 8-week pace read it (at full
    fleet the same from the 100,000 outcome rows took 69 + 41 + 217 ms on SQLite). Kept like
    ``EntryTally``."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    dealer_id = models.IntegerField()  # 0: no servicing dealer
    day = models.DateField()
    added = models.IntegerField(default=0)
    remedied = models.IntegerField(default=0)
    removed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "dealer_id", "day"], name="day_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.day}: +{self.added} listed, {self.remedied} remedied"


class ModelDayTally(models.Model):
    """``DayTally`` with the vehicle's model and model year: what the burn-up and the 8-week
    pace read when the dashboard is filtered by model or model year.

    A table of its own, not two more columns on ``DayTally``: at full fleet (138,869 vehicles,
    100,000 outcome rows, 230 dealers) the days split by model and year are 56,000 rows against
    ``DayTally``'s 12,000, which the unfiltered pages would then sum on every request. From
    the history rows instead, a model filter cost 0.69 s on SQLite and 0.52 s on PostgreSQL
    (bench/reports_dashboard_bench.py, "national, LS 460"). Kept like ``DayTally``, in the
    same writes.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    dealer_id = models.IntegerField()  # 0: no servicing dealer
    model_label = models.CharField(max_length=40)
    model_year = models.PositiveSmallIntegerField()
    day = models.DateField()
    added = models.IntegerField(default=0)
    remedied = models.IntegerField(default=0)
    removed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dealer_id", "model_label", "model_year", "day"],
                name="model_day_tally_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "model_label", "model_year", "day"], name="model_day_tally_by_model"
            ),
            models.Index(fields=["campaign", "model_year", "day"], name="model_day_tally_by_year"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.model_year} {self.model_label} {self.day}: {self.remedied} remedied"
