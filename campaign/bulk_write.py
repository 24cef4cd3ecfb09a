"""Bulk writes for the affected-VIN import, leaner than the ORM's.

The import must stay within 20x of a raw bulk insert of the same rows (README, "Speed");
``bulk_create`` of one table alone is about 18x. So rows are streamed with ``COPY`` on
PostgreSQL and ``executemany`` on SQLite into a TEMP staging table, and merged into the
model tables with a few set-based statements whose table and column names come from the
models' ``_meta`` (never hard-coded, so they cannot drift from the models).

Everything runs on the DB-API cursor under Django's wrapper: the same connection, so inside
the caller's transaction, but out of Django's debug query log, where (under ``DEBUG``) every
statement would keep its thousands of parameters and memory would grow with the file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models


@contextmanager
def raw_cursor(*, using: str = "default") -> Iterator[Any]:
    """The DB-API cursor: psycopg's, or Django's thin SQLite one that turns %s into ?."""
    with connections[using].cursor() as wrapper:
        yield wrapper.cursor


def db_value(*, model: type[models.Model], field: str, value: Any, using: str = "default") -> Any:
    """``value`` as the database stores it in ``model.field``, ready to pass as a parameter.

    On PostgreSQL a datetime becomes ISO text: psycopg's datetime dumper costs a few
    microseconds a value, which adds up to a second over a large file, and the server
    parses the text just as well.
    """
    connection = connections[using]
    prepared = model._meta.get_field(field).get_db_prep_save(value, connection=connection)
    if connection.vendor == "postgresql" and isinstance(prepared, dt.datetime):
        return prepared.isoformat()
    return prepared


class Table:
    """Quoted table and column names of a model, for hand-written SQL."""

    def __init__(self, model: type[models.Model], *, using: str = "default"):
        self.model = model
        self.connection = connections[using]
        self.quote = self.connection.ops.quote_name
        self.name = self.quote(model._meta.db_table)

    def col(self, field: str) -> str:
        return self.quote(self.model._meta.get_field(field).column)

    def qcol(self, field: str) -> str:
        """The column qualified by the table, for statements that join another table."""
        return f"{self.name}.{self.col(field)}"

    def param(self, field: str) -> str:
        """A placeholder for a value of ``field`` in a SELECT list.

        PostgreSQL types a bare text parameter there as text, which a timestamp column then
        refuses; SQLite must not cast (CAST to its DATETIME affinity would turn text into a number).
        """
        if self.connection.vendor == "postgresql":
            return f"CAST(%s AS {self.model._meta.get_field(field).db_type(self.connection)})"
        return "%s"

    def defaults(self, given: Sequence[str]) -> dict[str, Any]:
        """Every other concrete field's default, as a database value (the ORM would fill them too).

        A field another app adds later, with a default, still gets a value on insert.
        """
        out = {}
        for f in self.model._meta.concrete_fields:
            if f.name in given or (f.primary_key and isinstance(f, models.AutoField)):
                continue
            value = f.get_default()  # "" for a text field without a default, as the ORM does
            if value is None and not f.null:
                raise TypeError(
                    f"Inserting into {self.model._meta.label} needs a value for {f.name} (no default)"
                )
            out[f.name] = f.get_db_prep_save(value, connection=self.connection)
        return out


def execute(sql: str, params: Sequence[Any] = (), *, using: str = "default") -> int:
    """Run one statement; returns the number of rows it changed."""
    with raw_cursor(using=using) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params: Sequence[Any] = (), *, using: str = "default") -> list[tuple]:
    """Run one query and return all its rows (for small results)."""
    with raw_cursor(using=using) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stream(
    sql: str, params: Sequence[Any] = (), *, batch: int = 2000, using: str = "default"
) -> Iterator[tuple]:
    """The rows of a query, ``batch`` at a time: memory stays flat however many there are."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        # psycopg's ordinary cursor fetches the whole result on execute; a named (server-side)
        # cursor streams it, inside the current transaction.
        connection.ensure_connection()
        with connection.connection.cursor(name=f"stream_{uuid.uuid4().hex[:12]}") as cursor:
            cursor.itersize = batch
            cursor.execute(sql, params)
            yield from cursor
        return
    with raw_cursor(using=using) as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield from rows


def copy_rows(
    *, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], using: str = "default"
) -> None:
    """Append rows to a table (names already quoted): COPY on PostgreSQL, executemany elsewhere."""
    connection = connections[using]
    column_list = ", ".join(columns)
    with raw_cursor(using=using) as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", rows)


class TempTable:
    """A TEMP table on the caller's connection, inside its transaction (a rollback removes it too).

    The import keeps its working rows here, on the database side, so memory stays flat
    whatever the file's size. Names are generated; ``columns`` are (plain identifier, SQL type).
    """

    def __init__(
        self,
        *,
        prefix: str,
        columns: Sequence[tuple[str, str]],
        using: str = "default",
    ):
        self.using = using
        connection = connections[using]
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name
        self.bare_name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        self.name = self.quote(self.bare_name)
        self.columns = [name for name, _ in columns]
        definition = ", ".join(f"{self.quote(name)} {kind} NOT NULL" for name, kind in columns)
        execute(f"CREATE TEMPORARY TABLE {self.name} ({definition})", using=using)

    def col(self, name: str) -> str:
        return f"{self.name}.{self.quote(name)}"

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows in ``columns`` order."""
        copy_rows(table=self.name, columns=[self.quote(c) for c in self.columns], rows=rows, using=self.using)

    def drop(self) -> None:
        execute(f"DROP TABLE IF EXISTS {self.name}", using=self.using)
