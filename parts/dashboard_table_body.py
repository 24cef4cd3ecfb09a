"""The parts dashboard tables' body, drawn without django-tables2's per-cell machinery.

django-tables2 renders each cell through ``call_with_appropriate`` (an ``inspect.signature`` per
cell), the column's attributes as HTML per cell, and a template variable lookup per cell: for the
national page's 25 dealers × 13 columns that was ~55 % of the page's server time (pyinstrument,
full fleet, SQLite). Headers (sort links), pagination and the CSV/XLSX export stay django-tables2's;
only ``<tbody>`` is drawn here, per column once: its ``<td>`` attributes, and a function from the
row to its cell's HTML. Each column class names that function (``cell``), next to its ``render``.
The export's rows (``table_values``, django-tables2's ``as_values`` without the per-cell
signature) take each column's ``value``, or the table's ``value_<name>``, the same way.
tests/parts/test_dashboard_table_body.py holds both equal to django-tables2's own output.

Measured (bench/parts_dashboard_bench.py, national page, SQLite, full fleet, process CPU p50):
see the README's Speed section.
"""

from __future__ import annotations

from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _plain(value) -> str:
    return "" if value is None else conditional_escape(value)


def table_body_rows(table) -> list[SafeString]:
    """``<tr>`` … ``</tr>`` for each row of the table's current page."""
    columns = []
    for bound in table.columns:
        attrs = bound.attrs.get("td")
        td = f"<td {attrs.as_html()}>" if attrs else "<td>"
        cell = getattr(bound.column, "cell", None)
        name = bound.name
        accessor = str(bound.accessor)
        if hasattr(table, f"cell_{name}"):
            draw = getattr(table, f"cell_{name}")
        elif cell is not None:
            draw = (lambda c, a: lambda record: c(getattr(record, a), record, table))(cell, accessor)
        else:
            draw = (lambda a: lambda record: _plain(getattr(record, a)))(accessor)
        columns.append((td, draw))
    return [
        mark_safe("<tr>" + "".join(f"{td}{draw(row.record)}</td>" for td, draw in columns) + "</tr>")
        for row in table.paginated_rows
    ]


def table_values(table):
    """The export's rows, header first, as django-tables2's ``as_values`` gives them."""
    columns = [bound for bound in table.columns.iterall() if not bound.column.exclude_from_export]
    getters = []
    for bound in columns:
        accessor, empty = str(bound.accessor), bound.column.empty_values
        own = getattr(table, f"value_{bound.name}", None)
        export = getattr(bound.column, "export", None)
        getters.append((accessor, empty, own, export))
    yield [force_str(bound.header, strings_only=True) for bound in columns]
    for row in table.rows:
        record = row.record
        values = []
        for accessor, empty, own, export in getters:
            value = getattr(record, accessor)
            if value in empty:
                value = None
            elif own is not None:
                value = own(value)
            elif export is not None:
                value = export(value, record, table)
            values.append(force_str(value, strings_only=True))
        yield values
