"""Downloads of django-tables2 tables as CSV or XLSX, for every page that offers an export.

``table_export(request, table, name=...)`` answers ``?_export=csv`` / ``?_export=xlsx`` with
the whole (filtered, sorted) table, and returns ``None`` when the request asks for no export.
Every text cell goes through ``csv_cell_escape`` (a spreadsheet must not run a VIN cell as a
formula). The file name is the page's fixed ``name`` and today's date, built here: nothing
from the request reaches a response header. An unknown format is a 400, not a 500.
"""

from __future__ import annotations

import csv
import io
import re

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_tables2 import Table
from openpyxl import Workbook

from campaign.csv_safe import csv_row_escape
from campaign.errors import DomainError

EXPORT_PARAM = "_export"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def table_export(request: HttpRequest, table: Table, *, name: str) -> HttpResponse | None:
    """The table as a download if the request asks for one (``?_export=csv|xlsx``), else ``None``."""
    export_format = request.GET.get(EXPORT_PARAM)
    if not export_format:
        return None
    if export_format not in CONTENT_TYPES:
        raise DomainError(f"Exports are {' or '.join(CONTENT_TYPES)}.", field=EXPORT_PARAM)
    if not _NAME.fullmatch(name):
        raise ValueError(f"Export name {name!r}: lower-case letters, digits and dashes only")
    rows = (csv_row_escape(row) for row in table.as_values())
    content = _csv(rows) if export_format == "csv" else _xlsx(rows, title=name)
    response = HttpResponse(content, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}-{timezone.localdate():%Y-%m-%d}.{export_format}"
    )
    return response


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows, *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit on a sheet name
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
