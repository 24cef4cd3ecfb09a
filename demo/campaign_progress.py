"""The demo campaign past its preliminary notice: parts shipped, owner letters out, weeks ago.

Through ``campaign_phase_advance``, as an administrator would move it, then dated in the past so
the phase history reads like a campaign under way (the demo's activity is dated from today).
Its owner reimbursement window is moved onto the same calendar (``reimbursement_window_seed``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TextIO

from django.conf import settings
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


# ALE's definition puts its reimbursement window (illustrative) around 2010's owner letters:
# repairs from 2005-08-01 to 2011-12-31. The demo's calendar runs from today, so an owner's
# repair dated weeks or months ago would be refused by ``reimbursement_submit`` as outside the
# window. The demo moves the window onto its own calendar the way the project changes remedy
# terms (the admin shows them read-only): by loading the campaign's definition file again,
# with the window's dates shifted by the same days as the campaign's start (filed
# ``LOADED_DAYS_AGO`` days before today). The definition reader checks the moved window like
# any other (49 CFR 573.13: ending at least 10 days after the last owner letter).
_WINDOW = re.compile(r"^( *)reimbursement_window:[^\n]*\n((?:\1 +[^\n]*\n)+)", re.M)
_WINDOW_DATE = re.compile(r"^( +(?:from|until|last_owner_letter): *)(\d{4}-\d{2}-\d{2})", re.M)


def _window_shifted(text: str, shift: dt.timedelta) -> str:
    block = _WINDOW.search(text)
    if block is None:
        return text

    def moved(match: re.Match) -> str:
        return f"{match.group(1)}{dt.date.fromisoformat(match.group(2)) + shift:%Y-%m-%d}"

    return text[: block.start(2)] + _WINDOW_DATE.sub(moved, block.group(2)) + text[block.end(2) :]


def reimbursement_window_seed(*, campaign: Campaign, stdout: TextIO) -> bool:
    """Reload ``campaign``'s definition (``campaign/data/<CODE>.yaml``) with its reimbursement
    window on the demo's calendar, unless the window already takes repairs of recent months.
    Returns whether it moved."""
    from campaign.definition import parse
    from campaign.services import campaign_load

    started = timezone.localdate() - dt.timedelta(days=LOADED_DAYS_AGO)  # the demo campaign's start
    path = Path(settings.BASE_DIR) / "campaign" / "data" / f"{campaign.code}.yaml"
    window = (campaign.reimbursement_from, campaign.reimbursement_until)
    if None in window or window[0] <= started <= window[1] or not campaign.dir_filed_on or not path.exists():
        return False
    shift = started - campaign.dir_filed_on
    campaign = campaign_load(definition=parse(_window_shifted(path.read_text(encoding="utf-8"), shift)))
    stdout.write(
        f"{campaign.code} reimbursement window moved onto the demo's calendar: repairs from "
        f"{campaign.reimbursement_from:%Y-%m-%d} to {campaign.reimbursement_until:%Y-%m-%d}.\n"
    )
    return True
