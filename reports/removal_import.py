"""The removal-list import: a CSV ``vin, reason`` of VINs to take off a campaign's list.

The same contract and machinery as the affected-VIN import (``campaign.csv_rows``): a file
whose header cannot be read stops the import and nothing is written; every bad row is left
out and reported with its line number and reason (unreadable, invalid VIN, duplicate in the
file, missing reason, not on the list, already removed, remedied, open work at a dealer); the
good rows are removed together in one transaction; the rejects (``line, vin, reason``) are
kept with the import's record for download. Each removal is ``population``'s own move.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.files import File
from django.db import transaction

from campaign import vin as vinlib
from campaign.csv_rows import CsvRows, Reject, RejectsWriter, RowsReport, csv_header_index, reject_vin
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from reports.models import RemovalImport
from reports.population import (
    REMOVE,
    open_work_by_vin,
    removal_apply,
    removal_reason_clean,
    removal_refusal,
)

COLUMNS = ("vin", "reason")
MAX_ROWS = 20_000


@dataclass
class RemovalImportResult(RowsReport):
    removed: int = 0
    record: RemovalImport | None = None
    sample_size: int = field(default=200, repr=False)  # the result page lists this many


def _rows(rows: CsvRows):
    try:
        header = rows.header()
        if not header:
            raise DomainError("The file is empty. The first line must be the header: vin,reason.")
        index = csv_header_index(header, required=COLUMNS)
    except DomainError as exc:
        raise DomainError(exc.message, field="file") from None
    for line, row, problem in rows:
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
        yield line, values, problem


def removal_list_import(*, campaign_id: int, file: IO[bytes], name: str, user) -> RemovalImportResult:
    """Check every row, remove the good ones in one transaction, record the import and its rejects."""
    if not user.has_perm(REMOVE):
        raise DomainError("Only the campaign administrator imports a removal list.", code="forbidden")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("No such campaign.", code="not_found")
    result = RemovalImportResult()
    rejects: list[Reject] = []
    candidates: dict[str, tuple[int, str, str]] = {}  # vin -> (line, VIN as written, reason)
    with CsvRows(file) as rows:
        for line, values, problem in _rows(rows):
            result.read += 1
            if result.read > MAX_ROWS:
                raise DomainError(
                    f"The file has more than {MAX_ROWS:,} rows; split it and upload each part.", field="file"
                )
            written = values["vin"]
            reason = problem
            vin = ""
            if reason is None:
                try:
                    vin = vinlib.validate(written)
                except vinlib.InvalidVin as exc:
                    reason = f"Invalid VIN: {exc.message}"
            if reason is None and vin in candidates:
                reason = f"Duplicate: this VIN is already on line {candidates[vin][0]} of the file."
            if reason is None:
                try:
                    candidates[vin] = (line, written, removal_reason_clean(values["reason"]))
                except DomainError as exc:
                    reason = exc.message
            if reason:
                rejects.append(Reject(line, reject_vin(written), reason))

    with transaction.atomic():
        # One removal list per campaign at a time, and never beside an affected-VIN import.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        entries: dict[str, AffectedVehicle] = {}
        vins = sorted(candidates)
        for start in range(0, len(vins), 900):
            for entry in (
                AffectedVehicle.objects.select_for_update()
                .select_related("campaign")
                .filter(campaign=campaign, vehicle_id__in=vins[start : start + 900])
            ):
                entries[entry.vehicle_id] = entry
        open_work = open_work_by_vin(campaign_id=campaign.pk, vins=vins)
        for vin, (line, written, reason) in sorted(candidates.items(), key=lambda kv: kv[1][0]):
            entry = entries.get(vin)
            refusal = removal_refusal(entry=entry, code=campaign.code, open_work=open_work.get(vin))
            if refusal:
                rejects.append(Reject(line, reject_vin(written), refusal))
                continue
            removal_apply(entry=entry, reason=reason, user=user)
            result.removed += 1
        rejects.sort()
        for reject in rejects:
            result.add_reject(reject)
        record = RemovalImport(
            campaign=campaign,
            original_name=(name or "removal-list.csv")[:255],
            uploaded_by=user,
            rows_read=result.read,
            rows_removed=result.removed,
            rows_rejected=result.rejected,
        )
        if rejects:
            with tempfile.TemporaryDirectory() as folder:
                writer = RejectsWriter(Path(folder) / "rejects.csv")
                for reject in rejects:
                    writer.write(reject)
                writer.close()
                with open(writer.path, "rb") as written_file:
                    record.rejects.save(
                        f"{campaign.code.lower()}-removal-rejects.csv", File(written_file), save=False
                    )
        record.save()
        result.record = record
    return result
