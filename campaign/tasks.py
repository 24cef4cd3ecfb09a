"""Celery tasks of the campaign app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from campaign.vin_import_uploads import vin_import_process, vin_import_sources_purge


# No automatic retry: the import is one transaction, so a failure leaves nothing to resume, and
# vin_import_process records why it failed for the staff page. acks_late (settings) plus the
# claim in vin_import_process make a redelivered message harmless: a finished import never re-runs.
@shared_task(name="campaign.vin_import_run", ignore_result=True)
def vin_import_run(vin_import_id: int) -> None:
    vin_import_process(vin_import_id=vin_import_id)


# Daily from CELERY_BEAT_SCHEDULE. Idempotent, so a retry or an overlapping run is harmless.
@shared_task(
    name="campaign.vin_import_sources_purge",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_jitter=True,
    max_retries=3,
)
def vin_import_sources_purge_run() -> int:
    return vin_import_sources_purge(older_than_days=settings.VIN_IMPORT_RETENTION_DAYS)
