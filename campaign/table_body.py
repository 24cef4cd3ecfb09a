"""Figure tables' body and export rows, drawn without django-tables2's per-cell machinery.

django-tables2 draws each cell through ``call_with_appropriate`` (an ``inspect.signature`` of the
render function per cell), the column's attributes per cell (``computed_values``, an
``AttributeDict``) and a template variable per cell. On the dashboards' figure tables (25 rows
of 13 to 17 columns a table, several tables a page) that was about half of the page's server
time, and nearly all of a CSV export's: pyinstrument, full fleet, SQLite.

``FastBodyTable`` is a ``django_tables2.Table`` whose template (``tables/figures_table.html``)
keeps django-tables2's header, sort links and pagination and takes ``<tbody>`` from
``body_rows()``; its ``as_values()`` gives the CSV/XLSX rows. Both call the very functions
django-tables2 would (the table's ``render_<name>`` / ``value_<name>``, else the column's
``render`` / ``value``) with the arguments each asks for, but read each signature once per
column instead of once per cell. Empty values get the column's default; a cell is escaped and
localised as ``{{ cell }}`` would be; rows keep their even/odd classes.
tests/test_table_body.py holds the HTML and the export rows equal to django-tables2's own for
every table that uses this. The simple form this replaces is the plain ``django_tables2.Table``
with the default template: drop the base class and the ``template_name`` to go back.

What django-tables2 does that this does not (a table that needs it stays a plain Table):
records are read by attribute (dataclasses, plain objects; not dicts, nor a model field's
``get_FOO_display``, nor a method called); ``<td>`` attributes are computed once per column,
not per cell; no link or many-to-many columns.

Measured 2026-12-02 on the full-scale databases (138,869 vehicles, 230 dealers), as ``admin``,
through the test client, DEBUG off: this process's CPU per request, p50 of 30 after 3 warm-ups
(SQLite: the median of 10 rounds' p50), the code before (a9809f0) and after run alternately.
The machine was busy (load average 1.8-3.0 on 2 cores), which inflates CPU time: before, at
load 0.5, the national page took 115 ms.

=========================================  ======================  =====================
page                                       SQLite, 10 rounds        PostgreSQL, 2 rounds
=========================================  ======================  =====================
``/reports/`` (national)                   160 -> 105 ms            93-122 -> 54-68 ms
``/reports/?table=dealers&_export=csv``    233 -> 83 ms             150-198 -> 46-48 ms
=========================================  ======================  =====================

The page's HTML is the same but for whitespace between tags; the CSV lost its links. What is
left of the national page (pyinstrument, SQLite): the board's queries and their rows ~45 %,
the five tables ~20 % (their bodies half of it, header and pagination the rest), the crispy
filter form ~15 %, the tables' construction ~6 %. ``bench/reports_dashboard_bench.py --reuse
<database> --only national`` measures the same pages; the parts dashboard's figures are in the
README's Speed section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter

import django_tables2 as tables
from django.templatetags.l10n import localize as localize_filter
from django.templatetags.l10n import unlocalize as unlocalize_filter
from django.utils import formats
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import A, signature

# What django-tables2 offers a render or value function (BoundRow._optional_cell_arguments);
# ``_arguments`` gives the same.
_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})

Call = Callable[[dict], object]


class FastBodyTable(tables.Table):
    """A table whose body and export rows skip django-tables2's per-cell work (module docstring).

    Subclasses' ``Meta`` inherit from ``FastBodyTable.Meta`` for the template."""

    class Meta:
        template_name = "tables/figures_table.html"

    def body_rows(self) -> list[SafeString]:
        return table_body_rows(self)

    def as_values(self, exclude_columns=None) -> Iterator[list]:
        return table_values(self, exclude_columns=exclude_columns)


# Each render/value function's (argument names, ``**`` name), read once a process: a table's
# methods are new bound methods per table, hence keyed by the function under them.
_SIGNATURES: dict[Callable, tuple[tuple[str, ...], str | None]] = {}


def _caller(function) -> Call:
    """``call_with_appropriate(function, given)``, its signature read once."""
    key = getattr(function, "__func__", function)
    if key not in _SIGNATURES:
        _SIGNATURES[key] = signature(function)
    names, catch_all = _SIGNATURES[key]
    if catch_all:
        return lambda given: function(**given)
    if not _ARGUMENTS.issuperset(names):
        return lambda given: None  # django-tables2 does not call it either
    if names == ("value",):
        return lambda given: function(value=given["value"])
    return lambda given: function(**{name: given[name] for name in names})


def _arguments(value, row, bound, table) -> dict:
    return {
        "value": value,
        "record": row.record,
        "column": bound.column,
        "bound_column": bound,
        "bound_row": row,
        "table": table,
    }


def _getter(bound) -> Callable:
    if isinstance(bound.column, BaseLinkColumn | ManyToManyColumn):
        raise TypeError(f"{bound.name}: link and many-to-many columns need django-tables2's own body")
    accessor = str(bound.accessor)
    return attrgetter(accessor) if accessor.isidentifier() else A(accessor).resolve


def _as_html(content, localize: bool | None) -> str:
    """``content`` as django-tables2's template writes ``{{ cell }}`` (with ``|localize`` or
    ``|unlocalize`` when the column asks)."""
    if localize is not None:
        content = localize_filter(content) if localize else unlocalize_filter(content)
    if type(content) is str:
        return escape(content)
    if isinstance(content, SafeData):
        return content
    return conditional_escape(str(formats.localize(template_localtime(content))))


def table_body_rows(table) -> list[SafeString]:
    """``<tr>`` … ``</tr>`` for each row of the table's current page."""
    columns = []
    for bound in table.columns:
        td = f"<td {bound.attrs['td'].as_html()}>"
        render = _caller(bound.render)
        link = bound.link
        empty = bound.column.empty_values
        columns.append((bound, td, _getter(bound), empty, render, link, bound.default, bound.localize))
    # A row's attributes are its even/odd class alone unless the table sets row_attrs.
    plain_rows = not table.row_attrs
    rows = []
    for row in table.paginated_rows:
        record = row.record
        cells = [
            f'<tr class="{row.get_even_odd_css_class()}">' if plain_rows else f"<tr {row.attrs.as_html()}>"
        ]
        for bound, td, get, empty, render, link, default, localize in columns:
            value = get(record)
            if value in empty:
                content = default
            else:
                given = _arguments(value, row, bound, table)
                content = render(given)
                if link:
                    content = link(content, **given)
            cells.append(f"{td}{_as_html(content, localize)}</td>")
        cells.append("</tr>")
        rows.append(mark_safe("".join(cells)))
    return rows


def _exporter(bound) -> Call:
    value = bound.value
    # Column.value's default calls the column's render through call_with_appropriate: per cell.
    if getattr(value, "__func__", None) is tables.Column.value:
        value = bound.column.render
    return _caller(value)


def table_values(table, *, exclude_columns=None) -> Iterator[list]:
    """The export's rows, header first, as django-tables2's ``Table.as_values`` gives them."""
    exclude_columns = exclude_columns or ()
    columns = [
        bound
        for bound in table.columns.iterall()
        if not (bound.column.exclude_from_export or bound.name in exclude_columns)
    ]
    getters = [(bound, _getter(bound), bound.column.empty_values, _exporter(bound)) for bound in columns]
    yield [force_str(bound.header, strings_only=True) for bound in columns]
    for row in table.rows:
        record = row.record
        values = []
        for bound, get, empty, export in getters:
            value = get(record)
            value = None if value in empty else export(_arguments(value, row, bound, table))
            values.append(force_str(value, strings_only=True))
        yield values
