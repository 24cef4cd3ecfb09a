"""Reads for the affected-VIN import pages: the history, one import, its rejects and its progress."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from campaign.csv_rows import Reject, rejects_read
from campaign.errors import DomainError
from campaign.models import Campaign, VinImport
from campaign.vin_import_uploads import vin_import_progress_key

REJECTS_PREVIEW = 20


def vin_imports_for_campaign(*, campaign: Campaign) -> QuerySet[VinImport]:
    return (
        VinImport.objects.filter(campaign=campaign)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )


def vin_import_get(*, campaign_code: str, pk: int) -> VinImport:
    """One import of the campaign; ``DomainError(not_found)`` otherwise (also for an unknown campaign code)."""
    vin_import = (
        VinImport.objects.select_related("campaign", "uploaded_by")
        .filter(pk=pk, campaign__code=campaign_code.upper())
        .first()
    )
    if vin_import is None:
        raise DomainError("No such import of this campaign.", code="not_found")
    return vin_import


def vin_import_rejects_preview(*, vin_import: VinImport, limit: int = REJECTS_PREVIEW) -> list[Reject]:
    """The first rejected rows (line, VIN, reason), read from the rejects CSV."""
    if not vin_import.rejects:
        return []
    with vin_import.rejects.open("rb") as source:
        return rejects_read(source, limit=limit)


def vin_import_progress(*, vin_import: VinImport) -> dict[str, Any]:
    """Where a web import stands, for the progress bar's polling."""
    finished = vin_import.status in (VinImport.Status.SUCCEEDED, VinImport.Status.FAILED)
    progress = cache.get(vin_import_progress_key(vin_import.pk)) or {}
    rows_total = progress.get("rows_total") or 0
    rows_read = vin_import.rows_read if finished else progress.get("rows_read", 0)
    if finished:
        percent = 100
    elif rows_total:
        # 99 at most until the commit: the last chunk and the commit itself still take a moment.
        percent = min(99, int(rows_read * 100 / rows_total))
    else:
        percent = 0
    body: dict[str, Any] = {
        "id": vin_import.pk,
        "status": vin_import.status,
        "status_label": vin_import.get_status_display(),
        "finished": finished,
        "rows_read": rows_read,
        "rows_total": rows_total,
        "percent": percent,
    }
    if finished:
        body.update(
            created=vin_import.rows_created,
            updated=vin_import.rows_updated,
            unchanged=vin_import.rows_unchanged,
            rejected=vin_import.rows_rejected,
            error=vin_import.error,
        )
    return body
