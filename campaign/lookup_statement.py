"""The VIN look-up's one hand-written statement, and how it is sent (prepared on PostgreSQL).

The public VIN API's hot path (README, "Speed") runs this instead of ORM queries:
compiling an ORM query costs about a millisecond of Python, more than the database
takes to answer it. Per campaign, newest first, the statement returns:

- ``id`` and the columns that change when the campaign is edited (its version, as text:
  cheap to read, only compared; ``campaign.selectors`` caches Campaign rows by it);
- this VIN's status on the posted list (the unique (vehicle, campaign) constraint makes
  that at most one row, and its index finds it);
- the model label of the first range that covers the VIN, or NULL: ScreenRange.covers
  (``campaign.eligibility``) asked of the database, model year included (the model-year
  trap). It replaced a per-process cache of the VIN table that an edit in the admin could
  not reach (issue #6): nothing is left to invalidate. It costs PostgreSQL 7 µs more per
  statement in a tight loop (13 -> 20 µs of backend CPU), 14 µs under the API bench
  (70 -> 84 µs a request, about 2 % of the request's CPU), and nothing measurable on
  SQLite. ``tests/campaign/test_vin_table_edits.py`` checks it against
  ``matching_range`` on every edge of ALE's table.

On PostgreSQL, outside a transaction (every request: they run in autocommit), the
statement is prepared once per connection and run with libpq's own ``exec_prepared``
(psycopg's ``pgconn``), its row loaded by psycopg's ``Transformer``. Planning it costs
PostgreSQL more than running it, and psycopg's cursor spends most of the look-up's
Python on adapting parameters, its prepared-statement bookkeeping and a Python loop that
waits for the answer. Anywhere else it goes through Django's cursor.

Measured 2026-12-01 (in-process through the WSGI handler, CPU per request, 2,500 requests,
best of 5, on the 2-core machine with other work running): through a psycopg cursor with
server-side binding (so prepared), 286 µs of Python + 56 µs of PostgreSQL; through
Django's own cursor (client-side binding, so planned anew every time), 366 + 224 µs.
Python opcodes for the whole request (a count other load does not move): 7,456 through
the prepared psycopg cursor, 6,845 this way. Re-measure before deleting: the simple form
is ``rows`` with only its last branch.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

import psycopg
from django.db import connection
from psycopg import pq
from psycopg.adapt import Transformer

from campaign.models import AffectedVehicle, Campaign, CoveredModel, VinRange
from campaign.vin import DecodedVin

VERSION_COLUMNS = ("updated_at", "phase", "affected_list_posted_at", "data_updated_at")


@lru_cache(maxsize=4)
def statement(vendor: str, *, marks: tuple[str, ...] = ("%s",) * 6) -> str:
    """The statement, its parameters written ``marks``: VIN, WMI, VDS, model year, serial twice."""
    vin, wmi, vds, year, serial_low, serial_high = marks
    quote = connection.ops.quote_name
    campaign, affected = quote(Campaign._meta.db_table), quote(AffectedVehicle._meta.db_table)
    covered, ranges = quote(CoveredModel._meta.db_table), quote(VinRange._meta.db_table)
    # Serials compare as text, as in Python: byte order, whatever the database's collation.
    collate = ' COLLATE "C"' if vendor == "postgresql" else ""
    version = ", ".join(f"CAST(c.{column} AS TEXT)" for column in VERSION_COLUMNS)
    return (
        f"SELECT c.id, {version}, "
        f"(SELECT a.status FROM {affected} a WHERE a.campaign_id = c.id AND a.vehicle_id = {vin}), "
        f"(SELECT m.model_label FROM {ranges} r JOIN {covered} m ON m.id = r.covered_model_id "
        f"WHERE m.campaign_id = c.id AND r.wmi = {wmi} AND r.vds = {vds} AND m.model_year = {year} "
        f"AND r.serial_from{collate} <= {serial_low} AND r.serial_to{collate} >= {serial_high} "
        f"ORDER BY m.position, r.position LIMIT 1) "
        f"FROM {campaign} c ORDER BY c.dir_filed_on DESC, c.code"
    )


def rows(db, decoded: DecodedVin) -> list[tuple]:
    """``(id, *version, list status, range model label)`` per campaign, for one valid VIN."""
    if db.vendor == "postgresql" and not (db.queries_logged or db.execute_wrappers or db.in_atomic_block):
        db.close_if_health_check_failed()
        db.ensure_connection()
        conn = db.connection
        # Outside any transaction only: the statement then runs on its own, as psycopg
        # would run it in autocommit, and a failed attempt (statement gone) harms nothing.
        if db.autocommit and conn.pgconn.transaction_status == pq.TransactionStatus.IDLE:
            year = None if decoded.model_year is None else b"%d" % decoded.model_year
            params = [
                decoded.vin.encode(),
                decoded.wmi.encode(),
                decoded.vds.encode(),
                year,
                decoded.serial.encode(),
            ]
            with db.wrap_database_errors:
                return _prepared_rows(conn, params)
    # SQLite; queries being recorded (DEBUG, assertNumQueries) or wrapped
    # (connection.execute_wrapper); or inside a transaction: Django's own cursor.
    serial = decoded.serial
    with db.cursor() as cursor:
        cursor.execute(
            statement(db.vendor), [decoded.vin, decoded.wmi, decoded.vds, decoded.model_year, serial, serial]
        )
        return cursor.fetchall()


PREPARED_NAME = b"campaign_vin_lookup"
_STATEMENT_GONE = b"26000"  # invalid_sql_statement_name: DISCARD ALL or DEALLOCATE ALL ran
_ALREADY_PREPARED = b"42P05"  # duplicate_prepared_statement

# psycopg connection -> the Transformer that loads its rows, once the statement is
# prepared on that connection's session. A new connection (Django reconnects) starts over.
_prepared: weakref.WeakKeyDictionary[psycopg.Connection, Transformer] = weakref.WeakKeyDictionary()


def _prepared_rows(
    conn: psycopg.Connection, params: list[bytes | None], *, retry: bool = True
) -> list[tuple]:
    loader = _prepared.get(conn)
    if loader is None:
        _prepare(conn)
        loader = _prepared[conn] = Transformer(conn)
    result = conn.pgconn.exec_prepared(PREPARED_NAME, params)
    if result.status != pq.ExecStatus.TUPLES_OK:
        if retry and result.error_field(pq.DiagnosticField.SQLSTATE) == _STATEMENT_GONE:
            del _prepared[conn]
            return _prepared_rows(conn, params, retry=False)
        if conn.pgconn.status == pq.ConnStatus.BAD:  # as psycopg says it: the session is gone
            raise psycopg.OperationalError(result.error_message.decode(errors="replace"))
        raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)


def _prepare(conn: psycopg.Connection) -> None:
    # Parameter types are left to PostgreSQL, which reads them off the columns compared.
    sql = statement("postgresql", marks=("$1", "$2", "$3", "$4", "$5", "$5"))
    result = conn.pgconn.prepare(PREPARED_NAME, sql.encode(), None)
    if (
        result.status != pq.ExecStatus.COMMAND_OK
        and result.error_field(pq.DiagnosticField.SQLSTATE) != _ALREADY_PREPARED
    ):
        raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
