"""``manage.py mailing_send``: counts, then the package's folder on the last line; a rerun sends
nothing; a letter too long for its two pages stops the mailing, which runs again once fixed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaign.models import Campaign
from mailings.models import Letter, Mailing
from mailings.services import mailing_resume
from tests.mailings.conftest import fleet

# Committed, as the command runs: the mailing's run (queued on commit) happens in-process at once.
pytestmark = pytest.mark.django_db(transaction=True)


def send(*args) -> list[str]:
    out = StringIO()
    call_command("mailing_send", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_the_command_prints_the_package_last_and_a_rerun_sends_nothing(ale_notifying):
    fleet(ale_notifying, 5)
    lines = send("ale", "--kind", "notification", "--chunk-size", "2")
    folder = Path(lines[-1])
    assert sorted(p.name for p in folder.glob("manifest-*.csv")) == [
        f"manifest-000{n}.csv" for n in (1, 2, 3)
    ]
    assert len(list(folder.glob("letters-*.pdf"))) == 3
    assert "  letters 5" in lines and "  status Sent to the print vendor" in lines

    again = send("ALE", "--kind", "notification")
    assert "  letters 0" in again and "  left out, already mailed in this kind 5" in again
    assert Letter.objects.filter(kind=Mailing.Kind.NOTIFICATION).count() == 5

    follow_up = send("ALE", "--kind", "follow_up")
    assert "  letters 5" in follow_up


def test_the_command_refuses_what_the_phase_does_not_allow(ale):
    with pytest.raises(CommandError, match="send an interim notice"):
        send("ALE", "--kind", "notification")
    with pytest.raises(CommandError, match="No campaign with code 'NOPE'"):
        send("NOPE", "--kind", "interim")


def test_a_letter_too_long_for_two_pages_fails_the_mailing_and_it_runs_again_once_fixed(ale_notifying):
    fleet(ale_notifying, 2)
    defect = ale_notifying.defect_description
    Campaign.objects.filter(pk=ale_notifying.pk).update(defect_description=(defect + " ") * 40)
    with pytest.raises(CommandError, match="too long for the letter's layout"):
        send("ALE", "--kind", "notification")
    mailing = Mailing.objects.get()
    assert mailing.status == Mailing.Status.FAILED
    assert not Letter.objects.filter(mailing=mailing, mailed_on__isnull=False).exists()
    Campaign.objects.filter(pk=ale_notifying.pk).update(defect_description=defect)
    mailing_resume(mailing_id=mailing.pk)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE
    assert Letter.objects.filter(mailing=mailing, mailed_on__isnull=False).count() == 2
    assert list(mailing.status_changes.values_list("to_status", flat=True)) == [
        "queued",
        "rendering",
        "failed",
        "queued",
        "rendering",
        "done",
    ]
