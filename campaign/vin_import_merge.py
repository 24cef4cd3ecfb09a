"""The affected-VIN import: a CSV of VINs, optionally with their registered owners, onto a campaign's list.

One service, ``affected_vins_import``, serves the ``import_affected_vins`` command, the staff
upload (through the Celery task, ``campaign.vin_import_uploads``) and ``seed_demo``. The file is
streamed and written a chunk at a time (memory stays flat whatever its size) inside ONE
transaction: a file whose header cannot be read stops the import and nothing is written; a bad
row is only left out, reported with its line number and reason in a rejects CSV on disk
(``line, vin, reason``: never the owner columns).

Rows are read by ``campaign.csv_rows`` and checked by ``campaign.vin_import_rows``; this module
stages the good ones and merges them into the tables, in set-based SQL (``campaign.bulk_write``).

Owner columns are authoritative for their row: they replace what is stored, except a row
whose owner fields are all blank, which leaves the stored owner untouched (a list without
addresses must not erase the addresses of a previous one). A column the file lacks is never
touched. An import only adds VINs to the list: a VIN missing from a later file stays on it
with whatever status it has reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.bulk_write import Table, TempTable, db_value, execute, fetch, stream
from campaign.csv_rows import CsvRows, Reject, RejectsWriter, RowsReport, reject_vin
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign, Vehicle
from campaign.signals import affected_list_changed
from campaign.vin_import_rows import Candidate, FileColumns, RowRejected, VinRowCheck, vin_import_columns

# The owner columns that make up the postal address.
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "postal_code")
# Rows held in memory between two writes to the staging table (and between progress reports).
CHUNK_ROWS = 5000


@dataclass
class ImportResult(RowsReport):
    created: int = 0  # VINs added to the campaign's list
    updated: int = 0  # already on the list; their owner changed
    unchanged: int = 0  # already on the list, nothing to change
    rejects_path: Path | None = None

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary_line(self) -> str:
        return (
            f"read {self.read:,} / created {self.created:,} / updated {self.updated:,} / "
            f"unchanged {self.unchanged:,} / rejected {self.rejected:,}"
        )


class _Importer:
    """Stage checked rows a chunk at a time, then merge them into the model tables at once.

    Set-based statements at the end (instead of look-ups per chunk) let each database plan the
    merge as the bulk job it is; Python's per-row work is only the checks.
    """

    def __init__(
        self, *, campaign: Campaign, columns: FileColumns, rejects: RejectsWriter, using: str, now: Any
    ):
        self.campaign = campaign
        self.columns = columns
        self.rejects = rejects
        self.using = using
        self.vendor = connections[using].vendor
        self.result = ImportResult()
        self.now_vehicle = db_value(model=Vehicle, field="created_at", value=now, using=using)
        self.now_entry = db_value(model=AffectedVehicle, field="added_at", value=now, using=using)
        self.owner_fields = columns.owner_fields
        self.stage = TempTable(
            prefix="import_stage",
            columns=[
                ("k", "varchar(17)"),
                ("line", "integer"),
                ("model_label", "varchar(40)"),
                ("model_year", "integer"),
                ("has_owner", "integer"),
                ("written", "text"),  # the VIN as written, to report a duplicate
                *((name, "varchar(255)") for name in self.owner_fields),
            ],
            using=using,
        )

    def write_rejects(self, rejects: Iterable[Reject]) -> None:
        for reject in rejects:
            self.result.add_reject(reject)
            self.rejects.write(reject)

    def stage_chunk(self, candidates: list[Candidate], invalid: list[Reject]) -> None:
        blank = ("",) * len(self.owner_fields)
        self.stage.add(
            (
                c.vin,
                c.line,
                c.model_label,
                c.model_year,
                0 if c.owner is None else 1,
                c.vin_as_written,
                *(c.owner or blank),
            )
            for c in candidates
        )
        self.write_rejects(invalid)

    def reject_duplicates(self) -> int:
        """Take every repeat of a VIN out of the stage; report it, in line order among the rejects."""
        stage, using = self.stage, self.using
        if not fetch(f"SELECT 1 FROM {stage.name} GROUP BY k HAVING COUNT(*) > 1 LIMIT 1", using=using):
            return 0  # nearly every file
        # Built now that the table is full: cheaper than keeping an index up to date row by row.
        execute(f"CREATE INDEX {stage.quote(stage.bare_name + '_k')} ON {stage.name} (k, line)", using=using)
        found: list[Reject] = []

        def duplicates() -> Iterator[Reject]:
            for line, first, written in stream(
                f"SELECT s.line, f.first, s.written FROM {stage.name} s JOIN "
                f"(SELECT k, MIN(line) AS first FROM {stage.name} GROUP BY k HAVING COUNT(*) > 1) f "
                f"ON s.k = f.k WHERE s.line > f.first ORDER BY s.line",
                using=using,
            ):
                reject = Reject(
                    line, reject_vin(written), f"Duplicate: this VIN is already on line {first} of the file."
                )
                if len(found) < self.result.sample_size:
                    found.append(reject)
                yield reject

        count = self.rejects.merge(duplicates())
        execute(
            f"DELETE FROM {stage.name} WHERE EXISTS (SELECT 1 FROM {stage.name} t "
            f"WHERE t.k = {stage.name}.k AND t.line < {stage.name}.line)",
            using=using,
        )
        self.result.add_late_rejects(count, found)
        return count

    def merge(self) -> None:
        """Owners, then new vehicles, then list entries; fills created / updated / unchanged."""
        using, stage, result = self.using, self.stage, self.result
        self.reject_duplicates()
        staged = fetch(f"SELECT COUNT(*) FROM {stage.name}", using=using)[0][0]
        vehicle, entry = Table(Vehicle, using=using), Table(AffectedVehicle, using=using)
        if self.vendor == "postgresql":
            # The merge probes the list and the vehicles by key, one probe per staged row. With
            # statistics that lag a bulk change (an import a moment ago, or earlier in this
            # transaction) PostgreSQL may instead scan a whole table once per row, even the table
            # this very statement is filling: minutes instead of seconds. Scans of the stage
            # itself, which has no index, are unaffected.
            execute("SET LOCAL enable_seqscan = off", using=using)
            # …which prices the stage's scan so high that PostgreSQL would JIT-compile every
            # statement, costing more than the statement itself.
            execute("SET LOCAL jit = off", using=using)
        on_list = f"SELECT 1 FROM {entry.name} WHERE {entry.col('campaign')} = %s AND {entry.col('vehicle')} = {stage.col('k')}"
        if self.owner_fields:
            stored = ", ".join(vehicle.qcol(f) for f in self.owner_fields)
            staged_owner = ", ".join(stage.col(f) for f in self.owner_fields)
            assignments = ", ".join(f"{vehicle.col(f)} = {stage.col(f)}" for f in self.owner_fields)
            address = [f for f in ADDRESS_FIELDS if f in self.owner_fields]
            if address:
                # Fresh registration data with another address: a mark that letters to the old
                # one came back undeliverable (the mailings app) no longer applies.
                changed = (
                    f"({', '.join(vehicle.qcol(f) for f in address)}) <> "
                    f"({', '.join(stage.col(f) for f in address)})"
                )
                mark = vehicle.col("address_undeliverable_at")
                assignments += f", {mark} = CASE WHEN {changed} THEN NULL ELSE {vehicle.qcol('address_undeliverable_at')} END"
            update = (
                f"UPDATE {vehicle.name} SET {assignments}, {vehicle.col('owner_updated_at')} = "
                f"{vehicle.param('owner_updated_at')} FROM {stage.name} WHERE {vehicle.qcol('vin')} = {stage.col('k')} "
                f"AND {stage.col('has_owner')} = 1 AND ({stored}) <> ({staged_owner}) AND {{}} EXISTS ({on_list})"
            )
            # Owners of VINs already on the list are the "updated" rows; the others are being
            # added to the list, so they count as created below.
            result.updated = execute(update.format(""), [self.now_vehicle, self.campaign.pk], using=using)
            execute(update.format("NOT"), [self.now_vehicle, self.campaign.pk], using=using)

        given = ["vin", "model_label", "model_year", *self.owner_fields, "created_at", "owner_updated_at"]
        defaults = vehicle.defaults(given)
        select = [stage.col("k"), stage.col("model_label"), stage.col("model_year")]
        select += [stage.col(f) for f in self.owner_fields]
        select += [
            vehicle.param("created_at"),
            f"CASE WHEN {stage.col('has_owner')} = 1 THEN {vehicle.param('owner_updated_at')} END",
            *(vehicle.param(f) for f in defaults),
        ]
        execute(
            f"INSERT INTO {vehicle.name} ({', '.join(vehicle.col(f) for f in [*given, *defaults])}) "
            f"SELECT {', '.join(select)} FROM {stage.name} WHERE NOT EXISTS "
            f"(SELECT 1 FROM {vehicle.name} WHERE {vehicle.qcol('vin')} = {stage.col('k')})",
            [self.now_vehicle, self.now_vehicle, *defaults.values()],
            using=using,
        )

        given = ["campaign", "vehicle", "added_at"]
        defaults = entry.defaults(given)
        select = [
            entry.param("campaign"),
            stage.col("k"),
            entry.param("added_at"),
            *(entry.param(f) for f in defaults),
        ]
        result.created = execute(
            f"INSERT INTO {entry.name} ({', '.join(entry.col(f) for f in [*given, *defaults])}) "
            f"SELECT {', '.join(select)} FROM {stage.name} WHERE NOT EXISTS ({on_list})",
            [self.campaign.pk, self.now_entry, *defaults.values(), self.campaign.pk],
            using=using,
        )
        result.unchanged = staged - result.created - result.updated
        stage.drop()


def affected_vins_import(
    *,
    campaign_id: int,
    source: IO[bytes],
    rejects_path: Path,
    on_progress: Callable[[int], None] | None = None,
    using: str = "default",
) -> ImportResult:
    """Import an affected-VIN CSV (binary stream) onto a campaign's posted list.

    Rejected rows go to ``rejects_path`` (created only if a row is rejected; a stale one is
    removed). Raises ``DomainError`` when the file itself cannot be imported; then nothing is.
    ``on_progress(rows_read)`` is called after every chunk.
    """
    campaign = Campaign.objects.using(using).filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("That campaign does not exist.", field="campaign")
    rejects_path = Path(rejects_path)
    rejects_path.unlink(missing_ok=True)
    with CsvRows(source) as rows:
        header = rows.header()
        if header is None:
            raise DomainError("The file is empty; the first line should be a header with a 'vin' column.")
        columns = vin_import_columns(header=header)
        rejects = RejectsWriter(rejects_path)
        try:
            result = _import_rows(
                campaign=campaign,
                columns=columns,
                rows=rows,
                rejects=rejects,
                on_progress=on_progress,
                using=using,
            )
        except BaseException:
            rejects.discard()
            raise
        rejects.close()
    result.rejects_path = rejects_path if rejects.written else None
    return result


def _import_rows(
    *,
    campaign: Campaign,
    columns: FileColumns,
    rows: Iterable[tuple[int, list[str], str | None]],
    rejects: RejectsWriter,
    on_progress: Callable[[int], None] | None,
    using: str,
) -> ImportResult:
    now = timezone.now()
    check = VinRowCheck(campaign=campaign, columns=columns).check
    vin_index = columns.vin_index
    try:
        with transaction.atomic(using=using):
            # One import per campaign at a time: a second waits here instead of racing for the same VINs.
            Campaign.objects.using(using).select_for_update().filter(pk=campaign.pk).exists()
            importer = _Importer(campaign=campaign, columns=columns, rejects=rejects, using=using, now=now)
            result = importer.result
            candidates: list[Candidate] = []
            invalid: list[Reject] = []
            for line, row, problem in rows:
                result.read += 1
                try:
                    if problem is not None:
                        raise RowRejected(problem)
                    candidates.append(check(row, line))
                except RowRejected as exc:
                    invalid.append(
                        Reject(line, reject_vin(row[vin_index]) if len(row) > vin_index else "", exc.reason)
                    )
                if len(candidates) + len(invalid) >= CHUNK_ROWS:
                    importer.stage_chunk(candidates, invalid)
                    candidates, invalid = [], []
                    if on_progress:
                        on_progress(result.read)
            if candidates or invalid:
                importer.stage_chunk(candidates, invalid)
                if on_progress:
                    on_progress(result.read)
            importer.merge()
            if result.created or result.updated:
                Campaign.objects.using(using).filter(pk=campaign.pk).update(
                    affected_list_posted_at=Coalesce(F("affected_list_posted_at"), now), data_updated_at=now
                )
            if result.created:
                transaction.on_commit(
                    lambda: affected_list_changed.send(sender=Campaign, campaign_id=campaign.pk), using=using
                )
    except IntegrityError as exc:
        # Only another writer racing for the same new vehicles gets here (imports of one campaign queue up).
        raise DomainError(
            f"Another import was writing some of the same vehicles; nothing was imported, run it again ({exc})."
        ) from None
    return result
