"""Signals the campaign app sends; other apps connect to them (campaign imports no other app).

``affected_list_changed`` (kwargs: ``campaign_id``) is sent once, after the transaction
commits, by an affected-VIN import that added VINs to a campaign's posted list, so that
listeners (the dealers app re-checks pre-owned inventory for stop-sale) see the new rows.
"""

from django.dispatch import Signal

affected_list_changed = Signal()
