"""CSV upload of pre-owned inventory: columns ``vin, stock_number, received_on``.

Same contract and mechanism as the affected-VIN import (``campaign.csv_rows``): every bad
row is reported with its line number and reason (unreadable, invalid VIN, duplicate in file,
already in stock, bad date, missing stock number), the valid rows land together in one
transaction, and the rejects (line, VIN, reason) can be downloaded as a CSV by the uploader.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.csv_rows import CsvRows, Reject, RejectsWriter, RowsReport, csv_header_index, reject_vin
from campaign.errors import DomainError
from dealers.inventory import NewUnit, inventory_units_create, stock_number_clean
from dealers.inventory_selectors import stock_conflicts
from dealers.models import InventoryUnit

COLUMNS = ("vin", "stock_number", "received_on")
MAX_ROWS = 20_000
REJECTS_DIR = "inventory-rejects"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class InventoryImportResult(RowsReport):
    added: int = 0
    held: int = 0
    rejects_token: str = ""
    sample_size: int = field(default=200, repr=False)  # the upload page lists this many


def received_on_parse(raw: str) -> dt.date:
    """A receipt date as dealers write it: 2010-07-01 or 7/1/2010. ``ValueError`` otherwise."""
    raw = raw.strip()
    if match := _US_DATE.match(raw):
        month, day, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(raw)


def _rows(rows: CsvRows):
    """(line, values by column, problem) for every non-blank row after the header."""
    try:
        header = rows.header()
        if not header:
            raise DomainError(
                "The file is empty. The first line must be the header: vin,stock_number,received_on."
            )
        index = csv_header_index(header, required=COLUMNS, others_allowed=True)
    except DomainError as exc:
        # About the file as a whole: the upload form shows it on its file field.
        raise DomainError(exc.message, field="file") from None
    for line, row, problem in rows:
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
        yield line, values, problem


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
    rejects: list[Reject] = []
    candidates: list[tuple[int, dict[str, str], NewUnit]] = []
    vin_lines: dict[str, int] = {}
    stock_lines: dict[str, int] = {}
    with CsvRows(file) as rows:
        for line, values, problem in _rows(rows):
            result.read += 1
            if result.read > MAX_ROWS:
                raise DomainError(
                    f"The file has more than {MAX_ROWS:,} rows; split it and upload each part.", field="file"
                )
            reason, unit = problem, None
            if reason is None:
                reason, unit = _reject_reason(values, today)
            if unit is not None and unit.vin in vin_lines:
                reason = f"duplicate in file: VIN also on line {vin_lines[unit.vin]}"
            elif unit is not None and unit.stock_number in stock_lines:
                reason = f"duplicate in file: stock number also on line {stock_lines[unit.stock_number]}"
            if reason:
                rejects.append(Reject(line, reject_vin(values["vin"]), reason))
                continue
            vin_lines[unit.vin] = line
            stock_lines[unit.stock_number] = line
            candidates.append((line, values, unit))

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
                rejects.append(Reject(line, reject_vin(values["vin"]), reason))
            result.added, result.held = inventory_units_create(dealer_id=dealer_id, units=valid, user=user)
    except IntegrityError:
        # A clerk added one of these units while the file was being checked; nothing was written.
        raise DomainError(
            "Someone added one of these units while the file was being processed; nothing was "
            "imported. Upload the file again."
        ) from None

    rejects.sort()
    for reject in rejects:
        result.add_reject(reject)
    if rejects:
        result.rejects_token = _rejects_save(user=user, rejects=rejects)
    return result


def _rejects_path(user_id: int, token: str) -> str:
    # The uploader's id is part of the path: only they can fetch their rejects.
    return f"{REJECTS_DIR}/{user_id}/{token}.csv"


def _rejects_save(*, user, rejects: list[Reject]) -> str:
    token = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory() as folder:
        writer = RejectsWriter(Path(folder) / "rejects.csv")
        for reject in rejects:
            writer.write(reject)
        writer.close()
        with open(writer.path, "rb") as written:
            default_storage.save(_rejects_path(user.pk, token), File(written))
    return token


def inventory_rejects_open(*, user, token: str):
    """The rejects CSV of one of the user's own uploads; ``DomainError(not_found)`` otherwise."""
    path = _rejects_path(user.pk, token)
    if not _TOKEN.match(token) or not default_storage.exists(path):
        raise DomainError("No such rejects file.", code="not_found")
    return default_storage.open(path, "rb")
