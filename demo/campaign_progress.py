"""The demo campaign past its preliminary notice: parts shipped, owner letters out, weeks ago.

Through ``campaign_phase_advance``, as an administrator would move it, then dated in the past so
the phase history reads like a campaign under way (the demo's activity is dated from today).
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from campaign.models import Campaign, CampaignPhaseChange
from campaign.services import campaign_phase_advance

# (phase, days before today, note): the demo's calendar, counted back from the day it is seeded.
DEMO_PHASES: tuple[tuple[str, int, str], ...] = (
    ("parts_available", 63, "Valve spring kits shipped to dealers; technical instructions published."),
    ("owner_notification", 56, "Owner letters mailing by first-class mail."),
)
# The campaign's first row (loaded by migration 0002) goes back before them.
LOADED_DAYS_AGO = 70


def campaign_progress_seed(*, campaign: Campaign, stdout: TextIO) -> bool:
    """Move ``campaign`` from preliminary to owner notification, dated in the past; a campaign
    already past preliminary is left as it is. Returns whether it moved."""
    if campaign.phase != Campaign.Phase.PRELIMINARY:
        stdout.write(f"{campaign.code} is at '{campaign.get_phase_display()}'; its phase left as it is.\n")
        return False
    now = timezone.now()
    CampaignPhaseChange.objects.filter(campaign=campaign, from_phase="").update(
        changed_at=now - dt.timedelta(days=LOADED_DAYS_AGO)
    )
    for phase, days_ago, note in DEMO_PHASES:
        campaign_phase_advance(campaign_id=campaign.pk, to_phase=phase, note=note)
        CampaignPhaseChange.objects.filter(campaign=campaign, to_phase=phase).update(
            changed_at=now - dt.timedelta(days=days_ago)
        )
    stdout.write(f"{campaign.code} moved to owner notification (phase changes dated {DEMO_PHASES[0][1]} and "
                 f"{DEMO_PHASES[1][1]} days ago).\n")  # fmt: skip
    return True
