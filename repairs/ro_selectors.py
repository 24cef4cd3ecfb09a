"""Reads about repair orders and a VIN's repair history, always through the user's scope.

A repair order of another dealer is ``DomainError(code="not_found")`` (a 404 on pages and in
the API), never a refusal that confirms it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from campaign.errors import DomainError
from campaign.models import AffectedVehicle
from dealers.access import scope_to_user, user_scope
from dealers.inventory_selectors import roles_granting
from repairs.appointments import dealer_zone
from repairs.models import Appointment, OutcomeChange, RepairOrder, RepairOrderEvent, WarrantyClaim

REPAIR_PERM = "repairs.change_repairorder"
VIEW_RO = "repairs.view_repairorder"
RECORD_OUTCOME = "repairs.record_outcome"
SET_UNREACHABLE = "repairs.set_unreachable"
UNDO_OUTCOME = "repairs.undo_outcome"


def dealer_ids_with_perm(*, user, perm: str) -> frozenset[int]:
    """Dealers where the user holds ``perm`` through a dealer role (not through national scope:
    the administrator holds model permissions for Django admin but repairs no vehicle)."""
    scope = user_scope(user)
    if not user.has_perm(perm):
        return frozenset()
    return frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles_granting(perm)))


def repair_dealer_ids(*, user) -> frozenset[int]:
    """Dealers whose repair orders the user opens, starts, cancels and completes."""
    return dealer_ids_with_perm(user=user, perm=REPAIR_PERM)


def repair_orders_for_user(*, user) -> QuerySet[RepairOrder]:
    return scope_to_user(RepairOrder.objects.all(), user).select_related("dealer", "campaign")


def repair_order_get(*, user, pk: int, for_update: bool = False) -> RepairOrder:
    """One RO in the user's scope (locked when ``for_update``), or not_found."""
    queryset = scope_to_user(RepairOrder.objects.all(), user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    ro = queryset.select_related("dealer", "campaign", "appointment").filter(pk=pk).first()
    if ro is None:
        raise DomainError("No such repair order.", code="not_found")
    return ro


def repair_order_history(*, repair_order: RepairOrder) -> list[RepairOrderEvent]:
    return list(repair_order.events.select_related("by").order_by("at", "pk"))


def appointment_for_check_in(*, user, pk: int, for_update: bool = False) -> Appointment:
    queryset = scope_to_user(Appointment.objects.all(), user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    appointment = queryset.select_related("dealer", "campaign").filter(pk=pk).first()
    if appointment is None:
        raise DomainError("No such appointment.", code="not_found")
    return appointment


@dataclass(frozen=True)
class EntryActions:
    """One campaign entry of the VIN and the outcome forms the user may use on it."""

    entry: AffectedVehicle
    may_record: bool
    may_set_unreachable: bool
    may_undo: bool

    @property
    def has_forms(self) -> bool:
        status = self.entry.status
        still_to_do = status in (AffectedVehicle.Status.OPEN, AffectedVehicle.Status.UNREACHABLE)
        return (
            (still_to_do and self.may_record)
            or (status == AffectedVehicle.Status.OPEN and self.may_set_unreachable)
            or (status != AffectedVehicle.Status.OPEN and self.may_undo)
        )


@dataclass(frozen=True)
class RepairHistory:
    appointments: list[Appointment] = field(default_factory=list)
    repair_orders: list[RepairOrder] = field(default_factory=list)
    claims: list[WarrantyClaim] = field(default_factory=list)
    outcomes: list[OutcomeChange] = field(default_factory=list)
    entries: list[EntryActions] = field(default_factory=list)

    @property
    def unreachable_reasons(self) -> list[tuple[str, str]]:
        return OutcomeChange.UnreachableReason.choices

    @property
    def empty(self) -> bool:
        """Nothing for the repair-history card (appointments have a card of their own)."""
        return not (self.repair_orders or self.claims or self.outcomes)


def outcome_permissions(*, user, entry: AffectedVehicle) -> tuple[bool, bool, bool]:
    """(record elsewhere / not needed, set unreachable, undo) for this entry: the permission
    and the entry's servicing dealer in scope. ``entry.vehicle.servicing`` must be loaded."""
    servicing = getattr(entry.vehicle, "servicing", None)
    dealer = servicing.dealer if servicing else None
    scope = user_scope(user)
    at_dealer = dealer is not None and dealer.pk in dealer_ids_with_perm(user=user, perm=RECORD_OUTCOME)
    regional = scope.national or (dealer is not None and dealer.region_id in scope.region_ids)
    may_record = at_dealer
    may_unreachable = user.has_perm(SET_UNREACHABLE) and regional
    may_undo = user.has_perm(UNDO_OUTCOME) and (
        regional or (dealer is not None and dealer.pk in dealer_ids_with_perm(user=user, perm=UNDO_OUTCOME))
    )
    return may_record, may_unreachable, may_undo


def vehicle_repair_history(*, vin: str, user) -> RepairHistory:
    """The VIN's appointments (each with ``local_start``, in its dealer's time zone), repair
    orders, claims and outcome history, as the user may see them: the vehicle record's
    appointments card and its repair-history card, and the API's vehicle view.

    Queries, whatever the history's length: appointments, ROs and claims (each in scope, when
    the role reads them), the VIN's campaign entries with their servicing dealer, and the
    outcome changes. ``user_scope`` is cached on the user.
    """
    history = RepairHistory()
    if user.has_perm("repairs.view_appointment"):
        history.appointments.extend(
            scope_to_user(Appointment.objects.filter(vehicle_id=vin), user)
            .select_related("dealer", "campaign")
            .order_by("-start_at", "-pk")
        )
        for appointment in history.appointments:
            appointment.local_start = appointment.start_at.astimezone(dealer_zone(appointment.dealer))
    if user.has_perm(VIEW_RO):
        history.repair_orders.extend(
            scope_to_user(RepairOrder.objects.filter(vehicle_id=vin), user).select_related(
                "dealer", "campaign"
            )
        )
    if user.has_perm("repairs.view_warrantyclaim"):
        history.claims.extend(
            scope_to_user(WarrantyClaim.objects.filter(vehicle_id=vin), user)
            .select_related("dealer", "campaign", "repair_order")
            .order_by("-pk")
        )
    if user.has_perm("repairs.view_outcomechange"):
        entries = list(
            AffectedVehicle.objects.filter(vehicle_id=vin)
            .select_related("campaign", "vehicle__servicing__dealer")
            .order_by("campaign__code")
        )
        if entries:
            history.outcomes.extend(
                OutcomeChange.objects.filter(entry__in=[e.pk for e in entries])
                .select_related("entry__campaign", "by", "other_dealer", "repair_order")
                .order_by("-at", "-pk")
            )
        # A remedy recorded by a completed RO is not undone here (repairs.outcomes): no undo form.
        latest_kind: dict[int, str] = {}
        for change in history.outcomes:
            latest_kind.setdefault(change.entry_id, change.kind)
        for entry in entries:
            may_record, may_set, may_undo = outcome_permissions(user=user, entry=entry)
            by_ro = latest_kind.get(entry.pk) == OutcomeChange.Kind.REMEDIED
            history.entries.append(EntryActions(entry, may_record, may_set, may_undo and not by_ro))
    return history
