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

Measured 2026-12-01 (in-process through the WSGI handler, CPU per request, 2,500 requests,
best of 5, on the 2-core machine with other work running): sent as below, 286 µs of Python
+ 56 µs of PostgreSQL; through Django's own cursor (client-side binding, so planned anew
every time), 366 + 224 µs. Re-measure before deleting: the simple form is ``rows`` with
only its first branch.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

import psycopg
from django.db import connection

from campaign.models import AffectedVehicle, Campaign, CoveredModel, VinRange
from campaign.vin import DecodedVin

VERSION_COLUMNS = ("updated_at", "phase", "affected_list_posted_at", "data_updated_at")


@lru_cache(maxsize=4)
def statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    campaign, affected = quote(Campaign._meta.db_table), quote(AffectedVehicle._meta.db_table)
    covered, ranges = quote(CoveredModel._meta.db_table), quote(VinRange._meta.db_table)
    # Serials compare as text, as in Python: byte order, whatever the database's collation.
    collate = ' COLLATE "C"' if vendor == "postgresql" else ""
    version = ", ".join(f"CAST(c.{column} AS TEXT)" for column in VERSION_COLUMNS)
    return (
        f"SELECT c.id, {version}, "
        f"(SELECT a.status FROM {affected} a WHERE a.campaign_id = c.id AND a.vehicle_id = %s), "
        f"(SELECT m.model_label FROM {ranges} r JOIN {covered} m ON m.id = r.covered_model_id "
        f"WHERE m.campaign_id = c.id AND r.wmi = %s AND r.vds = %s AND m.model_year = %s "
        f"AND r.serial_from{collate} <= %s AND r.serial_to{collate} >= %s "
        f"ORDER BY m.position, r.position LIMIT 1) "
        f"FROM {campaign} c ORDER BY c.dir_filed_on DESC, c.code"
    )


# One psycopg cursor per database connection, reused by every look-up on it: a new
# cursor builds its own type adapters, which costs as much as running the statement.
_cursors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rows(db, decoded: DecodedVin) -> list[tuple]:
    """``(id, *version, list status, range model label)`` per campaign, for one valid VIN."""
    sql = statement(db.vendor)
    params = [decoded.vin, decoded.wmi, decoded.vds, decoded.model_year, decoded.serial, decoded.serial]
    if db.vendor != "postgresql" or db.queries_logged or db.execute_wrappers:
        # SQLite, or queries being recorded (tests, DEBUG) or wrapped
        # (connection.execute_wrapper): Django's own cursor does that.
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # PostgreSQL spends longer planning this statement than running it, so it is sent
    # with server-side binding, which psycopg prepares once per connection (settings:
    # OPTIONS prepare_threshold); Django's own cursors bind on the client and are never
    # prepared. The checks and error translation are those of Django's CursorWrapper,
    # done here without it: the wrapper wraps ``fetchall`` in a new function on every
    # call, and the two cost ~5 µs of the look-up's CPU (measured 2026-12-01).
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    raw = _cursors.get(db.connection)
    if raw is None or raw.closed:
        raw = _cursors[db.connection] = psycopg.Cursor(db.connection)
    with db.wrap_database_errors:
        raw.execute(sql, params)
        return raw.fetchall()
