"""The web import's lifecycle: the staff upload is stored, a Celery task runs it, the stored list is purged.

``vin_import_submit`` stores the upload and queues ``campaign.vin_import_run``;
``vin_import_process`` (the task's body) claims the import once, runs
``affected_vins_import`` and records the counts with the rows they describe;
``vin_import_sources_purge`` (a daily beat job) deletes uploaded lists, which carry owners'
names and addresses, ``VIN_IMPORT_RETENTION_DAYS`` after their import, keeping its summary.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.core.cache import cache
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Campaign, VinImport
from campaign.vin_import_merge import affected_vins_import

logger = logging.getLogger(__name__)

# Web imports stuck as "running" this long (their worker died) may be claimed again; the
# import is one transaction, so a dead worker left nothing half-written to redo.
STALE_RUNNING_AFTER = timedelta(hours=1)
PROGRESS_SECONDS = 24 * 3600


def vin_import_progress_key(vin_import_id: int) -> str:
    return f"vin-import:{vin_import_id}:progress"


def vin_import_submit(*, campaign: Campaign, upload: UploadedFile, user: Any) -> VinImport:
    """Store an uploaded list and queue its import; the task starts once this is committed."""
    from campaign.tasks import vin_import_run  # the task module imports this one

    with transaction.atomic():
        vin_import = VinImport(
            campaign=campaign, original_name=Path(upload.name).name[:255], uploaded_by=user
        )
        vin_import.source.save(Path(upload.name).name, upload, save=False)
        vin_import.save()
        vin_import_run.delay_on_commit(vin_import.pk)
    return vin_import


def _count_rows(source: IO[bytes]) -> int:
    """Data rows in the file, for the progress bar: lines after the header (quoted newlines aside)."""
    lines, last = 0, b"\n"
    while block := source.read(1 << 20):
        lines += block.count(b"\n")
        last = block[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def vin_import_process(*, vin_import_id: int) -> VinImport | None:
    """Run a queued web import once; ``None`` if it is gone, running elsewhere or already finished."""
    now = timezone.now()
    claimed = (
        VinImport.objects.filter(pk=vin_import_id)
        .filter(
            Q(status=VinImport.Status.QUEUED)
            | Q(status=VinImport.Status.RUNNING, started_at__lt=now - STALE_RUNNING_AFTER)
        )
        .update(status=VinImport.Status.RUNNING, started_at=now)
    )
    if not claimed:
        logger.info("VIN import %s: gone, running or finished; nothing to do", vin_import_id)
        return None
    vin_import = VinImport.objects.select_related("campaign").get(pk=vin_import_id)
    if not vin_import.source:
        # Purged (vin_import_sources_purge) before a worker ever ran it.
        _fail(vin_import_id, "The uploaded list was deleted before it could be imported; upload it again.")
        vin_import.refresh_from_db()
        return vin_import
    key = vin_import_progress_key(vin_import_id)
    try:
        with vin_import.source.open("rb") as source:
            total = _count_rows(source)
        # Progress lives in the cache: the rows themselves stay invisible to other connections
        # until the import's single transaction commits.
        cache.set(key, {"rows_read": 0, "rows_total": total}, timeout=PROGRESS_SECONDS)

        def report(rows_read: int) -> None:
            cache.set(
                key, {"rows_read": rows_read, "rows_total": max(total, rows_read)}, timeout=PROGRESS_SECONDS
            )

        with tempfile.TemporaryDirectory() as folder:
            rejects_path = Path(folder) / f"{Path(vin_import.original_name).stem}.rejects.csv"
            with transaction.atomic(), vin_import.source.open("rb") as source:
                result = affected_vins_import(
                    campaign_id=vin_import.campaign_id,
                    source=source,
                    rejects_path=rejects_path,
                    on_progress=report,
                )
                # Saved in the import's transaction: the counts commit with the rows they describe.
                if result.rejects_path is not None:
                    with open(result.rejects_path, "rb") as rejects:
                        vin_import.rejects.save(rejects_path.name, File(rejects), save=False)
                vin_import.status = VinImport.Status.SUCCEEDED
                vin_import.finished_at = timezone.now()
                vin_import.rows_read = result.read
                vin_import.rows_created = result.created
                vin_import.rows_updated = result.updated
                vin_import.rows_unchanged = result.unchanged
                vin_import.rows_rejected = result.rejected
                vin_import.error = ""
                vin_import.save(
                    update_fields=[
                        "status",
                        "finished_at",
                        "rows_read",
                        "rows_created",
                        "rows_updated",
                        "rows_unchanged",
                        "rows_rejected",
                        "rejects",
                        "error",
                    ]
                )
    except DomainError as exc:
        _fail(vin_import_id, exc.message)
    except Exception:
        logger.exception("VIN import %s failed", vin_import_id)
        _fail(
            vin_import_id,
            "The import stopped on an unexpected error; nothing was imported. Try again, or ask an administrator to check the logs.",
        )
    vin_import.refresh_from_db()
    return vin_import


def _fail(vin_import_id: int, message: str) -> None:
    VinImport.objects.filter(pk=vin_import_id).update(
        status=VinImport.Status.FAILED, finished_at=timezone.now(), error=message
    )


def vin_import_sources_purge(*, older_than_days: int) -> int:
    """Delete the uploaded lists of imports finished more than ``older_than_days`` ago; how many.

    The import's row (counts, rejects, who and when) stays: only the file with the owners'
    data goes. Idempotent: a purged import has no file left to delete, and two purges racing
    for one import delete it once (the conditional update). An import that never finished
    (its worker lost it) is purged by its upload date.
    """
    now = timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    due = (
        VinImport.objects.filter(source_deleted_at__isnull=True)
        .exclude(source="")
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
        .only("pk", "source")
    )
    purged = 0
    for vin_import in due.iterator():
        name = vin_import.source.name
        # Blank the row first: once it commits no page can reach the file, even if the
        # delete below fails (the file is then an orphan under MEDIA_ROOT, not a reachable list).
        if VinImport.objects.filter(pk=vin_import.pk, source=name).update(source="", source_deleted_at=now):
            vin_import.source.storage.delete(name)
            purged += 1
    if purged:
        logger.info("Deleted %s uploaded VIN list(s) older than %s days", purged, older_than_days)
    return purged
