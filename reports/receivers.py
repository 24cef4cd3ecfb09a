"""How reports follows the other apps' writes (it imports them; they never import it)."""

from __future__ import annotations

from django.dispatch import receiver

from campaign.signals import affected_list_changed
from repairs.signals import outcome_recorded
from reports.tallies import tallies_record_outcome
from reports.tasks import tallies_refresh_task


@receiver(outcome_recorded, dispatch_uid="reports.outcome_recorded")
def _outcome_recorded(sender, *, entry, change, **kwargs) -> None:
    # Inside the outcome's transaction: the tallies move with it or not at all.
    tallies_record_outcome(entry=entry, change=change)


@receiver(affected_list_changed, dispatch_uid="reports.affected_list_changed")
def _list_changed(sender, *, campaign_id: int, **kwargs) -> None:
    tallies_refresh_task.delay_on_commit(campaign_id)
