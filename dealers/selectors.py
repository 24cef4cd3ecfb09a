"""Reads for the home pages: what each role can act on now, counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from campaign.models import AffectedVehicle, Campaign, CampaignDocument
from dealers.access import UserScope, scope_to_user, user_scope
from dealers.models import Dealer, DealerNotice, InventoryUnit, Membership, ServicingDealer

Role = Membership.Role
Phase = Campaign.Phase
OPEN = AffectedVehicle.Status.OPEN
REMEDIED = AffectedVehicle.Status.REMEDIED
REMOVED = AffectedVehicle.Status.REMOVED

# What each phase means for the people at the dealership: the seed's dealer letter,
# read as instructions.
PHASE_GUIDANCE: dict[str, str] = {
    Phase.PRELIMINARY: (
        "Parts are not yet available. Confirm eligibility by VIN, reassure owners with the Q&A, "
        "and wait-list them for the repair: no owner is turned away."
    ),
    Phase.PARTS_AVAILABLE: (
        "Parts, technical instructions and warranty claim instructions are published. "
        "Order parts for the vehicles assigned to you and start scheduling repairs."
    ),
    Phase.OWNER_NOTIFICATION: (
        "Owner letters are going out by first-class mail: expect calls and walk-ins. "
        "Check the VIN at every visit and repair affected vehicles at no charge."
    ),
    Phase.CLOSED: "The campaign is closed; remedies are still recorded for vehicles that come in.",
}


@dataclass(frozen=True)
class CampaignStatus:
    campaign: Campaign
    guidance: str


@dataclass(frozen=True)
class DealerCounts:
    """Affected vehicles a dealer services for one campaign."""

    dealer: Dealer
    campaign_code: str
    affected: int
    open: int
    remedied: int

    @property
    def completion(self) -> float:
        return 100.0 * self.remedied / self.affected if self.affected else 0.0


@dataclass
class HomeSummary:
    """Everything a user's home page shows; each section is present only for the roles that act on it."""

    scope: UserScope
    memberships: list[Membership] = field(default_factory=list)
    campaigns: list[CampaignStatus] = field(default_factory=list)
    notices: list[DealerNotice] = field(default_factory=list)
    service_counts: list[DealerCounts] | None = None
    parts_documents: list[CampaignDocument] | None = None
    held_units: int | None = None
    is_regional: bool = False
    is_admin: bool = False
    is_principal: bool = False

    @property
    def no_access(self) -> bool:
        return self.scope.is_empty


def _dealers_with(scope: UserScope, *roles: str) -> frozenset[int]:
    return frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles))


def campaigns_in_progress() -> list[CampaignStatus]:
    campaigns = Campaign.objects.exclude(phase=Phase.CLOSED).order_by("-dir_filed_on", "code")
    return [CampaignStatus(c, PHASE_GUIDANCE[c.phase]) for c in campaigns]


def notices_for_user(*, user) -> QuerySet[DealerNotice]:
    """Undismissed notices of the dealers where the user works (not the region's, not national)."""
    dealer_ids = sorted(user_scope(user).dealer_ids)
    return DealerNotice.objects.filter(dealer_id__in=dealer_ids, dismissed_at__isnull=True).select_related(
        "dealer"
    )


def dealer_vehicle_counts(*, dealer_ids: frozenset[int]) -> list[DealerCounts]:
    """Affected / open / remedied vehicles serviced by each dealer, per campaign: one grouped query."""
    if not dealer_ids:
        return []
    rows = (
        AffectedVehicle.objects.filter(vehicle__servicing__dealer_id__in=sorted(dealer_ids))
        .exclude(status=REMOVED)
        .values(dealer_id=F("vehicle__servicing__dealer_id"), campaign_code=F("campaign__code"))
        .annotate(
            affected=Count("pk"),
            open=Count("pk", filter=Q(status=OPEN)),
            remedied=Count("pk", filter=Q(status=REMEDIED)),
        )
        .order_by("dealer_id", "campaign_code")
    )
    dealers = Dealer.objects.in_bulk(sorted(dealer_ids))
    counts = [DealerCounts(dealer=dealers[r.pop("dealer_id")], **r) for r in rows]
    # A dealer with nothing assigned still gets its line: "0 affected" is an answer.
    seen = {c.dealer.pk for c in counts}
    counts += [DealerCounts(dealers[d], "", 0, 0, 0) for d in sorted(dealer_ids) if d not in seen]
    return sorted(counts, key=lambda c: (c.dealer.name, c.campaign_code))


def parts_documents() -> list[CampaignDocument]:
    return list(
        CampaignDocument.objects.filter(kind=CampaignDocument.Kind.PARTS_INFORMATION)
        .exclude(campaign__phase=Phase.CLOSED)
        .select_related("campaign")
        .order_by("-uploaded_at")[:20]
    )


def held_units_count(*, dealer_ids: frozenset[int]) -> int:
    """In-stock pre-owned units under stop-sale at these dealers (index inventory_held_by_dealer)."""
    return InventoryUnit.objects.filter(
        dealer_id__in=sorted(dealer_ids), stop_sale=True, status=InventoryUnit.Status.IN_STOCK
    ).count()


def home_summary(*, user) -> HomeSummary:
    """What ``user``'s home page shows, from their memberships."""
    scope = user_scope(user)
    summary = HomeSummary(scope=scope, is_admin=scope.national, is_regional=bool(scope.region_ids))
    if scope.is_empty:
        return summary
    summary.memberships = list(
        Membership.objects.filter(user=user).select_related("dealer", "region").order_by("role", "pk")
    )
    summary.campaigns = campaigns_in_progress()
    summary.notices = list(notices_for_user(user=user)[:20])
    summary.is_principal = bool(scope.dealer_roles.get(Role.DEALER_PRINCIPAL))
    service = _dealers_with(scope, Role.SERVICE_MANAGER, Role.DEALER_PRINCIPAL)
    if service:
        summary.service_counts = dealer_vehicle_counts(dealer_ids=service)
    if _dealers_with(scope, Role.PARTS_MANAGER, Role.DEALER_PRINCIPAL):
        summary.parts_documents = parts_documents()
    preowned = _dealers_with(scope, Role.PREOWNED_MANAGER, Role.DEALER_PRINCIPAL)
    if preowned:
        summary.held_units = held_units_count(dealer_ids=preowned)
    return summary


def dealer_entry_counts(*, dealers: QuerySet[Dealer] | None) -> dict[int, dict[str, int]]:
    """dealer id -> affected / open / remedied campaign entries of the vehicles it services.

    ``dealers`` limits the dealers counted (``None``: all of them, the national view).
    One grouped query joining the servicing assignments straight to the campaign entries
    on the VIN. Hand-written because the ORM can only get there through the vehicle table,
    a third lookup per row: on the 138,869-vehicle fleet that doubled the national count's
    time on SQLite. (Per-dealer correlated subqueries, tried first, were slower still.)
    """
    sd, av = ServicingDealer._meta, AffectedVehicle._meta
    q = connection.ops.quote_name
    # A VIN removed from the population is no longer affected: not counted at all.
    where, params = f"WHERE av.{q(av.get_field('status').column)} <> %s", [OPEN, REMEDIED, REMOVED]
    if dealers is not None:
        inner, inner_params = dealers.values("pk").query.sql_with_params()
        where += f" AND sd.{q(sd.get_field('dealer').column)} IN ({inner})"
        params += list(inner_params)
    sql = (
        f"SELECT sd.{q(sd.get_field('dealer').column)}, COUNT(*),"
        f" SUM(CASE WHEN av.{q(av.get_field('status').column)} = %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN av.{q(av.get_field('status').column)} = %s THEN 1 ELSE 0 END)"
        f" FROM {q(sd.db_table)} sd"
        f" JOIN {q(av.db_table)} av ON av.{q(av.get_field('vehicle').column)} = sd.{q(sd.get_field('vehicle').column)}"
        f" {where} GROUP BY sd.{q(sd.get_field('dealer').column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            dealer_id: {"affected": affected, "open": open_, "remedied": remedied}
            for dealer_id, affected, open_, remedied in cursor.fetchall()
        }


def region_dealer_counts(*, user) -> list[Dealer]:
    """The dealers of the user's regions (all of them for national users), each with
    ``affected``, ``open`` and ``remedied``; busiest first. Two queries whatever the fleet.

    A list, not a queryset: it is bounded by the dealers of a region (a few hundred
    nationally), and the dashboard's table, totals and chart all read the same rows.
    """
    dealers = scope_to_user(Dealer.objects.all(), user, dealer_path="self", roles=())
    counts = dealer_entry_counts(dealers=None if user_scope(user).national else dealers)
    rows = list(dealers.select_related("region"))
    none = {"affected": 0, "open": 0, "remedied": 0}
    for dealer in rows:
        for name, value in counts.get(dealer.pk, none).items():
            setattr(dealer, name, value)
        dealer.completion = 100.0 * dealer.remedied / dealer.affected if dealer.affected else 0.0
    return sorted(rows, key=lambda d: (-d.open, d.name))


@dataclass(frozen=True)
class RegionTotal:
    name: str
    dealer_count: int
    affected: int
    open: int
    remedied: int


def region_totals(*, dealers: list[Dealer]) -> list[RegionTotal]:
    """Per region: dealers, affected, open, remedied, summed from ``region_dealer_counts`` rows."""
    by_region: dict[str, list[Dealer]] = {}
    for dealer in dealers:
        by_region.setdefault(dealer.region.name, []).append(dealer)
    return [
        RegionTotal(
            name=name,
            dealer_count=len(members),
            affected=sum(d.affected for d in members),
            open=sum(d.open for d in members),
            remedied=sum(d.remedied for d in members),
        )
        for name, members in sorted(by_region.items())
    ]


def campaigns_for_admin() -> QuerySet[Campaign]:
    """Every campaign with its affected and open counts (index affected_by_campaign_status)."""
    return Campaign.objects.annotate(
        affected=Count("affected_vehicles", filter=~Q(affected_vehicles__status=REMOVED)),
        open=Count("affected_vehicles", filter=Q(affected_vehicles__status=OPEN)),
    ).order_by("-dir_filed_on", "code")
