"""Reads for allocating scarce kits: each dealer's demand and stock of one kit, the allocations
a user may see, and the inbound shipments a dealer waits for.

The per-dealer figures are a handful of grouped queries over the dealers of the scope (one
per figure, whatever the number of dealers), never a query per dealer.

"Open affected vehicles assigned" is counted per kit, exactly: an open or unreachable entry
of the kit's campaign whose servicing dealer is the dealer and whose VIN falls in a printed
range of a covered model whose remedy uses the kit (WMI + VDS, the year code, the serial).
The ranges are few (a campaign prints tens), so they become one OR of conditions on the VIN
in the same query; the campaign-wide count would send V8 kits to V6 owners.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from campaign import vin as vinlib
from campaign.models import AffectedVehicle, Kit, VinRange
from dealers.access import regions_for_user, scope_to_user, user_scope
from dealers.models import Dealer, InventoryUnit
from parts.models import Allocation, InboundShipment, KitReservation, StockBalance, StockMovement

VIEW_PERM = "parts.view_allocation"
ADD_PERM = "parts.add_allocation"
# Days of supply are at the completion rate of this many days.
RATE_DAYS = 14


@dataclass
class DealerFigures:
    dealer_id: int
    code: str
    name: str
    waiting: int = 0
    open_vehicles: int = 0
    stop_sale: int = 0
    on_hand: int = 0
    reserved: int = 0
    inbound: int = 0
    consumed: int = 0  # kits used in the last RATE_DAYS days

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def days_of_supply(self) -> Decimal | None:
        """Available kits ÷ kits used per day over the last 14 days; None when none were used."""
        if self.consumed <= 0:
            return None
        days = Decimal(self.available * RATE_DAYS) / Decimal(self.consumed)
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def kit_vin_q(*, kit: Kit) -> Q:
    """A condition on the annotations ``_vin_head`` (WMI + VDS), ``_vin_year`` and ``_vin_serial``
    (see ``with_vin_parts``): the VIN is in a range of a covered model whose remedy uses ``kit``."""
    condition = Q(pk__in=[])
    ranges = VinRange.objects.filter(covered_model__remedy__kit=kit).values_list(
        "wmi", "vds", "serial_from", "serial_to", "covered_model__model_year"
    )
    for wmi, vds, serial_from, serial_to, year in ranges:
        condition |= Q(
            _vin_head=f"{wmi}{vds}",
            _vin_year=vinlib.year_code(year),
            _vin_serial__gte=serial_from,
            _vin_serial__lte=serial_to,
        )
    return condition


def with_vin_parts(queryset: QuerySet, field: str) -> QuerySet:
    # The same split as campaign.vin.decode: positions 1-8, 10 and 11-17.
    return queryset.annotate(
        _vin_head=Substr(field, 1, 8), _vin_year=Substr(field, 10, 1), _vin_serial=Substr(field, 11, 7)
    )


def allocation_dealers(*, region_id: int | None) -> QuerySet[Dealer]:
    """The dealers an allocation shares among: the region's active dealers, or every one."""
    dealers = Dealer.objects.filter(active=True)
    return dealers.filter(region_id=region_id) if region_id else dealers


def dealer_figures(
    *, kit: Kit, dealer_ids: list[int] | None = None, region_id: int | None = None
) -> list[DealerFigures]:
    """Every dealer of the scope with its demand and stock of ``kit``: six grouped queries.

    Only dealers with a figure other than zero come back (a national allocation over 1,400
    dealers proposes to the few hundred that need or hold kits)."""
    dealers = allocation_dealers(region_id=region_id)
    if dealer_ids is not None:
        dealers = dealers.filter(pk__in=dealer_ids)
    in_scope = dealers.values("pk")
    figures: dict[int, dict[str, int]] = {}

    def add(rows, name: str) -> None:
        for dealer_id, value in rows:
            if value:
                figures.setdefault(dealer_id, {})[name] = int(value)

    add(
        KitReservation.objects.filter(kit=kit, status=KitReservation.Status.WAITING, dealer__in=in_scope)
        .values("dealer")
        .annotate(n=Sum("quantity"))
        .values_list("dealer", "n"),
        "waiting",
    )
    vin_q = kit_vin_q(kit=kit)
    open_entries = AffectedVehicle.objects.filter(
        campaign_id=kit.campaign_id,
        status__in=AffectedVehicle.RECALL_OPEN_STATUSES,
        vehicle__servicing__dealer__in=in_scope,
    )
    add(
        with_vin_parts(open_entries, "vehicle_id")
        .filter(vin_q)
        .values("vehicle__servicing__dealer")
        .annotate(n=Count("pk") * kit.quantity_per_vehicle)
        .values_list("vehicle__servicing__dealer", "n"),
        "open_vehicles",
    )
    held = InventoryUnit.objects.filter(
        dealer__in=in_scope, status=InventoryUnit.Status.IN_STOCK, stop_sale=True
    )
    add(
        with_vin_parts(held, "vin")
        .filter(vin_q)
        .values("dealer")
        .annotate(n=Count("pk") * kit.quantity_per_vehicle)
        .values_list("dealer", "n"),
        "stop_sale",
    )
    for dealer_id, on_hand, reserved, inbound in StockBalance.objects.filter(
        kit=kit, dealer__in=in_scope
    ).values_list("dealer", "on_hand", "reserved", "inbound"):
        if on_hand or reserved or inbound:
            figures.setdefault(dealer_id, {}).update(on_hand=on_hand, reserved=reserved, inbound=inbound)
    since = timezone.now() - dt.timedelta(days=RATE_DAYS)
    add(
        StockMovement.objects.filter(
            kind=StockMovement.Kind.CONSUMPTION, kit=kit, at__gte=since, dealer__in=in_scope
        )
        .values("dealer")
        .annotate(n=-Sum("on_hand_delta"))
        .values_list("dealer", "n"),
        "consumed",
    )
    names = Dealer.objects.filter(pk__in=list(figures)).values_list("pk", "code", "name")
    rows = [DealerFigures(dealer_id=pk, code=code, name=name, **figures[pk]) for pk, code, name in names]
    return sorted(rows, key=lambda row: row.code)


def allocations_for_user(*, user) -> QuerySet[Allocation]:
    """National users see every allocation; regional staff those of their regions."""
    allocations = Allocation.objects.select_related("kit", "region", "created_by", "confirmed_by").annotate(
        dealer_count=Count("lines", filter=Q(lines__quantity__gt=0)),
        allocated=Sum("lines__quantity"),
    )
    if not user.has_perm(VIEW_PERM):
        return allocations.none()
    scope = user_scope(user)
    if scope.national:
        return allocations
    return allocations.filter(region_id__in=sorted(scope.region_ids))


def allocation_get(*, user, pk: int) -> Allocation:
    """One allocation in the user's scope, else a 404 (another region's is a stranger's)."""
    allocation = allocations_for_user(user=user).filter(pk=pk).first()
    if allocation is None:
        raise Http404("No such allocation.")
    return allocation


def allocation_lines(*, allocation: Allocation):
    return allocation.lines.select_related("dealer").order_by("dealer__code")


def allocation_line_totals(*, allocation: Allocation) -> dict[str, int]:
    """What the policy proposed and what the lines now give out, over every page of lines."""
    totals = allocation.lines.aggregate(proposed=Sum("proposed"), quantity=Sum("quantity"))
    return {key: value or 0 for key, value in totals.items()}


def allocation_regions(*, user) -> QuerySet:
    """The regions the user may allocate within (all for national users)."""
    return regions_for_user(user)


def inbound_shipments_for_user(*, user) -> QuerySet[InboundShipment]:
    """Open shipments on their way to the user's dealers (scoped like every dealer row)."""
    return (
        scope_to_user(InboundShipment.objects.filter(status=InboundShipment.Status.OPEN), user)
        .select_related("dealer", "kit", "allocation")
        .annotate(outstanding_quantity=F("quantity") - F("received_quantity"))
    )
