"""Reads of a dealer's stock: one line per kit, a kit's ledger, the shipments still to come.

Each list is one query (plus a paginator's count): the figures come from the balance row and
counts of the kit's reservations in subqueries, never a query per row.
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from campaign.errors import DomainError
from campaign.models import Kit
from dealers.access import dealer_q
from dealers.inventory_selectors import roles_granting
from dealers.models import Dealer
from parts.models import InboundShipment, KitReservation, StockBalance, StockMovement
from parts.waitlist_selectors import at_risk_window
from repairs.booking_selectors import dealer_ids_with_perm
from repairs.models import Appointment

VIEW = "parts.view_stockbalance"
RECEIVE = "parts.receive_stock"
ADJUST = "parts.adjust_stock"


def stock_dealers_for_user(*, user) -> QuerySet[Dealer]:
    """Dealers whose stock the user reads: their dealers where the role may, their region, or all."""
    if not user.has_perm(VIEW):
        return Dealer.objects.none()
    return Dealer.objects.filter(dealer_q(user, "self", roles=roles_granting(VIEW))).order_by("code")


def stock_dealer_for_user(*, user, code: str | None) -> Dealer:
    """The dealer a stock page is about: ``code`` if the user may read it (else 404), or their first."""
    dealers = stock_dealers_for_user(user=user)
    dealer = dealers.filter(code=code).first() if code else dealers.first()
    if dealer is None:
        raise DomainError("No such dealer.", code="not_found")
    return dealer


def stock_keeping_dealers(*, user, perm: str) -> QuerySet[Dealer]:
    """Dealers where the user's own role receives or adjusts stock (``perm``): never by region."""
    return Dealer.objects.filter(pk__in=sorted(dealer_ids_with_perm(user=user, perm=perm))).order_by("code")


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("kit_id").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def stock_lines(*, dealer: Dealer) -> QuerySet[Kit]:
    """Every kit with the dealer's figures: on hand, reserved, available, inbound, waiting
    (vehicles in line for it) and at risk (appointments from the dealer's today to today + 3
    still waiting: the same rule as the service pages, ``waitlist_selectors.at_risk_window``)."""
    dealer_id = dealer.pk
    balance = StockBalance.objects.filter(dealer_id=dealer_id, kit_id=OuterRef("pk"))
    waiting = KitReservation.objects.filter(
        dealer_id=dealer_id, kit_id=OuterRef("pk"), status=KitReservation.Status.WAITING
    )
    start, end = at_risk_window(dealer)
    at_risk = waiting.filter(
        appointment__status=Appointment.Status.SCHEDULED,
        appointment__start_at__gte=start,
        appointment__start_at__lt=end,
    )

    def figure(name: str):
        return Coalesce(Subquery(balance.values(name)[:1]), Value(0), output_field=IntegerField())

    return (
        Kit.objects.select_related("campaign")
        .annotate(
            on_hand=figure("on_hand"),
            reserved=figure("reserved"),
            inbound=figure("inbound"),
            waiting=_count(waiting),
            at_risk=_count(at_risk),
        )
        .annotate(available=F("on_hand") - F("reserved"))
        .order_by("campaign__code", "part_number")
    )


def stock_line(*, dealer: Dealer, kit_id: int) -> Kit:
    line = stock_lines(dealer=dealer).filter(pk=kit_id).first()
    if line is None:
        raise DomainError("No such kit.", code="not_found")
    return line


def kit_movements(*, dealer_id: int, kit_id: int, kind: str | None = None) -> QuerySet[StockMovement]:
    """The kit's ledger at the dealer, newest first (the statement's order), with who moved it."""
    movements = (
        StockMovement.objects.filter(dealer_id=dealer_id, kit_id=kit_id)
        .select_related("by", "appointment", "repair_order", "shipment")
        .order_by("-at", "-pk")
    )
    if kind:
        movements = movements.filter(kind=kind)
    return movements


def open_shipments(*, dealer_id: int) -> QuerySet[InboundShipment]:
    """What the dealer can receive against: open shipments, soonest expected first."""
    return (
        InboundShipment.objects.filter(dealer_id=dealer_id, status=InboundShipment.Status.OPEN)
        .filter(Q(received_quantity__lt=F("quantity")))
        .select_related("kit")
        .order_by("expected_on", "created_at", "pk")
    )
