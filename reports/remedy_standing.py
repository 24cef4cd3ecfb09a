"""Where each entry of a campaign stood at an instant, counted per region: one raw SQL statement.

``reports.remedy_report`` turns these counts into the §573.7 figures. An entry counts if it was
put on the list (``added_at``) before the instant; it stands where its last ``OutcomeChange``
before the instant put it, last by ``at`` and then by id (``at`` may be backdated, so that
is not the last by id); an entry with no change before the instant is open.

The simple form this replaced, a correlated subquery per entry::

    last = (
        OutcomeChange.objects.filter(entry=OuterRef("pk"), at__lt=end)
        .order_by("-at", "-pk")
        .values(where=Concat("to_status", Value("|"), "unreachable_reason"))[:1]
    )
    AffectedVehicle.objects.filter(campaign=campaign, added_at__lt=end).annotate(
        stood=Coalesce(Subquery(last), Value("open|"))
    ).values("stood", region=F("vehicle__servicing__dealer__region_id")).annotate(n=Count("pk"))

Measured 2026-12-02 at full scale (138,869 entries, 100,212 changes, the current quarter
2026-Q4) on the machine shared with other work (load ~1.2), old and new alternating in one
process, p50 (min) of 11 runs, the function alone: PostgreSQL 734 (681) ms before, an index
probe per entry and ~370 ms of JIT compiling (the subplan's cost passes jit_above_cost),
204 (167) ms with this statement; SQLite 269 (258) ms before, 195 (190) ms now. The report
page (bench/reports_dashboard_bench.py --reuse --only remedy): PostgreSQL p50 803 -> 166 ms,
SQLite 305 -> 258 ms. A quarter before the list was posted (2010-Q4) costs the same as before
(~30 ms on PostgreSQL, ~10 ms on SQLite: the scan of the campaign's entries).

Why SQL and not the ORM: the ORM joins ``campaign_vehicle`` between the entry and its
servicing dealer (an inner join on the VIN that PostgreSQL cannot drop: +80 ms here), and it
cannot aggregate over a window-function filter (``.filter(rank=1)`` then ``.annotate(n=Count())``
groups by the change's id, one row per change). Why this shape: PostgreSQL plans the "no later
change" test as one hash anti-join over the changes; SQLite runs it as a probe of the
(entry, at) index per change and reads each entry's changes from that index. A window
function (ROW_NUMBER() OVER (PARTITION BY entry ORDER BY at DESC, id DESC), rn = 1) measured
the same or slower on PostgreSQL, even reading an (entry, at DESC, id DESC) INCLUDE (status,
reason) index in its order, and took 1.5-2x as long on SQLite; PostgreSQL estimates its
``rn = 1`` at 0.5% of the rows, which led it to nested loops when the window came first.
DISTINCT ON (PostgreSQL only) over that index was no faster either, and the index with the
status and reason as keys (no table read on SQLite) made no difference the noise showed: no
new index.

The anti-join reads every campaign's changes before the instant, not only this campaign's
(the changes hold no campaign): the join on the entry keeps only this campaign's, but with
several large campaigns the cost grows with all of them.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from campaign.models import AffectedVehicle

Status = AffectedVehicle.Status

# Counted per servicing dealer first, then per the dealer's region (a few hundred rows): one
# join to the dealers on the aggregate instead of one per entry.
STANDING_SQL = """
SELECT dealer.region_id, counted.to_status, counted.unreachable_reason, SUM(counted.n)
FROM (
    SELECT servicing.dealer_id, latest.to_status, latest.unreachable_reason, COUNT(*) AS n
    FROM campaign_affectedvehicle entry
    LEFT JOIN (
        SELECT change.entry_id, change.to_status, change.unreachable_reason
        FROM repairs_outcomechange change
        WHERE change.at < %(end)s
        AND NOT EXISTS (
            SELECT 1
            FROM repairs_outcomechange later
            WHERE later.entry_id = change.entry_id
            AND later.at < %(end)s
            AND (later.at, later.id) > (change.at, change.id)
        )
    ) latest ON latest.entry_id = entry.id
    LEFT JOIN dealers_servicingdealer servicing ON servicing.vehicle_id = entry.vehicle_id
    WHERE entry.campaign_id = %(campaign)s AND entry.added_at < %(end)s
    GROUP BY servicing.dealer_id, latest.to_status, latest.unreachable_reason
) counted
LEFT JOIN dealers_dealer dealer ON dealer.id = counted.dealer_id
GROUP BY dealer.region_id, counted.to_status, counted.unreachable_reason
"""


def standing_by_region(*, campaign_id: int, end: dt.datetime) -> list[tuple[int | None, str, str, int]]:
    """(region id, status, unreachable reason, entries) for the entries listed before ``end``.

    Region None: no servicing dealer. Status "open" and reason "" for an entry with no change
    before ``end``; the same (region, status, reason) may come twice (open by no change, open
    by an undo).
    """
    params = {"campaign": campaign_id, "end": connection.ops.adapt_datetimefield_value(end)}
    with connection.cursor() as cursor:
        cursor.execute(STANDING_SQL, params)
        rows = cursor.fetchall()
    # SUM() of counts is NUMERIC on PostgreSQL (a Decimal here): the snapshot stores JSON ints.
    return [(region, status or Status.OPEN, reason or "", int(n)) for region, status, reason, n in rows]
