"""Which vehicles a mailing reaches, counted and written in set-based SQL.

The selection is the campaign's open (unremedied) affected vehicles with a mailable address:
an owner name, a street, a city, a state and a ZIP, and no undeliverable mark. A vehicle that
already has a letter of the mailing's kind in this campaign is left out (a rerun sends nothing
twice; the database refuses it anyway, ``letter_once_per_campaign_kind``). A follow-up
(577.10) reaches only vehicles whose owner notification was mailed and that are still open.

Letters are written by ONE ``INSERT … SELECT`` numbered in ZIP order (``ROW_NUMBER()``, the
mailing order and the manifest's), and the chunks by one ``INSERT … SELECT … GROUP BY``: for
ALE's 138,869 vehicles that is a couple of seconds where ``bulk_create`` from Python took
tens (bench/mailing_bench.py). Names come from the models' ``_meta``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from campaign.bulk_write import Table, execute, fetch
from campaign.models import AffectedVehicle, Vehicle
from mailings.models import Letter, Mailing, MailingChunk

Kind = Mailing.Kind


@dataclass(frozen=True)
class SelectionCounts:
    open_vehicles: int  # the base: open entries (for a follow-up: open and notified)
    already_mailed: int
    no_address: int
    undeliverable: int
    to_send: int


class _Sql:
    def __init__(self) -> None:
        self.a, self.v, self.lt = Table(AffectedVehicle), Table(Vehicle), Table(Letter)

    def base(self, kind: str) -> tuple[str, list]:
        """FROM … WHERE for the open entries of the campaign (first parameter: campaign id)."""
        a, v, lt = self.a, self.v, self.lt
        sql = (
            f"FROM {a.name} a JOIN {v.name} v ON v.{v.col('vin')} = a.{a.col('vehicle')} "
            f"WHERE a.{a.col('campaign')} = %s AND a.{a.col('status')} = %s"
        )
        params: list = [AffectedVehicle.Status.OPEN]
        if kind == Kind.FOLLOW_UP:
            sql += (
                f" AND EXISTS (SELECT 1 FROM {lt.name} n WHERE n.{lt.col('campaign')} = a.{a.col('campaign')} "
                f"AND n.{lt.col('kind')} = %s AND n.{lt.col('vehicle')} = v.{v.col('vin')} "
                f"AND n.{lt.col('mailed_on')} IS NOT NULL)"
            )
            params.append(Kind.NOTIFICATION)
        return sql, params

    def mailed(self) -> str:
        a, v, lt = self.a, self.v, self.lt
        return (
            f"EXISTS (SELECT 1 FROM {lt.name} m WHERE m.{lt.col('campaign')} = a.{a.col('campaign')} "
            f"AND m.{lt.col('kind')} = %s AND m.{lt.col('vehicle')} = v.{v.col('vin')})"
        )

    def no_address(self) -> str:
        v = self.v
        return (
            "("
            + " OR ".join(
                f"v.{v.col(f)} = ''" for f in ("owner_name", "address1", "city", "state", "postal_code")
            )
            + ")"
        )

    def undeliverable(self) -> str:
        return f"v.{self.v.col('address_undeliverable_at')} IS NOT NULL"


def selection_counts(*, campaign_id: int, kind: str) -> SelectionCounts:
    """One query: the base and, in order of precedence, why vehicles are left out."""
    q = _Sql()
    base, params = q.base(kind)
    mailed, no_address, undeliverable = q.mailed(), q.no_address(), q.undeliverable()
    row = fetch(
        f"SELECT COUNT(*), "
        f"SUM(CASE WHEN {mailed} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN NOT {mailed} AND {no_address} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN NOT {mailed} AND NOT {no_address} AND {undeliverable} THEN 1 ELSE 0 END) "
        f"{base}",
        [kind, kind, kind, campaign_id, *params],
    )[0]
    total, already, missing, marked = (int(x or 0) for x in row)
    return SelectionCounts(
        open_vehicles=total,
        already_mailed=already,
        no_address=missing,
        undeliverable=marked,
        to_send=total - already - missing - marked,
    )


# A pilot (or the demo's) mailing to a named handful of vehicles: a list this long at most.
ONLY_VINS_MAX = 1000
# Letters written at once beyond which the table's statistics are refreshed (PostgreSQL).
ANALYZE_AFTER = 10_000


def letters_write(*, mailing: Mailing, only_vins: Sequence[str] | None = None) -> int:
    """Write the mailing's letters (address as mailed, ZIP order, chunk numbers) and its chunks.

    ``only_vins``: of the selection, only these vehicles (a pilot mailing)."""
    q = _Sql()
    lt, v = q.lt, q.v
    base, params = q.base(mailing.kind)
    if only_vins is not None:
        if not 0 < len(only_vins) <= ONLY_VINS_MAX:
            raise ValueError(f"only_vins: 1 to {ONLY_VINS_MAX} VINs, not {len(only_vins)}")
        base += f" AND v.{v.col('vin')} IN ({', '.join(['%s'] * len(only_vins))})"
        params = [*params, *only_vins]
    order = f"ROW_NUMBER() OVER (ORDER BY v.{v.col('postal_code')}, v.{v.col('vin')})"
    owner = ("owner_name", "address1", "address2", "city", "state", "postal_code")
    interim = (
        f"(SELECT i.{lt.col('mailed_on')} FROM {lt.name} i WHERE i.{lt.col('campaign')} = a.{q.a.col('campaign')} "
        f"AND i.{lt.col('kind')} = %s AND i.{lt.col('vehicle')} = v.{v.col('vin')})"
    )
    columns = [
        "mailing",
        "campaign",
        "kind",
        "vehicle",
        "model_label",
        "model_year",
        "sequence",
        "chunk",
        *owner,
        "interim_mailed_on",
    ]
    postgresql = lt.connection.vendor == "postgresql"
    if postgresql:
        # The statement probes the letters table it is filling (already mailed? an interim
        # notice?), once per vehicle. Its statistics say it is empty, so PostgreSQL would scan
        # it whole for every probe, a scan that grows with every row: 645 s for ALE's fleet
        # (bench/mailing_bench.py) instead of a few seconds by the unique index. As in the
        # VIN import's merge (campaign.vin_import_merge), for this one statement.
        execute("SET LOCAL enable_seqscan = off")
        execute("SET LOCAL jit = off")
    written = execute(
        f"INSERT INTO {lt.name} ({', '.join(lt.col(c) for c in columns)}) "
        f"SELECT %s, %s, %s, v.{v.col('vin')}, v.{v.col('model_label')}, v.{v.col('model_year')}, "
        f"{order}, ({order} - 1) / %s + 1, "
        f"{', '.join(f'v.{v.col(c)}' for c in owner)}, {interim} "
        f"{base} AND NOT {q.mailed()} AND NOT {q.no_address()} AND NOT {q.undeliverable()}",
        [
            mailing.pk,
            mailing.campaign_id,
            mailing.kind,
            mailing.chunk_size,
            Kind.INTERIM,
            mailing.campaign_id,
            *params,
            mailing.kind,
        ],
    )
    if postgresql:
        execute("SET LOCAL enable_seqscan TO DEFAULT")
        execute("SET LOCAL jit TO DEFAULT")
    if written >= ANALYZE_AFTER and postgresql:
        # The statistics still say the table is as it was: without them PostgreSQL plans each
        # chunk's letters (mailing, chunk) as a scan of the whole table, minutes for a fleet.
        execute(f"ANALYZE {lt.name}")
    c = Table(MailingChunk)
    execute(
        f"INSERT INTO {c.name} ({', '.join(c.col(f) for f in ('mailing', 'number', 'first_sequence', 'last_sequence', 'letters', 'status', 'claimed_by', 'attempt', 'pages', 'error'))}) "
        f"SELECT %s, {lt.col('chunk')}, MIN({lt.col('sequence')}), MAX({lt.col('sequence')}), COUNT(*), %s, '', 0, 0, '' "
        f"FROM {lt.name} WHERE {lt.col('mailing')} = %s GROUP BY {lt.col('chunk')}",
        [mailing.pk, MailingChunk.Status.PENDING, mailing.pk],
    )
    return written
