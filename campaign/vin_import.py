"""The affected-VIN import: a CSV of VINs, optionally with their registered owners, onto a campaign's list.

One service, ``affected_vins_import``, serves the ``import_affected_vins`` command, the staff
upload (through the Celery task) and ``seed_demo``. The file is streamed and written a chunk
at a time (memory stays flat whatever its size) inside ONE transaction: a file that cannot be
read stops the import and nothing is written; a bad row is only left out, reported with its
line number and reason, and copied to a rejects CSV on disk.

Owner columns are authoritative for their row: they replace what is stored, except a row
whose owner fields are all blank, which leaves the stored owner untouched (a list without
addresses must not erase the addresses of a previous one). A column the file lacks is never
touched. An import only adds VINs to the list: a VIN missing from a later file stays on it
with whatever status it has reached.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import logging
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaign import vin as vinlib
from campaign.bulk_write import Table, TempTable, db_value, execute, fetch, stream
from campaign.eligibility import ScreenRange
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign, Vehicle, VinImport
from campaign.selectors import campaign_screen
from campaign.signals import affected_list_changed

logger = logging.getLogger(__name__)

VIN_COLUMN = "vin"
OWNER_COLUMNS = ("owner_name", "address1", "address2", "city", "state", "postal_code", "phone", "email")
COLUMNS = (VIN_COLUMN, *OWNER_COLUMNS)
# Rows held in memory between two writes to the staging table (and between progress reports).
CHUNK_ROWS = 5000
# How many rejects the summary carries for display; the rejects CSV has them all.
SAMPLE_REJECTS = 20

# USPS codes: the 50 states, DC, the territories, the freely associated states and the
# military "states" (AA/AE/AP), all of which appear in registration addresses.
US_STATE_CODES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "DC", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW", "AA", "AE", "AP",
))  # fmt: skip
_VIN_SHAPE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
# Most addresses match this at once; the rest get Django's validator, which has the last word.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_PHONE = re.compile(
    r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]?\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,6})?",
    re.IGNORECASE,
)
_JOIN = "\x1f"  # joins a row's values into one string (no CSV value may contain it)
# Bytes that are not UTF-8 come through as lone surrogates (errors="surrogateescape").
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_MAX_LENGTH = {name: Vehicle._meta.get_field(name).max_length for name in OWNER_COLUMNS}

# Web imports stuck as "running" this long (their worker died) may be claimed again; the
# import is one transaction, so a dead worker left nothing half-written to redo.
STALE_RUNNING_AFTER = timedelta(hours=1)


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reject:
    line: int
    vin: str
    reason: str


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0  # VINs added to the campaign's list
    updated: int = 0  # already on the list; their owner changed
    unchanged: int = 0  # already on the list, nothing to change
    rejected: int = 0
    rejects_path: Path | None = None
    sample_rejects: list[Reject] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary_line(self) -> str:
        return (
            f"read {self.read:,} / created {self.created:,} / updated {self.updated:,} / "
            f"unchanged {self.unchanged:,} / rejected {self.rejected:,}"
        )


# --- The header ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileColumns:
    header: list[str]  # as written in the file, for the rejects CSV
    vin_index: int
    owner_fields: tuple[str, ...]  # the owner columns the file has, in COLUMNS order
    owner_indexes: tuple[int, ...]


def vin_import_columns(*, header: list[str]) -> FileColumns:
    """Check a file's header; raise ``DomainError`` saying what is wrong with it."""
    names = [name.strip().lower() for name in header]
    expected = "vin (required), " + ", ".join(OWNER_COLUMNS)
    if not any(names):
        raise DomainError(f"The first line should be a header naming the columns: {expected}.")
    blank = [str(i) for i, name in enumerate(names, start=1) if not name]
    if blank:
        raise DomainError(
            f"The header has no name for column {', '.join(blank)}; the columns are: {expected}."
        )
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise DomainError(
            f"Unknown column{'s' if len(unknown) > 1 else ''} in the header: "
            f"{', '.join(repr(n) for n in unknown)}. The columns are: {expected}."
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DomainError(f"The header names {', '.join(repr(n) for n in repeated)} more than once.")
    if VIN_COLUMN not in names:
        raise DomainError(f"The header has no 'vin' column; the columns are: {expected}.")
    owner_fields = tuple(name for name in OWNER_COLUMNS if name in names)
    return FileColumns(
        header=list(header),
        vin_index=names.index(VIN_COLUMN),
        owner_fields=owner_fields,
        owner_indexes=tuple(names.index(name) for name in owner_fields),
    )


def vin_import_header_check(*, first_line: bytes) -> FileColumns:
    """Check the header of an upload before it is queued (the form's early answer)."""
    text = first_line.decode("utf-8-sig", errors="replace")
    header = next(csv.reader([text.rstrip("\r\n")]), [])
    return vin_import_columns(header=header)


# --- One row -------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, reason: str):
        self.reason = reason


class _Candidate(NamedTuple):
    line: int
    vin: str
    model_label: str
    model_year: int
    owner: tuple[str, ...] | None  # aligned with FileColumns.owner_fields; None when all blank
    raw: str  # the row's values joined by U+001F, staged so a duplicate can be reported as written


class _RowCheck:
    """Validates one data row against the header and the campaign's VIN screen."""

    def __init__(self, *, campaign: Campaign, columns: FileColumns):
        self.code = campaign.code
        self.columns = columns
        self.width = len(columns.header)
        screen = campaign_screen(campaign)
        # Ranges by (WMI, VDS, model year): the model year is part of the key because ranges
        # of different years overlap in serials (the model-year trap), and it makes the
        # per-row search a dict hit instead of a scan of every range.
        self.ranges: dict[tuple[str, str, int], list[ScreenRange]] = defaultdict(list)
        self.ranges_by_vds: dict[tuple[str, str], list[ScreenRange]] = defaultdict(list)
        for screen_range in screen:
            self.ranges[(screen_range.wmi, screen_range.vds, screen_range.model_year)].append(screen_range)
            self.ranges_by_vds[(screen_range.wmi, screen_range.vds)].append(screen_range)
        fields = columns.owner_fields
        self.state_at = fields.index("state") if "state" in fields else None
        patterns = {"postal_code": _ZIP, "phone": _PHONE, "email": _PLAIN_EMAIL}
        self.patterns = [
            (at, patterns[name], _MAX_LENGTH[name]) for at, name in enumerate(fields) if name in patterns
        ]
        self.text_limits = [
            (at, _MAX_LENGTH[name])
            for at, name in enumerate(fields)
            if name not in patterns and name != "state"
        ]

    def check(self, row: list[str], line: int) -> _Candidate:
        if len(row) != self.width:
            raise _Rejected(
                f"The row has {len(row)} values but the header has {self.width} columns "
                "(a missing or extra comma, or a value with a comma that is not in quotes)."
            )
        joined = _JOIN.join(row)
        if not joined.isascii() and _NOT_UTF8.search(joined):
            raise _Rejected("The row is not UTF-8 text; save the file as 'CSV UTF-8' and import it again.")
        if joined.count(_JOIN) != self.width - 1:
            raise _Rejected("The row contains a control character (U+001F, unit separator).")
        raw_vin = row[self.columns.vin_index]
        vin = raw_vin.strip().upper()
        # The fast path for a clean VIN; anything else goes through vin.decode, which also
        # accepts spaces and dashes and says in words what is wrong.
        if not (_VIN_SHAPE.fullmatch(vin) and vinlib.check_digit(vin) == vin[8]):
            if not vin:
                raise _Rejected("The VIN is missing.")
            try:
                vin = vinlib.decode(raw_vin).vin
            except vinlib.InvalidVin as exc:
                raise _Rejected(f"Invalid VIN: {exc.message}") from None
        # ScreenRange.covers, split: the index key matches WMI, VDS and model year, the loop the serial.
        model_year = vinlib.model_year(vin)
        serial = vin[10:]
        for screen_range in self.ranges.get((vin[:3], vin[3:8], model_year), ()):
            if screen_range.serial_from <= serial <= screen_range.serial_to:
                return _Candidate(
                    line, vin, screen_range.model_label, model_year, self._owner(row, joined), joined
                )
        raise _Rejected(self._outside_reason(vinlib.decode(vin)))

    def _outside_reason(self, decoded: vinlib.DecodedVin) -> str:
        prefix = f"Outside every {self.code} range:"
        same_vds = self.ranges_by_vds.get((decoded.wmi, decoded.vds), [])
        if not same_vds:
            return f"{prefix} the campaign covers no vehicle with WMI {decoded.wmi} and VDS {decoded.vds} (VIN positions 1-8)."
        year = decoded.model_year
        other_year = next(
            (r for r in same_vds if r.model_year != year and r.serial_from <= decoded.serial <= r.serial_to),
            None,
        )
        if other_year is not None:
            return (
                f"{prefix} serial {decoded.serial} is in the {other_year.model_year} {other_year.model_label} "
                f"range, but position 10 ('{decoded.year_code}') makes this a {year} model; ranges of "
                "different model years overlap in serials, and this one is not covered for its year."
            )
        same_year = [r for r in same_vds if r.model_year == year]
        if not same_year:
            years = ", ".join(str(y) for y in sorted({r.model_year for r in same_vds}))
            return f"{prefix} the campaign covers {decoded.vds} for model year {years} only; position 10 makes this a {year} model."
        spans = ", ".join(f"{r.serial_from}-{r.serial_to}" for r in same_year)
        return f"{prefix} serial {decoded.serial} (VIN positions 11-17) is not in the {year} {decoded.vds} range ({spans})."

    def _owner(self, row: list[str], joined: str) -> tuple[str, ...] | None:
        values = [row[i].strip() for i in self.columns.owner_indexes]
        if not any(values):
            return None
        # Quick checks that accept nearly every row; a row they doubt is checked field by
        # field, which says what is wrong (or finds, say, an unusual e-mail address fine).
        ok = "\n" not in joined and "\r" not in joined
        for at, limit in self.text_limits:
            if len(values[at]) > limit:
                ok = False
        if (at := self.state_at) is not None and values[at]:
            values[at] = values[at].upper()
            ok = ok and values[at] in US_STATE_CODES
        for at, pattern, limit in self.patterns:
            value = values[at]
            if value and (len(value) > limit or not pattern.fullmatch(value)):
                ok = False
        if not ok:
            problems = [p for p in map(_owner_field_problem, self.columns.owner_fields, values) if p]
            if problems:
                raise _Rejected("Malformed owner data: " + "; ".join(problems) + ".")
        return tuple(values)


def _owner_field_problem(name: str, value: str) -> str | None:
    """What is wrong with one owner field, in words; None if it is fine (blank is fine)."""
    if not value:
        return None
    if len(value) > _MAX_LENGTH[name]:
        return f"{name} is {len(value)} characters long; at most {_MAX_LENGTH[name]}"
    if "\n" in value or "\r" in value:
        return f"{name} contains a line break"
    if name == "state" and value not in US_STATE_CODES:
        return f"state {value!r} is not a US state or territory code (two letters, e.g. CA)"
    if name == "postal_code" and not _ZIP.fullmatch(value):
        return f"postal_code {value!r} is not a US ZIP code (12345 or 12345-6789)"
    if name == "phone" and not _PHONE.fullmatch(value):
        return f"phone {value!r} is not a US phone number (10 digits, e.g. 310-555-0123)"
    if name == "email":
        try:
            validate_email(value)
        except ValidationError:
            return f"email {value!r} is not an e-mail address"
    return None


# --- The rejects CSV ------------------------------------------------------------------------


class _RejectsFile:
    """The rejected rows, written as they are found: the original columns, then line and reason."""

    def __init__(self, path: Path, header: list[str]):
        self.path = path
        self.header = header
        self.width = len(header)
        self._file: IO[str] | None = None
        self._writer: Any = None

    def write(self, line: int, row: list[str], reason: str) -> None:
        if self._writer is None:
            self._file = open(self.path, "w", newline="", encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
            self._writer = csv.writer(self._file)
            self._writer.writerow([*self.header, "line", "reason"])
        values = row[: self.width] + [""] * (self.width - len(row))
        if len(row) > self.width:
            reason = f"{reason} Extra values: {' | '.join(row[self.width :])}"
        self._writer.writerow([*values, line, reason])

    @property
    def written(self) -> bool:
        return self._writer is not None

    def merge(self, later: Iterator[tuple[int, list[str], str]]) -> int:
        """Add rejects found after the file was read (duplicates), keeping the file in line order.

        Both streams are sorted by line: a streaming merge into a new file keeps memory flat.
        Returns how many were added.
        """
        first = next(later, None)
        if first is None:
            return 0
        added = 0

        def counted(items: Iterator[tuple[int, list[str], str]]) -> Iterator[tuple[int, list[str], str]]:
            nonlocal added
            for item in items:
                added += 1
                yield item

        later = counted(itertools.chain([first], later))
        if not self.written:
            for line, row, reason in later:
                self.write(line, row, reason)
            return added
        self.close()
        original, merged = self.path, self.path.with_name(self.path.name + ".partial")
        with open(original, newline="", encoding="utf-8", errors="surrogateescape") as earlier_file:
            earlier = csv.reader(earlier_file)
            next(earlier)  # the header
            width = self.width
            earlier_rejects = ((int(r[width]), r[:width], r[width + 1]) for r in earlier)
            self.path, self._writer = merged, None
            for line, row, reason in heapq.merge(earlier_rejects, later):
                self.write(line, row, reason)
            self.close()
        merged.replace(original)
        self.path = original
        return added

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


# --- The import ------------------------------------------------------------------------------


def _data_rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) for every non-blank row; a file that is not CSV stops the import."""
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DomainError(
                f"Line {last_line + 1} cannot be read as CSV ({exc}); nothing was imported."
            ) from None
        line, last_line = last_line + 1, reader.line_num
        if row and (row[0].strip() or any(value.strip() for value in row)):
            yield line, row


class _Importer:
    """Stage checked rows a chunk at a time, then merge them into the model tables at once.

    Set-based statements at the end (instead of look-ups per chunk) let each database plan the
    merge as the bulk job it is; Python's per-row work is only the checks.
    """

    def __init__(
        self, *, campaign: Campaign, columns: FileColumns, rejects: _RejectsFile, using: str, now: Any
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
                ("raw", "text"),
                *((name, "varchar(255)") for name in self.owner_fields),
            ],
            using=using,
        )

    def write_rejects(self, rejects: Iterable[tuple[int, list[str], str]]) -> None:
        result, vin_index = self.result, self.columns.vin_index
        for line, row, reason in rejects:
            result.rejected += 1
            self.rejects.write(line, row, reason)
            if len(result.sample_rejects) < SAMPLE_REJECTS:
                vin = row[vin_index].strip() if len(row) > vin_index else ""
                result.sample_rejects.append(Reject(line, vin, reason))

    def stage_chunk(self, candidates: list[_Candidate], invalid: list[tuple[int, list[str], str]]) -> None:
        blank = ("",) * len(self.owner_fields)
        self.stage.add(
            (
                c.vin,
                c.line,
                c.model_label,
                c.model_year,
                0 if c.owner is None else 1,
                c.raw,
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

        def duplicates() -> Iterator[tuple[int, list[str], str]]:
            for line, first, raw in stream(
                f"SELECT s.line, f.first, s.raw FROM {stage.name} s JOIN "
                f"(SELECT k, MIN(line) AS first FROM {stage.name} GROUP BY k HAVING COUNT(*) > 1) f "
                f"ON s.k = f.k WHERE s.line > f.first ORDER BY s.line",
                using=using,
            ):
                row = raw.split(_JOIN)
                reason = f"Duplicate: this VIN is already on line {first} of the file."
                if len(found) < SAMPLE_REJECTS:
                    found.append(Reject(line, row[self.columns.vin_index].strip(), reason))
                yield line, row, reason

        count = self.rejects.merge(duplicates())
        execute(
            f"DELETE FROM {stage.name} WHERE EXISTS (SELECT 1 FROM {stage.name} t "
            f"WHERE t.k = {stage.name}.k AND t.line < {stage.name}.line)",
            using=using,
        )
        result = self.result
        result.rejected += count
        result.sample_rejects = heapq.nsmallest(
            SAMPLE_REJECTS, [*result.sample_rejects, *found], key=lambda r: r.line
        )
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
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise DomainError(f"Line 1 cannot be read as CSV ({exc}).") from None
        if header is None:
            raise DomainError("The file is empty; the first line should be a header with a 'vin' column.")
        columns = vin_import_columns(header=header)
        rejects = _RejectsFile(rejects_path, header)
        try:
            result = _import_rows(
                campaign=campaign,
                columns=columns,
                rows=_data_rows(reader),
                rejects=rejects,
                on_progress=on_progress,
                using=using,
            )
        except BaseException:
            rejects.discard()
            raise
        rejects.close()
    finally:
        # The caller owns ``source``: don't let the wrapper close it.
        text.detach()
    result.rejects_path = rejects_path if rejects.written else None
    return result


def _import_rows(
    *,
    campaign: Campaign,
    columns: FileColumns,
    rows: Iterator[tuple[int, list[str]]],
    rejects: _RejectsFile,
    on_progress: Callable[[int], None] | None,
    using: str,
) -> ImportResult:
    now = timezone.now()
    check = _RowCheck(campaign=campaign, columns=columns).check
    try:
        with transaction.atomic(using=using):
            # One import per campaign at a time: a second waits here instead of racing for the same VINs.
            Campaign.objects.using(using).select_for_update().filter(pk=campaign.pk).exists()
            importer = _Importer(campaign=campaign, columns=columns, rejects=rejects, using=using, now=now)
            result = importer.result
            candidates: list[_Candidate] = []
            invalid: list[tuple[int, list[str], str]] = []
            for line, row in rows:
                result.read += 1
                try:
                    candidates.append(check(row, line))
                except _Rejected as exc:
                    invalid.append((line, row, exc.reason))
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


# --- Web imports (the staff upload, run by a Celery task) -------------------------------------


def _progress_key(vin_import_id: int) -> str:
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
    key = _progress_key(vin_import_id)
    try:
        with vin_import.source.open("rb") as source:
            total = _count_rows(source)
        # Progress lives in the cache: the rows themselves stay invisible to other connections
        # until the import's single transaction commits.
        cache.set(key, {"rows_read": 0, "rows_total": total}, timeout=24 * 3600)

        def report(rows_read: int) -> None:
            cache.set(key, {"rows_read": rows_read, "rows_total": max(total, rows_read)}, timeout=24 * 3600)

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


# --- Reads for the import pages -------------------------------------------------------------

REJECTS_PREVIEW = 20


def vin_imports_for_campaign(*, campaign: Campaign) -> QuerySet[VinImport]:
    return (
        VinImport.objects.filter(campaign=campaign)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )


def vin_import_get(*, campaign_code: str, pk: int) -> VinImport:
    """One import of the campaign, or 404 (also for an unknown campaign code)."""
    return get_object_or_404(
        VinImport.objects.select_related("campaign", "uploaded_by"),
        pk=pk,
        campaign__code=campaign_code.upper(),
    )


def vin_import_rejects_preview(*, vin_import: VinImport, limit: int = REJECTS_PREVIEW) -> list[Reject]:
    """The first rejected rows (line, VIN, reason), read from the rejects CSV."""
    if not vin_import.rejects:
        return []
    out: list[Reject] = []
    with vin_import.rejects.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        try:
            reader = csv.reader(text)
            header = [name.strip().lower() for name in next(reader, [])]
            vin_at = header.index(VIN_COLUMN) if VIN_COLUMN in header else None
            for row in itertools.islice(reader, limit):
                out.append(Reject(int(row[-2]), row[vin_at] if vin_at is not None else "", row[-1]))
        finally:
            text.detach()
    return out


def vin_import_progress(*, vin_import: VinImport) -> dict[str, Any]:
    """Where a web import stands, for the progress bar's polling."""
    finished = vin_import.status in (VinImport.Status.SUCCEEDED, VinImport.Status.FAILED)
    progress = cache.get(_progress_key(vin_import.pk)) or {}
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
