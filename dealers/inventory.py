"""Writes to pre-owned inventory: add, deliver, and the stop-sale re-check.

The seed asks dealers "not to deliver any pre-owned vehicles in their inventory which are
involved in this safety recall until the defect has been remedied". A unit is held while
its VIN has an open entry on any campaign's posted list; the flag is stored on the unit
(``stop_sale``) so held-unit lists are one indexed query, and every change of it is an
``InventoryEvent`` row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Q
from django.urls import reverse
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign
from dealers.inventory_selectors import (
    open_campaigns_by_vin,
    open_codes,
    open_entries,
    stock_conflicts,
)
from dealers.inventory_signals import stop_sale_changed
from dealers.models import DealerNotice, InventoryEvent, InventoryUnit

IN_STOCK = InventoryUnit.Status.IN_STOCK
Kind = InventoryEvent.Kind
BATCH = 1000
STOP_SALE = "Stop sale — do not deliver until remedied"


@dataclass(frozen=True)
class NewUnit:
    """A unit to add, already checked: a valid VIN, a stock number, a receipt date."""

    vin: str
    stock_number: str
    received_on: dt.date


@dataclass(frozen=True)
class RecheckResult:
    flagged: int
    cleared: int
    notices: int


def stop_sale_reason(campaigns: Sequence[Campaign]) -> str:
    """What a clerk reads when a delivery is refused: which campaign, and what to do."""
    names = "; ".join(f"{c.code} ({c.title})" for c in campaigns)
    if any(c.remedy_available for c in campaigns):
        todo = "Have the service department perform the recall remedy, then mark the unit delivered."
    else:
        todo = (
            "The remedy is not available yet (parts pending): keep the unit held and have the "
            "service department perform the remedy as soon as parts arrive."
        )
    plural = "s" if len(campaigns) > 1 else ""
    return f"{STOP_SALE}: open safety recall{plural} {names}. {todo}"


def stock_number_clean(raw: str) -> str:
    return " ".join((raw or "").split())


def inventory_unit_check(*, vin: str, stock_number: str, received_on: dt.date | None) -> NewUnit:
    """Validate one unit's fields; raises ``DomainError`` naming the field."""
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None
    stock_number = stock_number_clean(stock_number)
    if not stock_number:
        raise DomainError("Enter the stock number the dealership gave this unit.", field="stock_number")
    if len(stock_number) > InventoryUnit._meta.get_field("stock_number").max_length:
        raise DomainError("A stock number has at most 20 characters.", field="stock_number")
    if received_on is None:
        raise DomainError("Enter the date the unit was received.", field="received_on")
    if received_on > timezone.localdate():
        raise DomainError(
            f"The date received ({received_on:%Y-%m-%d}) is in the future.", field="received_on"
        )
    return NewUnit(vin=vin, stock_number=stock_number, received_on=received_on)


def inventory_units_create(*, dealer_id: int, units: Sequence[NewUnit], user=None) -> tuple[int, int]:
    """Insert checked units in bulk, flagging the affected ones as they land: (added, held).

    Call inside a transaction; the caller has checked for duplicates. One query per 500
    VINs finds the open campaigns, then units and their events go in with bulk inserts.
    """
    now = timezone.now()
    created = 0
    held_vins: list[str] = []
    for start in range(0, len(units), BATCH):
        chunk = units[start : start + BATCH]
        campaigns = open_campaigns_by_vin(vins=[u.vin for u in chunk])
        rows = [
            InventoryUnit(
                dealer_id=dealer_id,
                vin=u.vin,
                stock_number=u.stock_number,
                received_on=u.received_on,
                stop_sale=u.vin in campaigns,
                stop_sale_since=now if u.vin in campaigns else None,
                stop_sale_campaigns=", ".join(c.code for c in campaigns.get(u.vin, [])),
                created_by=user,
            )
            for u in chunk
        ]
        InventoryUnit.objects.bulk_create(rows)
        events = [InventoryEvent(unit=row, kind=Kind.ADDED, by=user) for row in rows]
        events += [
            InventoryEvent(unit=row, kind=Kind.FLAGGED, by=user, note=stop_sale_reason(campaigns[row.vin]))
            for row in rows
            if row.stop_sale
        ]
        InventoryEvent.objects.bulk_create(events)
        created += len(rows)
        held_vins += [row.vin for row in rows if row.stop_sale]
    if held_vins:
        stop_sale_changed.send(sender=InventoryUnit, vins=held_vins)
    return created, len(held_vins)


def inventory_add(
    *, dealer_id: int, vin: str, stock_number: str, received_on: dt.date | None, user
) -> InventoryUnit:
    """Add one pre-owned unit to a dealer's stock; an affected VIN is held at once."""
    unit = inventory_unit_check(vin=vin, stock_number=stock_number, received_on=received_on)
    try:
        with transaction.atomic():
            by_vin, by_stock = stock_conflicts(
                dealer_id=dealer_id, vins=[unit.vin], stock_numbers=[unit.stock_number]
            )
            if unit.vin in by_vin:
                raise DomainError(
                    f"{unit.vin} is already in stock here as stock number {by_vin[unit.vin]}.", field="vin"
                )
            if unit.stock_number in by_stock:
                raise DomainError(
                    f"Stock number {unit.stock_number} is already used by {by_stock[unit.stock_number]}.",
                    field="stock_number",
                )
            inventory_units_create(dealer_id=dealer_id, units=[unit], user=user)
    except IntegrityError:
        # Another clerk added the same VIN or stock number between our check and insert.
        raise DomainError(
            f"{unit.vin} or stock number {unit.stock_number} was just added by someone else.", field="vin"
        ) from None
    return InventoryUnit.objects.get(dealer_id=dealer_id, vin=unit.vin, status=IN_STOCK)


def inventory_deliver(*, unit_id: int, user, note: str = "") -> InventoryUnit:
    """Mark a unit delivered, or refuse (and record the refusal) while a recall is open on it.

    The unit row is locked and the VIN's open campaigns are read live under the lock, so a
    double submission, two clerks at once, or a list import whose re-check has not run yet
    cannot let an affected unit go out. The check constraint
    ``inventory_no_delivery_under_stop_sale`` is the last line.
    """
    with transaction.atomic():
        unit = InventoryUnit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise DomainError("No such pre-owned unit.", code="not_found")
        if unit.status != IN_STOCK:
            raise DomainError(
                f"Stock number {unit.stock_number} is no longer in stock "
                f"({unit.get_status_display().lower()}); nothing to deliver."
            )
        now = timezone.now()
        campaigns = open_campaigns_by_vin(vins=[unit.vin]).get(unit.vin, [])
        if campaigns:
            reason = stop_sale_reason(campaigns)
            codes = ", ".join(c.code for c in campaigns)
            if not unit.stop_sale or unit.stop_sale_campaigns != codes:
                # The list changed and the re-check has not reached this unit yet: hold it now.
                newly = not unit.stop_sale
                if newly:
                    unit.stop_sale_since = now
                    InventoryEvent.objects.create(unit=unit, kind=Kind.FLAGGED, by=user, note=reason)
                unit.stop_sale = True
                unit.stop_sale_campaigns = codes
                unit.save(update_fields=["stop_sale", "stop_sale_since", "stop_sale_campaigns"])
                if newly:
                    stop_sale_changed.send(sender=InventoryUnit, vins=[unit.vin])
            InventoryEvent.objects.create(unit=unit, kind=Kind.DELIVERY_REFUSED, by=user, note=reason)
        else:
            if unit.stop_sale:
                # Remedied since it was flagged: the hold is lifted as the unit goes out.
                InventoryEvent.objects.create(
                    unit=unit, kind=Kind.CLEARED, by=user, note=f"{unit.stop_sale_campaigns} remedied."
                )
            unit.status = InventoryUnit.Status.DELIVERED
            unit.stop_sale = False
            unit.stop_sale_since = None
            unit.stop_sale_campaigns = ""
            unit.save(update_fields=["status", "stop_sale", "stop_sale_since", "stop_sale_campaigns"])
            InventoryEvent.objects.create(unit=unit, kind=Kind.DELIVERED, by=user, note=note)
            return unit
    # Outside the block: the refusal and any new flag are committed before we say no.
    raise DomainError(
        reason, field="stop_sale", code="conflict", extra={"campaigns": [c.code for c in campaigns]}
    )


def _notice_message(count: int, codes: str) -> str:
    units = "1 unit" if count == 1 else f"{count} units"
    return f"{units} newly on stop sale ({codes}) — do not deliver until remedied."


def _affected_list_statistics_refresh() -> None:
    """Give PostgreSQL's planner fresh statistics on the affected list before the re-check.

    The re-check runs right after a bulk list import, before autovacuum has analysed the new
    rows. Planned on an "empty" table, the semi-join below scanned the whole list once per
    unit: 19 s for the 478 demo units over 138,869 entries, against 12 ms with statistics.
    ANALYZE samples the table (about 0.1 s for ALE) and only runs when a fifth of it changed.
    """
    if connection.vendor != "postgresql":
        return
    table = AffectedVehicle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.n_mod_since_analyze FROM pg_class c "
            "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [table],
        )
        row = cursor.fetchone()
        if row is None:
            return
        tuples, modified = row
        if tuples < 0 or modified > 0.2 * max(tuples, 1000):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@transaction.atomic
def inventory_recheck(*, campaign_id: int | None = None, vins: Iterable[str] | None = None) -> RecheckResult:
    """Bring every in-stock unit's stop-sale flag in line with the posted lists.

    Set-based: one UPDATE flags the units that an open entry now covers (only that
    campaign's entries when ``campaign_id`` is given), one lifts holds whose campaigns are
    all closed for the VIN, one refreshes the campaign codes of units still held. Events
    and one notice per dealer with newly held units are bulk inserts. Running it twice
    changes nothing the second time.
    """
    _affected_list_statistics_refresh()
    now = timezone.now()
    in_stock = InventoryUnit.objects.filter(status=IN_STOCK)
    if vins is not None:
        vins = list(vins)
        in_stock = in_stock.filter(vin__in=vins)

    # Newly held: stop_sale_since = now marks this run's rows, read back for events and notices.
    flagged = (
        in_stock.filter(stop_sale=False)
        .filter(Exists(open_entries(campaign_id=campaign_id)))
        .update(stop_sale=True, stop_sale_since=now, stop_sale_campaigns=open_codes())
    )
    newly = InventoryUnit.objects.filter(status=IN_STOCK, stop_sale=True, stop_sale_since=now)
    if flagged:
        events: list[InventoryEvent] = []
        for unit_id, codes in newly.values_list("id", "stop_sale_campaigns").iterator(chunk_size=BATCH):
            events.append(
                InventoryEvent(unit_id=unit_id, kind=Kind.FLAGGED, note=f"{STOP_SALE}: open recall {codes}.")
            )
            if len(events) >= BATCH:
                InventoryEvent.objects.bulk_create(events)
                events = []
        InventoryEvent.objects.bulk_create(events)

    # Holds to lift: flagged units with no open entry left (remedied, not needed, taken off a list).
    # Few at a time, so their ids are read under lock before the update.
    to_clear = in_stock.filter(stop_sale=True).exclude(Exists(open_entries()))
    cleared_rows = list(to_clear.select_for_update().values_list("id", "stop_sale_campaigns"))
    for start in range(0, len(cleared_rows), BATCH):
        chunk = cleared_rows[start : start + BATCH]
        InventoryUnit.objects.filter(id__in=[pk for pk, _ in chunk]).update(
            stop_sale=False, stop_sale_since=None, stop_sale_campaigns=""
        )
        InventoryEvent.objects.bulk_create(
            InventoryEvent(unit_id=pk, kind=Kind.CLEARED, note=f"No open recall left ({codes} closed).")
            for pk, codes in chunk
        )

    # Units held before this run whose set of open campaigns changed (a second campaign, one closed).
    in_stock.filter(stop_sale=True).exclude(stop_sale_since=now).filter(
        ~Q(stop_sale_campaigns=open_codes())
    ).update(stop_sale_campaigns=open_codes())

    if flagged or cleared_rows:
        stop_sale_changed.send(sender=InventoryUnit, vins=vins)
    notices = []
    if flagged:
        link = reverse("inventory-held")
        per_dealer = newly.order_by().values("dealer_id").annotate(n=Count("id"))
        code = Campaign.objects.filter(pk=campaign_id).values_list("code", flat=True).first()
        notices = DealerNotice.objects.bulk_create(
            DealerNotice(
                dealer_id=row["dealer_id"],
                kind=DealerNotice.Kind.STOP_SALE,
                message=_notice_message(row["n"], code or "open recall"),
                link=link,
            )
            for row in per_dealer
        )
    return RecheckResult(flagged=flagged, cleared=len(cleared_rows), notices=len(notices))


def inventory_recheck_vins(*, vins: Iterable[str], user=None, note: str = "") -> RecheckResult:
    """The stop-sale re-check for the few VINs a service just moved (a remedy, an outcome, an undo).

    Runs in the caller's transaction, so the release is committed with the remedy that
    caused it. The units are locked and the VINs' open campaigns read live; each flag or
    release is an event naming who and why (``note``: the RO or outcome). Unlike
    ``inventory_recheck`` it skips the list-statistics refresh: a handful of VINs is an
    index look-up, and ANALYZE's table lock would serialise every completion.
    """
    vins = list(dict.fromkeys(vins))
    with transaction.atomic():
        units = list(InventoryUnit.objects.select_for_update().filter(status=IN_STOCK, vin__in=vins))
        if not units:
            return RecheckResult(flagged=0, cleared=0, notices=0)
        campaigns = open_campaigns_by_vin(vins=vins)
        now = timezone.now()
        events: list[InventoryEvent] = []
        newly_held: dict[int, int] = {}
        cleared = 0
        for unit in units:
            open_now = campaigns.get(unit.vin, [])
            codes = ", ".join(c.code for c in open_now)
            if open_now and not unit.stop_sale:
                unit.stop_sale, unit.stop_sale_since = True, now
                events.append(
                    InventoryEvent(
                        unit=unit,
                        kind=Kind.FLAGGED,
                        by=user,
                        note=f"{stop_sale_reason(open_now)} {note}".strip(),
                    )
                )
                newly_held[unit.dealer_id] = newly_held.get(unit.dealer_id, 0) + 1
            elif not open_now and unit.stop_sale:
                events.append(
                    InventoryEvent(
                        unit=unit,
                        kind=Kind.CLEARED,
                        by=user,
                        note=f"No open recall left ({unit.stop_sale_campaigns} closed). {note}".strip(),
                    )
                )
                unit.stop_sale, unit.stop_sale_since = False, None
                cleared += 1
            elif unit.stop_sale_campaigns == codes:
                continue
            unit.stop_sale_campaigns = codes
            unit.save(update_fields=["stop_sale", "stop_sale_since", "stop_sale_campaigns"])
        InventoryEvent.objects.bulk_create(events)
        if newly_held or cleared:
            stop_sale_changed.send(sender=InventoryUnit, vins=vins)
        notices = DealerNotice.objects.bulk_create(
            DealerNotice(
                dealer_id=dealer_id,
                kind=DealerNotice.Kind.STOP_SALE,
                message=_notice_message(count, "open recall"),
                link=reverse("inventory-held"),
            )
            for dealer_id, count in newly_held.items()
        )
    return RecheckResult(flagged=sum(newly_held.values()), cleared=cleared, notices=len(notices))
