"""Reads about pre-owned inventory: the units a user may see, held units, counts per dealer.

Every queryset over dealer rows starts from ``dealers.access`` so a stranger's unit
never shows; the views add filters, sorting and pagination on top.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Count, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce

from campaign.models import AffectedVehicle, Campaign
from dealers.access import get_for_user, scope_to_user, user_scope
from dealers.models import Dealer, DealerNotice, InventoryEvent, InventoryUnit, Membership
from dealers.roles import ROLE_PERMISSIONS

# The remedy still to do on the VIN: such a unit is held (unreachable owners included).
RECALL_OPEN = AffectedVehicle.RECALL_OPEN_STATUSES
IN_STOCK = InventoryUnit.Status.IN_STOCK
VIEW = "dealers.view_inventoryunit"
ADD = "dealers.add_inventoryunit"
CHANGE = "dealers.change_inventoryunit"


def roles_granting(perm: str) -> tuple[str, ...]:
    """The dealer roles whose group holds ``perm`` (dealers.roles is the one source).

    Django permissions are global, roles are per dealer: a user who is pre-owned manager
    at A and service manager at C may keep A's inventory, not C's.
    """
    return tuple(r for r in Membership.DEALER_ROLES if perm in ROLE_PERMISSIONS[r])


class CampaignCodes(Aggregate):
    """The campaign codes of a group as one "ALE, B0X" string.

    STRING_AGG on PostgreSQL; SQLite (the demo) spells it GROUP_CONCAT. The stored
    ``stop_sale_campaigns`` text is built by this in SQL, so a re-check never loops in Python.
    """

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ', ' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ', ')"
        )


def open_entries(*, vin_ref: str = "vin", campaign_id: int | None = None) -> QuerySet[AffectedVehicle]:
    """Open entries on posted lists for the VIN in the outer query's ``vin_ref`` column."""
    entries = AffectedVehicle.objects.filter(vehicle_id=OuterRef(vin_ref), status__in=RECALL_OPEN)
    if campaign_id is not None:
        entries = entries.filter(campaign_id=campaign_id)
    return entries


def open_codes(*, vin_ref: str = "vin") -> Coalesce:
    """SQL expression: the codes of every open campaign on the outer row's VIN ('' if none)."""
    codes = (
        AffectedVehicle.objects.filter(vehicle_id=OuterRef(vin_ref), status__in=RECALL_OPEN)
        .order_by()
        .values("vehicle_id")
        .annotate(codes=CampaignCodes("campaign__code"))
        .values("codes")[:1]
    )
    return Coalesce(Subquery(codes, output_field=CharField()), Value(""))


def open_campaigns_by_vin(*, vins: Iterable[str]) -> dict[str, list[Campaign]]:
    """VIN -> open campaigns, for a batch of VINs (one query per 500 VINs)."""
    vins = list(dict.fromkeys(vins))
    found: dict[str, list[Campaign]] = {}
    for start in range(0, len(vins), 500):
        entries = (
            AffectedVehicle.objects.filter(vehicle_id__in=vins[start : start + 500], status__in=RECALL_OPEN)
            .select_related("campaign")
            .order_by("campaign__code")
        )
        for entry in entries:
            found.setdefault(entry.vehicle_id, []).append(entry.campaign)
    return found


def inventory_units_for_user(*, user, perm: str = VIEW) -> QuerySet[InventoryUnit]:
    """Every unit of the dealers where the user's role grants ``perm``, or their region / the nation."""
    return scope_to_user(InventoryUnit.objects.all(), user, roles=roles_granting(perm)).select_related(
        "dealer", "dealer__region"
    )


def inventory_unit_get(*, user, pk: int, perm: str = VIEW) -> InventoryUnit:
    """One unit in the user's scope for ``perm``, or 404."""
    return get_for_user(
        InventoryUnit.objects.select_related("dealer", "dealer__region"),
        user,
        roles=roles_granting(perm),
        pk=pk,
    )


def inventory_unit_events(*, unit: InventoryUnit) -> QuerySet[InventoryEvent]:
    return unit.events.select_related("by").order_by("-at", "-pk")


def held_units_for_user(*, user) -> QuerySet[InventoryUnit]:
    """Units on stop sale and still in stock, in the user's scope (index inventory_held_by_dealer)."""
    return inventory_units_for_user(user=user).filter(stop_sale=True, status=IN_STOCK)


def held_counts_by_dealer(*, units: QuerySet[InventoryUnit]) -> QuerySet:
    """Held units grouped per dealer in SQL: one row per dealer with its count and oldest hold."""
    return (
        units.order_by()
        .values(
            "dealer_id",
            "dealer__code",
            "dealer__name",
            "dealer__city",
            "dealer__state",
            "dealer__region__name",
        )
        .annotate(held=Count("id"), oldest=Min("stop_sale_since"))
        .order_by("-held", "dealer__code")
    )


def held_dealers_for_user(*, user) -> QuerySet[Dealer]:
    """Dealers whose held units the user may see (the held-unit filter's choices)."""
    return scope_to_user(Dealer.objects.all(), user, "self", roles=roles_granting(VIEW))


def inventory_spans_dealers(*, user) -> bool:
    """Whether the user's inventory view covers more than one dealer (no query: the scope is cached)."""
    scope = user_scope(user)
    if scope.national or scope.region_ids:
        return True
    return len(set().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles_granting(VIEW)))) > 1


def kept_dealer_ids(*, user, perm: str = ADD) -> frozenset[int]:
    """Dealers whose stock the user keeps: where they hold a dealer role granting ``perm``.

    Regional and national staff see inventory (and the administrator holds every model
    permission for Django admin), but units are added and delivered by the dealership's
    own staff, so only direct dealer memberships count here.
    """
    if not user.has_perm(perm):
        return frozenset()
    scope = user_scope(user)
    return frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles_granting(perm)))


def inventory_dealers_for_user(*, user, perm: str = ADD) -> QuerySet[Dealer]:
    return Dealer.objects.filter(id__in=sorted(kept_dealer_ids(user=user, perm=perm))).order_by("name")


def inventory_unit_to_keep(*, user, pk: int, perm: str = CHANGE) -> InventoryUnit:
    """A unit the user may act on (deliver…): in their scope AND at a dealer whose stock they keep; else 404."""
    kept = InventoryUnit.objects.filter(dealer_id__in=sorted(kept_dealer_ids(user=user, perm=perm)))
    return get_for_user(kept.select_related("dealer"), user, roles=roles_granting(perm), pk=pk)


def stop_sale_notices_for_user(*, user) -> list[DealerNotice]:
    """Open stop-sale notices of the dealers the user works at (newest first, a handful)."""
    scope = user_scope(user)
    if not scope.dealer_ids:
        return []
    notices = scope_to_user(DealerNotice.objects.all(), user).filter(
        dealer_id__in=sorted(scope.dealer_ids),
        kind=DealerNotice.Kind.STOP_SALE,
        dismissed_at__isnull=True,
    )
    return list(notices.select_related("dealer").order_by("-created_at")[:5])


def stock_conflicts(
    *, dealer_id: int, vins: Iterable[str], stock_numbers: Iterable[str]
) -> tuple[dict, dict]:
    """Units already in stock at the dealer with one of these VINs or stock numbers.

    Returns (vin -> stock number, stock number -> vin) for the conflicts found.
    """
    vins, stock_numbers = list(vins), list(stock_numbers)
    by_vin: dict[str, str] = {}
    by_stock: dict[str, str] = {}
    in_stock = InventoryUnit.objects.filter(dealer_id=dealer_id, status=IN_STOCK)
    for start in range(0, len(vins), 500):
        by_vin.update(in_stock.filter(vin__in=vins[start : start + 500]).values_list("vin", "stock_number"))
    for start in range(0, len(stock_numbers), 500):
        by_stock.update(
            in_stock.filter(stock_number__in=stock_numbers[start : start + 500]).values_list(
                "stock_number", "vin"
            )
        )
    return by_vin, by_stock
