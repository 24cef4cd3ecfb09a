"""The one guard every CSV (and XLSX) cell the product writes goes through.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also after a leading tab or carriage return ("CSV injection": a VIN column holding
``=HYPERLINK(...)`` becomes a link in the clerk's Excel). A leading apostrophe makes the
cell text; spreadsheets show it without the apostrophe. Numbers and dates are left alone:
only text can smuggle a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_escape(value: Any) -> Any:
    """``value``, with a ``'`` in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row_escape(values: Iterable[Any]) -> list[Any]:
    return [csv_cell_escape(value) for value in values]
