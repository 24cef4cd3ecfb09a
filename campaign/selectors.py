"""Reads about campaigns and VINs."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from functools import lru_cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Max

from campaign.eligibility import ScreenRange, VinState, vin_state
from campaign.models import AffectedVehicle, Campaign, CoveredModel, VinRange
from campaign.vin import DecodedVin, decode


def campaign_screen(campaign: Campaign) -> list[ScreenRange]:
    """The campaign's VIN table as the import screens rows against it: read afresh each call.

    Not cached: the import reads it once per file, and the look-up asks the database the
    same question in its one statement (``_lookup_sql``), so no process can hold an old
    VIN table after a range or covered model is edited, however the edit was made.
    """
    return [
        ScreenRange(
            wmi=r.wmi,
            vds=r.vds,
            model_year=r.covered_model.model_year,
            serial_from=r.serial_from,
            serial_to=r.serial_to,
            model_label=r.covered_model.model_label,
        )
        for r in VinRange.objects.filter(covered_model__campaign=campaign).select_related("covered_model")
    ]


@dataclass(frozen=True)
class CampaignVinStatus:
    campaign: Campaign
    state: VinState
    model_label: str | None

    @property
    def is_open(self) -> bool:
        return self.state == VinState.AFFECTED

    @property
    def remedy_available(self) -> bool:
        return self.campaign.remedy_available


@dataclass(frozen=True)
class VinLookup:
    decoded: DecodedVin
    statuses: list[CampaignVinStatus]  # every campaign that covers the VIN in any way
    last_updated: dt.datetime | None

    @property
    def vin(self) -> str:
        return self.decoded.vin

    @property
    def open_recalls(self) -> list[CampaignVinStatus]:
        return [s for s in self.statuses if s.state == VinState.AFFECTED]

    @property
    def pending(self) -> list[CampaignVinStatus]:
        return [s for s in self.statuses if s.state == VinState.IN_RANGE_LIST_NOT_POSTED]

    @property
    def model_label(self) -> str | None:
        return next((s.model_label for s in self.statuses if s.model_label), None)


# The look-up is the public API's hot path (README, "Speed"). Compiling an ORM query
# costs about a millisecond of Python, more than the database takes to answer it, so the
# steady state runs one hand-written statement. Per campaign it returns:
# - the columns that change when the campaign is edited (its version, as text: cheap to
#   read, only compared); full Campaign rows are cached per process by that version;
# - this VIN's status on the posted list (the unique (vehicle, campaign) constraint makes
#   that at most one row, and its index finds it);
# - the model label of the first range that covers the VIN, or NULL: ScreenRange.covers
#   (campaign.eligibility) in SQL, the model year included (the model-year trap).
#   Asking the database each time costs ~10 µs and replaces a per-process cache of the
#   VIN table that an edit in the admin could not reach (issue #6): there is nothing to
#   invalidate. tests/campaign/test_vin_lookup.py checks it against matching_range on
#   every edge of ALE's table.
_campaigns: dict[int, tuple[tuple, Campaign]] = {}


@lru_cache(maxsize=4)
def _lookup_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    campaign, affected = quote(Campaign._meta.db_table), quote(AffectedVehicle._meta.db_table)
    covered, ranges = quote(CoveredModel._meta.db_table), quote(VinRange._meta.db_table)
    # Serials compare as text, as in Python: byte order, whatever the database's collation.
    collate = ' COLLATE "C"' if vendor == "postgresql" else ""
    version = ", ".join(
        f"CAST(c.{column} AS TEXT)"
        for column in ("updated_at", "phase", "affected_list_posted_at", "data_updated_at")
    )
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
_lookup_cursors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _lookup_rows(db, decoded: DecodedVin) -> list[tuple]:
    sql = _lookup_sql(db.vendor)
    params = [decoded.vin, decoded.wmi, decoded.vds, decoded.model_year, decoded.serial, decoded.serial]
    if db.vendor != "postgresql" or db.queries_logged:
        # SQLite, or queries being recorded (tests, DEBUG): Django's own cursor logs the SQL.
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # PostgreSQL spends longer planning this statement than running it, so it is sent
    # with server-side binding, which psycopg prepares once per connection (settings:
    # OPTIONS prepare_threshold); Django's own cursors bind on the client and are never
    # prepared. Wrapped like any Django cursor, so database errors are translated.
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = _lookup_cursors.get(db.connection)
    if raw is None or raw.closed:
        raw = _lookup_cursors[db.connection] = psycopg.Cursor(db.connection)
    cursor = db.make_cursor(raw)
    cursor.execute(sql, params)
    return cursor.fetchall()


def _current_campaigns(versions: list[tuple]) -> list[Campaign]:
    """The Campaign rows matching ``versions`` ((id, *version columns)), from the cache when current."""
    stale = [v[0] for v in versions if _campaigns.get(v[0], ((),))[0] != v]
    if stale:
        fresh = Campaign.objects.in_bulk(stale)
        for version in versions:
            if version[0] in fresh:
                _campaigns[version[0]] = (version, fresh[version[0]])
    return [_campaigns[v[0]][1] for v in versions if v[0] in _campaigns]


def vin_lookup(*, vin: str) -> VinLookup:
    """Every campaign's verdict on one VIN. Raises ``InvalidVin`` for a malformed VIN.

    One query in steady state (see ``_lookup_sql``); after a campaign changes, the
    first look-up in each process also reloads its row.
    """
    decoded = decode(vin)
    db = connections[DEFAULT_DB_ALIAS]  # once: every attribute of the `connection` proxy is a lookup
    rows = _lookup_rows(db, decoded)
    found = {row[0]: (row[5], row[6]) for row in rows}  # id -> (list status, model label of the range)
    campaigns = _current_campaigns([row[:5] for row in rows])
    statuses = []
    for campaign in campaigns:
        entry_status, model_label = found[campaign.pk]
        state = vin_state(
            in_range=model_label is not None,
            list_posted=campaign.affected_list_posted_at is not None,
            entry_status=entry_status,
        )
        if state != VinState.NOT_COVERED:
            statuses.append(CampaignVinStatus(campaign, state, model_label))
    last_updated = max(
        (d for c in campaigns for d in (c.data_updated_at, c.affected_list_posted_at) if d is not None),
        default=None,
    )
    return VinLookup(decoded=decoded, statuses=statuses, last_updated=last_updated)


def campaigns_last_updated() -> dt.datetime | None:
    """When the public recall data last changed: a campaign edited or an affected list posted."""
    latest = Campaign.objects.aggregate(edited=Max("data_updated_at"), posted=Max("affected_list_posted_at"))
    return max((d for d in latest.values() if d is not None), default=None)
