"""Reading and checking the rows of an affected-VIN list: its columns, and each row against the campaign.

A list is a CSV with a header: ``vin`` (required) and any of the owner columns. A row is
checked for its width, its VIN (shape, check digit, and inside one of the campaign's ranges
for its model year) and its owner fields (lengths, US state, ZIP, phone, e-mail). Reading the
file itself (encoding, NUL bytes, over-long lines) is ``campaign.csv_rows``'s job.

A reason names the owner field that is wrong but never repeats its value: rejects are kept
after the uploaded list is deleted, and must not keep owners' data with them.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from campaign import vin as vinlib
from campaign.csv_rows import csv_header_index
from campaign.eligibility import ScreenRange
from campaign.models import Campaign, Vehicle
from campaign.selectors import campaign_screen

VIN_COLUMN = "vin"
OWNER_COLUMNS = ("owner_name", "address1", "address2", "city", "state", "postal_code", "phone", "email")
COLUMNS = (VIN_COLUMN, *OWNER_COLUMNS)

# USPS codes: the 50 states, DC, the territories, the freely associated states and the
# military "states" (AA/AE/AP), all of which appear in registration addresses.
US_STATE_CODES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "DC", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW", "AA", "AE", "AP",
))  # fmt: skip
_VIN_SHAPE = vinlib.VIN_SHAPE  # position 10 a model-year code; the check digit is checked apart
# Most addresses match this at once; the rest get Django's validator, which has the last word.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_PHONE = re.compile(
    r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]?\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,6})?",
    re.IGNORECASE,
)
_MAX_LENGTH = {name: Vehicle._meta.get_field(name).max_length for name in OWNER_COLUMNS}


class FileColumns(NamedTuple):
    width: int  # columns in the header; every row must have as many values
    vin_index: int
    owner_fields: tuple[str, ...]  # the owner columns the file has, in COLUMNS order
    owner_indexes: tuple[int, ...]


def vin_import_columns(*, header: list[str]) -> FileColumns:
    """Check a file's header; raise ``DomainError`` saying what is wrong with it."""
    index = csv_header_index(header, required=(VIN_COLUMN,), optional=OWNER_COLUMNS)
    owner_fields = tuple(name for name in OWNER_COLUMNS if name in index)
    return FileColumns(
        width=len(header),
        vin_index=index[VIN_COLUMN],
        owner_fields=owner_fields,
        owner_indexes=tuple(index[name] for name in owner_fields),
    )


def vin_import_header_check(*, first_line: bytes) -> FileColumns:
    """Check the header of an upload before it is queued (the form's early answer)."""
    text = first_line.decode("utf-8-sig", errors="replace")
    header = next(csv.reader([text.rstrip("\r\n")]), [])
    return vin_import_columns(header=header)


class RowRejected(Exception):
    def __init__(self, reason: str):
        self.reason = reason


class Candidate(NamedTuple):
    line: int
    vin: str
    model_label: str
    model_year: int
    owner: tuple[str, ...] | None  # aligned with FileColumns.owner_fields; None when all blank
    vin_as_written: str  # staged so a duplicate can be reported as written


class VinRowCheck:
    """Validates one data row against the header and the campaign's VIN screen."""

    def __init__(self, *, campaign: Campaign, columns: FileColumns):
        self.code = campaign.code
        self.columns = columns
        self.width = columns.width
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

    def check(self, row: list[str], line: int) -> Candidate:
        if len(row) != self.width:
            raise RowRejected(
                f"The row has {len(row)} values but the header has {self.width} columns "
                "(a missing or extra comma, or a value with a comma that is not in quotes)."
            )
        raw_vin = row[self.columns.vin_index]
        vin = raw_vin.strip().upper()
        # The fast path for a clean VIN; anything else goes through vin.decode, which also
        # accepts spaces and dashes and says in words what is wrong.
        if not (_VIN_SHAPE.fullmatch(vin) and vinlib.check_digit(vin) == vin[8]):
            if not vin:
                raise RowRejected("The VIN is missing.")
            try:
                vin = vinlib.decode(raw_vin).vin
            except vinlib.InvalidVin as exc:
                raise RowRejected(f"Invalid VIN: {exc.message}") from None
        # ScreenRange.covers, split: the index key matches WMI, VDS and model year, the loop the serial.
        model_year = vinlib.model_year(vin)
        serial = vin[10:]
        for screen_range in self.ranges.get((vin[:3], vin[3:8], model_year), ()):
            if screen_range.serial_from <= serial <= screen_range.serial_to:
                return Candidate(
                    line, vin, screen_range.model_label, model_year, self._owner(row), raw_vin.strip()
                )
        raise RowRejected(self._outside_reason(vinlib.decode(vin)))

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

    def _owner(self, row: list[str]) -> tuple[str, ...] | None:
        values = [row[i].strip() for i in self.columns.owner_indexes]
        if not any(values):
            return None
        # Quick checks that accept nearly every row; a row they doubt is checked field by
        # field, which says what is wrong (or finds, say, an unusual e-mail address fine).
        joined = "".join(values)
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
                raise RowRejected("Malformed owner data: " + "; ".join(problems) + ".")
        return tuple(values)


def _owner_field_problem(name: str, value: str) -> str | None:
    """What is wrong with one owner field, in words (not repeating it); None if it is fine."""
    if not value:
        return None
    if len(value) > _MAX_LENGTH[name]:
        return f"{name} is {len(value)} characters long; at most {_MAX_LENGTH[name]}"
    if "\n" in value or "\r" in value:
        return f"{name} contains a line break"
    if name == "state" and value not in US_STATE_CODES:
        return "state is not a US state or territory code (two letters, e.g. CA)"
    if name == "postal_code" and not _ZIP.fullmatch(value):
        return "postal_code is not a US ZIP code (12345 or 12345-6789)"
    if name == "phone" and not _PHONE.fullmatch(value):
        return "phone is not a US phone number (10 digits, e.g. 310-555-0123)"
    if name == "email":
        try:
            validate_email(value)
        except ValidationError:
            return "email is not an e-mail address"
    return None
