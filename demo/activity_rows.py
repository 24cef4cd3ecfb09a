"""The demo activity's plumbing: the bulk writer for its rows, the remedy a VIN's repair uses,
and the entries still open.

Rows go straight into the models' tables through the import's bulk writer (COPY on
PostgreSQL, executemany on SQLite) with pks allocated here: ``bulk_create`` of the full fleet's
~430,000 activity rows took 110 s on a loaded machine, this 21 s, and ``seed_demo`` must stay
under a minute on SQLite.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

from campaign import vin as vinlib
from campaign.bulk_write import Table, copy_rows, db_value
from campaign.models import AffectedVehicle, Campaign, RemedyOperation
from dealers.models import InventoryUnit, ServicingDealer


def append(model: type[Model], rows: Iterable[dict], *, with_pk: bool = False) -> None:
    """Append history and line rows (no pks needed back) through the import's bulk writer: COPY
    on PostgreSQL, executemany on SQLite, several times faster than ``bulk_create``. Every
    column is written: a missing value takes its field's default (``auto_now_add`` fields get
    the past dates given, as history rows dated weeks back must)."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    table = Table(model)
    prepared: dict = {}

    def prep(field, value):
        if isinstance(value, dt.date):  # dates and datetimes as the backend stores them, once each
            key = (field.attname, value)
            if key not in prepared:
                prepared[key] = db_value(model=model, field=field.name, value=value)
            return prepared[key]
        return value

    defaults = {f.attname: f.get_default() for f in fields}
    copy_rows(
        table=table.name,
        columns=[table.quote(f.column) for f in fields],
        rows=(tuple(prep(f, row.get(f.attname, defaults[f.attname])) for f in fields) for row in rows),
    )


def append_objects(model: type[Model], objs: list[Model]) -> None:
    """Rows whose pks ``_pk_counter`` gave (their children point at them): written like ``_append``."""
    fields = [f.attname for f in model._meta.concrete_fields]
    append(model, ({name: getattr(o, name) for name in fields} for o in objs), with_pk=True)


def pk_counter(model: type[Model]) -> Iterator[int]:
    """Fresh pks for ``model``, after its last; ``_sequences_reset`` then moves PostgreSQL's
    sequence past them (the seed runs alone, inside one transaction)."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return itertools.count(last + 1)


def sequences_reset(*models: type[Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))  # none on SQLite
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def operations_by_range(campaign: Campaign) -> list[tuple[str, str, int, str, str, RemedyOperation]]:
    ops = RemedyOperation.objects.filter(covered_model__campaign=campaign).select_related("covered_model")
    rows = []
    for op in ops.prefetch_related("covered_model__ranges", "parts"):
        for r in op.covered_model.ranges.all():
            rows.append((r.wmi, r.vds, op.covered_model.model_year, r.serial_from, r.serial_to, op))
    return rows


def operation_for(vin: str, ranges) -> RemedyOperation | None:
    decoded = vinlib.decode(vin)
    for wmi, vds, year, low, high, op in ranges:
        if (decoded.wmi, decoded.vds, decoded.model_year) == (
            wmi,
            vds,
            year,
        ) and low <= decoded.serial <= high:
            return op
    return None


def open_entries(campaign: Campaign) -> list[tuple[int, str, int]]:
    """(entry id, VIN, servicing dealer id) of the open entries, VINs held in inventory excepted
    (their stop-sale follows the list; the demo keeps them held)."""
    held = set(InventoryUnit.objects.values_list("vin", flat=True))
    dealer_of = dict(ServicingDealer.objects.values_list("vehicle_id", "dealer_id"))
    rows = AffectedVehicle.objects.filter(campaign=campaign, status=AffectedVehicle.Status.OPEN)
    return [
        (pk, vin, dealer_of[vin])
        for pk, vin in rows.order_by("pk").values_list("pk", "vehicle_id").iterator(chunk_size=10000)
        if vin not in held and vin in dealer_of
    ]
