"""Reading an uploaded CSV row by row, rejecting what cannot be read, and reporting the rejects.

The one mechanism behind every CSV import (affected VINs here, pre-owned inventory in
``dealers``, and the returned-mail, shipment and price-list imports to come):

- ``CsvRows`` decodes the upload line by line. A line that is not UTF-8, holds a NUL byte,
  is longer than ``max_line_chars`` or that the ``csv`` module cannot parse becomes a reject
  of that row with its line number; the rows after it are read as usual. Blank lines are
  skipped. Only an unreadable header stops the import.
- ``csv_header_index`` checks a header and says in words what is wrong with it.
- ``Reject(line, vin, reason)`` is a rejected row, ``RowsReport`` the counts and the first
  rejects for display, ``RejectsWriter`` the rejects CSV: exactly ``line, vin, reason``. The
  rest of a rejected row is never copied: in these files it is owners' names and addresses.

Line numbers count physical lines (a quoted value with a line break spans two), as an editor
shows them.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from campaign.csv_safe import csv_row_escape
from campaign.errors import DomainError

# Far above any real row (an affected VIN with a full owner is ~2,100 characters) and below
# the csv module's own field limit (131,072), so one line never trips that limit.
MAX_LINE_CHARS = 64 * 1024
REJECTS_HEADER = ("line", "vin", "reason")
# How much of the VIN cell a reject repeats: a VIN is 17; anything much longer is not a VIN
# (a shifted column, say) and must not carry other data into the rejects file.
REJECT_VIN_CHARS = 40
# Bytes that are not UTF-8 come through as lone surrogates (errors="surrogateescape").
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_LINE_ENDS = ("\n", "\r")

NOT_UTF8 = "The row is not UTF-8 text; save the file as 'CSV UTF-8' and import it again."
HAS_NUL = (
    "The row contains a NUL byte (binary data, or a file saved as UTF-16); "
    "save the file as 'CSV UTF-8' and import it again."
)


class Reject(NamedTuple):
    """A row left out of an import. A tuple, so rejects sort (and merge) by line."""

    line: int
    vin: str
    reason: str


def reject_vin(raw: str) -> str:
    """The VIN cell as written, fit for a report: trimmed, undecodable bytes shown as U+FFFD."""
    value = raw.strip()[:REJECT_VIN_CHARS]
    if not value.isascii():
        value = _NOT_UTF8.sub("\ufffd", value)
    return value


@dataclass
class RowsReport:
    """What an import read and rejected; ``sample_rejects`` are the first few, in line order."""

    read: int = 0
    rejected: int = 0
    sample_rejects: list[Reject] = field(default_factory=list)
    sample_size: int = field(default=20, repr=False)

    def add_reject(self, reject: Reject) -> None:
        self.rejected += 1
        if len(self.sample_rejects) < self.sample_size:
            self.sample_rejects.append(reject)

    def add_late_rejects(self, count: int, first: Iterable[Reject]) -> None:
        """Rejects found after the file was read (duplicates): keep the sample the lowest lines."""
        self.rejected += count
        self.sample_rejects = heapq.nsmallest(self.sample_size, [*self.sample_rejects, *first])


def csv_header_index(
    header: list[str], *, required: Sequence[str], optional: Sequence[str] = (), others_allowed: bool = False
) -> dict[str, int]:
    """Column name -> index for the columns the import knows; ``DomainError`` saying what is wrong.

    Names are matched without case or surrounding spaces. ``others_allowed`` lets a file carry
    columns the import ignores (and unnamed ones).
    """
    names = [name.strip().lower() for name in header]
    known = (*required, *optional)
    expected = ", ".join([*(f"{name} (required)" for name in required), *optional])
    if not any(names):
        raise DomainError(f"The first line should be a header naming the columns: {expected}.")
    if not others_allowed:
        blank = [str(i) for i, name in enumerate(names, start=1) if not name]
        if blank:
            raise DomainError(
                f"The header has no name for column {', '.join(blank)}; the columns are: {expected}."
            )
        unknown = [name for name in names if name not in known]
        if unknown:
            raise DomainError(
                f"Unknown column{'s' if len(unknown) > 1 else ''} in the header: "
                f"{', '.join(repr(n) for n in unknown)}. The columns are: {expected}."
            )
    repeated = sorted({name for name in names if name in known and names.count(name) > 1})
    if repeated:
        raise DomainError(f"The header names {', '.join(repr(n) for n in repeated)} more than once.")
    missing = [name for name in required if name not in names]
    if missing:
        raise DomainError(
            f"The header has no {', '.join(repr(n) for n in missing)} column{'s' if len(missing) > 1 else ''}; "
            f"the columns are: {expected}."
        )
    return {name: names.index(name) for name in known if name in names}


class CsvRows:
    """The rows of a CSV upload (a binary stream the caller owns and closes).

    ``header()`` reads line 1; iterating gives ``(line, values, problem)`` for every non-blank
    row after it, ``problem`` being ``None`` or why the row cannot be imported (``values`` is
    then what could be read of it, possibly nothing). Use it as a context manager.
    """

    def __init__(self, source: IO[bytes], *, max_line_chars: int = MAX_LINE_CHARS):
        self._text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
        self._max_line_chars = max_line_chars
        self._problems: dict[int, str] = {}
        self._reader = csv.reader(self._lines())

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # The caller owns the stream: don't let the wrapper close it.
        self._text.detach()

    def header(self) -> list[str] | None:
        """Line 1 as values; ``None`` for an empty file; ``DomainError`` if it cannot be read."""
        try:
            header = next(self._reader, None)
        except csv.Error as exc:
            raise DomainError(f"Line 1 cannot be read as CSV ({exc}).") from None
        if problem := self._problem_in(1, self._reader.line_num):
            raise DomainError(f"Line 1, the header: {problem}")
        return header

    def __iter__(self) -> Iterator[tuple[int, list[str], str | None]]:
        reader, problems = self._reader, self._problems
        last = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # The csv reader starts afresh on the next line: one bad row, not a bad file.
                line, last = last + 1, reader.line_num
                self._problem_in(line, last)
                yield line, [], f"The row cannot be read as CSV ({exc})."
                continue
            line, last = last + 1, reader.line_num
            if problems and (problem := self._problem_in(line, last)):
                yield line, row, problem
            elif row and (row[0].strip() or any(value.strip() for value in row)):
                yield line, row, None

    def _problem_in(self, first: int, last: int) -> str | None:
        """The first problem found on lines ``first..last`` (one row), forgetting them all."""
        found = None
        for number in range(first, last + 1):
            problem = self._problems.pop(number, None)
            if found is None:
                found = problem
        return found

    def _lines(self) -> Iterator[str]:
        """The file's lines for the csv reader, each checked once; a bad one is noted by number."""
        readline, limit, problems = self._text.readline, self._max_line_chars, self._problems
        for number in itertools.count(1):
            line = readline(limit)
            if not line:
                return
            if len(line) == limit and not line.endswith(_LINE_ENDS):
                # Read the rest of the line in pieces, so memory stays bounded, and drop it.
                while (rest := readline(limit)) and not rest.endswith(_LINE_ENDS):
                    pass
                problems[number] = f"The line is longer than {limit:,} characters."
                yield "\n"
            elif "\x00" in line:
                problems[number] = HAS_NUL
                yield line.replace("\x00", "")
            elif not line.isascii() and _NOT_UTF8.search(line):
                problems[number] = NOT_UTF8
                yield line
            else:
                yield line


class RejectsWriter:
    """The rejects CSV, written as rejects are found: ``line, vin, reason``, cells escaped.

    The file is created at the first reject (a clean import leaves none) and must be written
    in line order; ``merge`` adds rejects found later (duplicates) in their place.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file: IO[str] | None = None
        self._writer: Any = None

    def write(self, reject: Reject) -> None:
        if self._writer is None:
            self._file = open(self.path, "w", newline="", encoding="utf-8", errors="replace")  # noqa: SIM115
            self._writer = csv.writer(self._file)
            self._writer.writerow(REJECTS_HEADER)
        self._writer.writerow(csv_row_escape(reject))

    @property
    def written(self) -> bool:
        return self._writer is not None

    def merge(self, later: Iterator[Reject]) -> int:
        """Add rejects sorted by line into the file, keeping it in line order; how many were added.

        Both streams are sorted by line: a streaming merge into a new file keeps memory flat.
        """
        first = next(later, None)
        if first is None:
            return 0
        later = itertools.chain([first], later)
        added = 0
        if not self.written:
            for reject in later:
                self.write(reject)
                added += 1
            return added
        self.close()
        original, merged = self.path, self.path.with_name(self.path.name + ".partial")
        with open(original, newline="", encoding="utf-8") as earlier_file:
            earlier = csv.reader(earlier_file)
            next(earlier)  # the header
            earlier_rejects = (Reject(int(line), vin, reason) for line, vin, reason in earlier)
            self.path, self._writer = merged, None
            for reject, is_later in heapq.merge(
                ((r, False) for r in earlier_rejects),
                ((r, True) for r in later),
                key=lambda pair: pair[0].line,
            ):
                self.write(reject)
                added += is_later
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


def rejects_read(source: IO[bytes], *, limit: int) -> list[Reject]:
    """The first ``limit`` rejects of a rejects CSV, for a page's preview.

    Columns are found by name: files written before rejects were cut down to
    ``line, vin, reason`` still carry the whole row, and only these three are shown.
    """
    text = io.TextIOWrapper(source, encoding="utf-8", errors="replace", newline="")
    try:
        reader = csv.reader(text)
        names = [name.strip().lower() for name in next(reader, [])]
        if not all(name in names for name in REJECTS_HEADER):
            return []
        at_line, at_vin, at_reason = (names.index(name) for name in REJECTS_HEADER)
        width = len(names)
        return [
            Reject(int(row[at_line]), row[at_vin], row[at_reason])
            for row in itertools.islice(reader, limit)
            if len(row) == width
        ]
    finally:
        text.detach()
