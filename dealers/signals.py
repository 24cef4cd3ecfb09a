"""Receivers: how the dealers app follows what happens in the campaign app.

The campaign app never imports dealers; it sends ``affected_list_changed`` after an
affected-VIN import commits, and the dealers app re-checks inventory for stop-sale.
"""

from __future__ import annotations

from dealers.tasks import inventory_recheck_task


def inventory_recheck_on_list_change(sender, *, campaign_id: int, **kwargs) -> None:
    # delay_on_commit: if the sender is still inside a transaction, the worker must not
    # run before the new list rows are visible to it.
    inventory_recheck_task.delay_on_commit(campaign_id)
