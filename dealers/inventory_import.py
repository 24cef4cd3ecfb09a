"""CSV upload of pre-owned inventory: columns ``vin, stock_number, received_on``.

Same contract as the affected-VIN import: every bad row is reported with its line number
and reason (invalid VIN, duplicate in file, already in stock, bad date, missing stock
number), the valid rows land together in one transaction, and the rejects can be
downloaded as a CSV to fix and upload again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from dealers.inventory import NewUnit, inventory_units_create, stock_number_clean
from dealers.inventory_selectors import stock_conflicts
from dealers.models import InventoryUnit

COLUMNS = ("vin", "stock_number", "received_on")
MAX_ROWS = 20_000
REJECTS_DIR = "inventory-rejects"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Reject:
    line: int
    vin: str
    stock_number: str
    received_on: str
    reason: str


@dataclass
class InventoryImportResult:
    read: int = 0
    added: int = 0
    held: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejects_token: str = ""

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def received_on_parse(raw: str) -> dt.date:
    """A receipt date as dealers write it: 2010-07-01 or 7/1/2010. ``ValueError`` otherwise."""
    raw = raw.strip()
    if match := _US_DATE.match(raw):
        month, day, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(raw)


def _rows(file: IO[bytes]):
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    header = next(reader, None)  # a UnicodeDecodeError here is reported by inventory_import
    if not header:
        raise DomainError(
            "The file is empty. The first line must be the header: vin,stock_number,received_on."
        )
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise DomainError(
            f"The header row lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            "it must name vin, stock_number and received_on."
        )
    index = {c: names.index(c) for c in COLUMNS}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
        yield reader.line_num, values


def _reject_reason(values: dict[str, str], today: dt.date) -> tuple[str | None, NewUnit | None]:
    try:
        vin = vinlib.validate(values["vin"])
    except vinlib.InvalidVin as exc:
        return f"invalid VIN: {exc.message}", None
    stock_number = stock_number_clean(values["stock_number"])
    if not stock_number:
        return "missing stock number", None
    if len(stock_number) > InventoryUnit._meta.get_field("stock_number").max_length:
        return "stock number longer than 20 characters", None
    if not values["received_on"]:
        return "bad date: received_on is empty (use YYYY-MM-DD)", None
    try:
        received_on = received_on_parse(values["received_on"])
    except ValueError:
        return f"bad date: {values['received_on']!r} is not a date (use YYYY-MM-DD)", None
    if received_on > today:
        return f"bad date: {received_on:%Y-%m-%d} is in the future", None
    return None, NewUnit(vin=vin, stock_number=stock_number, received_on=received_on)


def inventory_import(*, dealer_id: int, file: IO[bytes], user) -> InventoryImportResult:
    """Check every row, then add the valid ones in one transaction; report the rest."""
    result = InventoryImportResult()
    today = timezone.localdate()
    candidates: list[tuple[int, dict[str, str], NewUnit]] = []
    vin_lines: dict[str, int] = {}
    stock_lines: dict[str, int] = {}
    try:
        for line, values in _rows(file):
            result.read += 1
            if result.read > MAX_ROWS:
                raise DomainError(f"The file has more than {MAX_ROWS:,} rows; split it and upload each part.")
            reason, unit = _reject_reason(values, today)
            if unit is not None and unit.vin in vin_lines:
                reason = f"duplicate in file: VIN also on line {vin_lines[unit.vin]}"
            elif unit is not None and unit.stock_number in stock_lines:
                reason = f"duplicate in file: stock number also on line {stock_lines[unit.stock_number]}"
            if reason:
                result.rejects.append(
                    Reject(line, values["vin"], values["stock_number"], values["received_on"], reason)
                )
                continue
            vin_lines[unit.vin] = line
            stock_lines[unit.stock_number] = line
            candidates.append((line, values, unit))
    except UnicodeDecodeError as exc:
        raise DomainError(
            f"The file is not UTF-8 text ({exc.reason}); save it as CSV UTF-8 and upload again."
        ) from None
    except csv.Error as exc:
        raise DomainError(f"The file is not a readable CSV: {exc}.") from None

    try:
        with transaction.atomic():
            by_vin, by_stock = stock_conflicts(
                dealer_id=dealer_id,
                vins=[u.vin for _, _, u in candidates],
                stock_numbers=[u.stock_number for _, _, u in candidates],
            )
            valid = []
            for line, values, unit in candidates:
                if unit.vin in by_vin:
                    reason = f"already in stock as stock number {by_vin[unit.vin]}"
                elif unit.stock_number in by_stock:
                    reason = f"already in stock: stock number used by {by_stock[unit.stock_number]}"
                else:
                    valid.append(unit)
                    continue
                result.rejects.append(
                    Reject(line, values["vin"], values["stock_number"], values["received_on"], reason)
                )
            result.added, result.held = inventory_units_create(dealer_id=dealer_id, units=valid, user=user)
    except IntegrityError:
        # A clerk added one of these units while the file was being checked; nothing was written.
        raise DomainError(
            "Someone added one of these units while the file was being processed; nothing was "
            "imported. Upload the file again."
        ) from None

    result.rejects.sort(key=lambda r: r.line)
    if result.rejects:
        result.rejects_token = _rejects_save(user=user, rejects=result.rejects)
    return result


def _rejects_path(user_id: int, token: str) -> str:
    # The uploader's id is part of the path: only they can fetch their rejects.
    return f"{REJECTS_DIR}/{user_id}/{token}.csv"


def _rejects_save(*, user, rejects: list[Reject]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "vin", "stock_number", "received_on", "reason"])
    for r in rejects:
        writer.writerow([r.line, r.vin, r.stock_number, r.received_on, r.reason])
    token = secrets.token_urlsafe(18)
    default_storage.save(_rejects_path(user.pk, token), ContentFile(out.getvalue().encode("utf-8")))
    return token


def inventory_rejects_open(*, user, token: str):
    """The rejects CSV of one of the user's own uploads, or 404."""
    path = _rejects_path(user.pk, token)
    if not _TOKEN.match(token) or not default_storage.exists(path):
        raise Http404("No such rejects file.")
    return default_storage.open(path, "rb")
