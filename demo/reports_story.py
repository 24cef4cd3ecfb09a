"""The demo's §573.7 story: the list posted before the remedy began, owners out of reach (with
§573.7's reasons), VINs found not affected and taken off the list, and the first quarterly
report submitted, so the remedy reports and the dashboards have a history to show.

History rows go straight into the tables (like ``demo.activity``), dated in the past; the
submission goes through ``reports.remedy_report.remedy_report_submit`` as the administrator's
would, then is dated to when it was due.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign
from demo.activity_rows import append
from demo.campaign_progress import LOADED_DAYS_AGO
from parts.models import KitReservation
from repairs.models import Appointment, OutcomeChange, RepairOrder
from reports.models import RemedyReportSubmission
from reports.remedy_periods import remedy_started_on, report_schedule
from reports.remedy_report import remedy_report_submit

Reason = OutcomeChange.UnreachableReason
UNREACHABLE_SHARE = 0.006  # of the open entries: owners out of reach, by §573.7's reasons
REASON_WEIGHTS = (
    (Reason.OWNER_NOT_LOCATED, 55),
    (Reason.EXPORTED, 18),
    (Reason.SCRAPPED, 17),
    (Reason.STOLEN, 6),
    (Reason.OTHER, 4),
)
REMOVED = 24
REMOVAL_REASONS = (
    "Found not affected: engine replaced with a post-August-2008 unit before the recall.",
    "Found not affected: VIN keyed in error on the posted list.",
    "Found not affected: production records show the thicker-wire springs.",
)


def reports_story_seed(*, campaign: Campaign, seed: int, stdout: TextIO) -> bool:
    if OutcomeChange.objects.filter(entry__campaign=campaign, kind=OutcomeChange.Kind.REMOVED).exists():
        stdout.write("Remedy reports: history already there, left as it is.\n")
        return False
    rng = random.Random(seed + 10)
    now = timezone.now()
    posted = now - dt.timedelta(days=LOADED_DAYS_AGO - 1)
    busy = set(Appointment.objects.filter(campaign=campaign).values_list("vehicle_id", flat=True))
    busy |= set(RepairOrder.objects.filter(campaign=campaign).values_list("vehicle_id", flat=True))
    busy |= set(KitReservation.objects.filter(campaign=campaign).values_list("vehicle_id", flat=True))
    with transaction.atomic():
        # The list was posted the day after the DIR, before the remedy began (demo.campaign_progress).
        AffectedVehicle.objects.filter(campaign=campaign, added_at__gt=posted).update(added_at=posted)
        Campaign.objects.filter(pk=campaign.pk, affected_list_posted_at__gt=posted).update(
            affected_list_posted_at=posted
        )
        free = [
            (pk, vin)
            for pk, vin in AffectedVehicle.objects.filter(
                campaign=campaign, status=AffectedVehicle.Status.OPEN
            )
            .order_by("pk")
            .values_list("pk", "vehicle_id")
            if vin not in busy
        ]
        rng.shuffle(free)
        unreachable = free[: int(len(free) * UNREACHABLE_SHARE)]
        removed = free[len(unreachable) : len(unreachable) + REMOVED]
        reasons, weights = zip(*REASON_WEIGHTS, strict=True)
        changes, moved = [], {}
        for pk, _vin in unreachable:
            at = posted + dt.timedelta(days=rng.uniform(1, LOADED_DAYS_AGO - 3))
            reason = rng.choices(reasons, weights)[0]
            changes.append(
                {"entry_id": pk, "kind": "unreachable", "from_status": "open", "to_status": "unreachable",
                 "unreachable_reason": reason.value, "reason": "Letter returned; no forwarding address."
                 if reason == Reason.OWNER_NOT_LOCATED else "", "at": at}
            )  # fmt: skip
            moved[pk] = ("unreachable", at)
        for pk, _vin in removed:
            at = posted + dt.timedelta(days=rng.uniform(1, 10))
            changes.append(
                {"entry_id": pk, "kind": "removed", "from_status": "open", "to_status": "removed",
                 "reason": rng.choice(REMOVAL_REASONS), "at": at}
            )  # fmt: skip
            moved[pk] = ("removed", at)
        append(OutcomeChange, changes)
        for status in ("unreachable", "removed"):
            ids = [pk for pk, (s, _) in moved.items() if s == status]
            for i in range(0, len(ids), 900):
                AffectedVehicle.objects.filter(pk__in=ids[i : i + 900]).update(
                    status=status, status_changed_at=now
                )
    submitted = _first_report_submitted(campaign=campaign)
    stdout.write(
        f"Remedy reports: the list dated {posted:%Y-%m-%d}, {len(unreachable):,} owners unreachable, "
        f"{len(removed)} VINs removed{', report 1 submitted' if submitted else ''}.\n"
    )
    return True


def _first_report_submitted(*, campaign: Campaign) -> bool:
    """Report 1 submitted on its due date's eve, if its period is over (as it is in the demo)."""
    first = report_schedule(started_on=remedy_started_on(campaign))[0]
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or first.end >= timezone.localdate():
        return False
    submission = remedy_report_submit(campaign_id=campaign.pk, report_number=first.number, user=admin)
    day = min(first.due_on - dt.timedelta(days=3), timezone.localdate())
    RemedyReportSubmission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15, 30)))
    )
    return True
