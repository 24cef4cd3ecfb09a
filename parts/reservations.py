"""Reservations and the wait-list: who gets the next kit, and what happens to it after.

Every change here runs under the lock of the dealer's balance of the kit
(``parts.ledger.balance_locked``): the queue, the reserved count and the movements change
together or not at all, and two clerks after the last kit get one kit and one place in line.

The rule the rest leans on: after every change ``kits_distribute`` has run, so a kit never
sits available while a vehicle waits for it at the same dealer.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign, Kit
from campaign.remedy import remedy_operation_for_vin
from parts.ledger import Kind, balance_locked, balances_locked, stock_move
from parts.models import KitReservation, KitReservationEvent, PartsArrivedNotice, StockBalance
from parts.priority import held_from_sale, reservations_stop_sale_refresh
from repairs.models import Appointment

Status = KitReservation.Status
Parts = Appointment.Parts


def kit_for_vin(*, campaign: Campaign, vin: str) -> Kit | None:
    """The stocked kit a repair of this VIN uses; None when the campaign tracks none for it."""
    operation = remedy_operation_for_vin(campaign=campaign, vin=vin)
    return None if operation is None else operation.kit


def _event(reservation: KitReservation, *, to: str, user, reason: str, frm: str | None = None) -> None:
    KitReservationEvent.objects.create(
        reservation=reservation,
        from_status=reservation.status if frm is None else frm,
        to_status=to,
        by=user,
        reason=reason,
    )


def kits_distribute(*, balance: StockBalance, user=None, reason: str, fresh_id: int | None = None) -> int:
    """Give the locked balance's available kits to its waiting vehicles in priority order.

    Each vehicle that had been waiting gets a ``PartsArrivedNotice`` (``fresh_id``, the one
    just booked or joined, had not been waiting: it is told at the counter). Returns how many
    got a kit.
    """
    given = 0
    reservations_stop_sale_refresh(dealer_id=balance.dealer_id, kit_id=balance.kit_id)
    waiting = KitReservation.objects.filter(
        dealer_id=balance.dealer_id, kit_id=balance.kit_id, status=Status.WAITING
    )
    for reservation in waiting.order_by("-symptomatic", "-stop_sale", "queued_at", "pk").iterator(
        chunk_size=200
    ):
        if balance.available < reservation.quantity:
            break
        now = timezone.now()
        _event(reservation, to=Status.RESERVED, user=user, reason=reason)
        KitReservation.objects.filter(pk=reservation.pk).update(status=Status.RESERVED, reserved_at=now)
        stock_move(
            balance=balance,
            kind=Kind.RESERVATION,
            reserved=reservation.quantity,
            user=user,
            reason=reason,
            reservation=reservation,
            appointment_id=reservation.appointment_id,
        )
        if reservation.appointment_id:
            Appointment.objects.filter(pk=reservation.appointment_id).update(parts_status=Parts.RESERVED)
        if reservation.pk != fresh_id:
            PartsArrivedNotice.objects.create(reservation=reservation)
        given += 1
    return given


def _release(reservation: KitReservation, *, user, reason: str) -> None:
    """Close a live reservation (its kit, if any, back to the line) and serve the next in line."""
    balance = balance_locked(dealer_id=reservation.dealer_id, kit_id=reservation.kit_id)
    reservation.refresh_from_db(fields=["status"])
    if reservation.status not in KitReservation.LIVE_STATUSES:
        return
    was_reserved = reservation.status == Status.RESERVED
    _event(reservation, to=Status.RELEASED, user=user, reason=reason)
    KitReservation.objects.filter(pk=reservation.pk).update(status=Status.RELEASED, closed_at=timezone.now())
    if reservation.appointment_id:
        # The appointment no longer holds or waits for a kit: its badge must not say it does.
        Appointment.objects.filter(pk=reservation.appointment_id).update(parts_status=Parts.RELEASED)
    if was_reserved:
        stock_move(
            balance=balance,
            kind=Kind.RELEASE,
            reserved=-reservation.quantity,
            user=user,
            reason=reason,
            reservation=reservation,
            appointment_id=reservation.appointment_id,
        )
        kits_distribute(
            balance=balance, user=user, reason=f"Kit released by {reservation.vehicle_id}: {reason}"
        )


def _live(*, vin: str, campaign_id: int, lock: bool = True) -> KitReservation | None:
    """The VIN's live claim on a kit. Lock it only once its balance is locked: balances are
    always locked before reservations (``kits_distribute`` updates reservations under the
    balance's lock), or two transactions could each hold what the other waits for."""
    queryset = KitReservation.objects.filter(
        vehicle_id=vin, campaign_id=campaign_id, status__in=KitReservation.LIVE_STATUSES
    )
    return (queryset.select_for_update() if lock else queryset).first()


def _locked_with_live(*, dealer_id: int, kit: Kit, vin: str, campaign_id: int):
    """Lock this dealer's balance of ``kit`` and, if the VIN holds a live claim elsewhere, that
    balance too, in ledger order (``balances_locked``); then the claim itself.

    A reservation's dealer and kit never change, so a first look without a lock says which
    balances to take; the loop covers the claim being replaced meanwhile by one at yet
    another dealer (the new balance is then locked too before anything moves).
    """
    keys = {(dealer_id, kit.pk)}
    while True:
        peek = _live(vin=vin, campaign_id=campaign_id, lock=False)
        if peek is not None:
            keys.add((peek.dealer_id, peek.kit_id))
        balances = balances_locked(keys)
        reservation = _live(vin=vin, campaign_id=campaign_id)
        if reservation is None or (reservation.dealer_id, reservation.kit_id) in balances:
            return balances[(dealer_id, kit.pk)], reservation


def _queue(
    *, dealer_id: int, kit: Kit, vin: str, campaign_id: int, symptomatic: bool, user, queued_at=None, **fields
):
    """A new waiting row for the VIN, or a conflict if it already has a live one (a double click).

    ``queued_at`` defaults to now; a booking made before its kit was tracked keeps its own time."""
    try:
        with transaction.atomic():
            reservation = KitReservation.objects.create(
                dealer_id=dealer_id,
                kit=kit,
                vehicle_id=vin,
                campaign_id=campaign_id,
                quantity=kit.quantity_per_vehicle,
                symptomatic=symptomatic,
                stop_sale=held_from_sale(dealer_id=dealer_id, vin=vin),
                queued_at=queued_at or timezone.now(),
                created_by=user,
                **fields,
            )
    except IntegrityError:
        raise DomainError(
            f"{vin} is already waiting for, or holding, a kit.", field="vin", code="conflict"
        ) from None
    _event(
        reservation,
        frm="",
        to=Status.WAITING,
        user=user,
        reason=fields.get("notes", "") or "Joined the line.",
    )
    return reservation


@transaction.atomic
def reservation_for_appointment(*, appointment: Appointment, user, queued_at=None) -> KitReservation | None:
    """A booking reserves its kit, or joins the line as "waiting for parts".

    A vehicle already on this dealer's wait-list keeps its place (and its kit, if it has one);
    one on another dealer's list moves here: the kit it held there goes to that dealer's next.
    ``queued_at``: its place in line when it joins now (default: now).
    """
    kit = kit_for_vin(campaign=appointment.campaign, vin=appointment.vehicle_id)
    if kit is None:
        return None
    balance, reservation = _locked_with_live(
        dealer_id=appointment.dealer_id,
        kit=kit,
        vin=appointment.vehicle_id,
        campaign_id=appointment.campaign_id,
    )
    if reservation is not None and (
        reservation.dealer_id != appointment.dealer_id or reservation.kit_id != kit.pk
    ):
        _release(reservation, user=user, reason=f"Booked at {appointment.dealer.name} instead.")
        balance.refresh_from_db()
        reservation = None
    fresh_id = None
    if reservation is None:
        reservation = _queue(
            dealer_id=appointment.dealer_id,
            kit=kit,
            vin=appointment.vehicle_id,
            campaign_id=appointment.campaign_id,
            symptomatic=appointment.symptomatic,
            user=user,
            appointment=appointment,
            contact_preference=appointment.contact_preference,
            queued_at=queued_at,
        )
        fresh_id = reservation.pk
    else:
        KitReservation.objects.filter(pk=reservation.pk).update(
            appointment=appointment, symptomatic=reservation.symptomatic or appointment.symptomatic
        )
    status = KitReservation.objects.values_list("status", flat=True).get(pk=reservation.pk)
    Appointment.objects.filter(pk=appointment.pk).update(
        parts_status=Parts.RESERVED if status == Status.RESERVED else Parts.WAITING
    )
    if status == Status.WAITING:
        kits_distribute(balance=balance, user=user, reason="Kit reserved at booking.", fresh_id=fresh_id)
    reservation.refresh_from_db()
    appointment.refresh_from_db(fields=["parts_status"])
    return reservation


@transaction.atomic
def reservation_return_to_line(*, appointment: Appointment, user, reason: str) -> KitReservation | None:
    """An open appointment with no live claim (its outcome was undone, or it was booked before
    kits were tracked) reserves its kit or waits.

    An appointment has one reservation (one-to-one): a released one comes back, with its old
    place in line and an event saying why, rather than a second row. One made now joins at
    the booking's time: the owner asked then.
    """
    kit = kit_for_vin(campaign=appointment.campaign, vin=appointment.vehicle_id)
    if kit is None:
        return None
    balance, live = _locked_with_live(
        dealer_id=appointment.dealer_id,
        kit=kit,
        vin=appointment.vehicle_id,
        campaign_id=appointment.campaign_id,
    )
    if live is not None:
        return live  # back on a wait-list meanwhile: that claim stands
    old = KitReservation.objects.select_for_update().filter(appointment=appointment).first()
    if old is None:
        return reservation_for_appointment(
            appointment=appointment, user=user, queued_at=appointment.created_at
        )
    if old.kit_id != kit.pk:
        # The campaign's definition moved this model to another kit since: the old row can't
        # come back, and the appointment can hold only one. Its badge stays "Kit released".
        return None
    _event(old, to=Status.WAITING, user=user, reason=reason)
    KitReservation.objects.filter(pk=old.pk).update(status=Status.WAITING, reserved_at=None, closed_at=None)
    Appointment.objects.filter(pk=appointment.pk).update(parts_status=Parts.WAITING)
    kits_distribute(balance=balance, user=user, reason=reason)
    old.refresh_from_db()
    return old


@transaction.atomic
def reservation_release_for_appointment(*, appointment: Appointment, user, reason: str) -> None:
    """A cancellation or no-show: the appointment's kit goes to the next in line."""
    reservation = KitReservation.objects.filter(
        appointment=appointment, status__in=KitReservation.LIVE_STATUSES
    ).first()
    if reservation is not None:
        _release(reservation, user=user, reason=reason)


@transaction.atomic
def reservation_release_for_vin(*, vin: str, campaign_id: int, user, reason: str) -> None:
    """The VIN needs no kit any more (remedied elsewhere, not needed, unreachable)."""
    # No lock here: ``_release`` locks the balance first, then re-reads the status.
    reservation = _live(vin=vin, campaign_id=campaign_id, lock=False)
    if reservation is not None:
        _release(reservation, user=user, reason=reason)


@transaction.atomic
def reservation_consume(*, repair_order, user) -> None:
    """RO completion uses the vehicle's kit: its reserved one, else one available at the dealer.

    No kit to use refuses the completion (the ledger would otherwise go below zero): the
    parts manager receives or releases one first.
    """
    kit = kit_for_vin(campaign=repair_order.campaign, vin=repair_order.vehicle_id)
    if kit is None:
        return
    balance, reservation = _locked_with_live(
        dealer_id=repair_order.dealer_id,
        kit=kit,
        vin=repair_order.vehicle_id,
        campaign_id=repair_order.campaign_id,
    )
    if reservation is not None and (
        reservation.dealer_id != repair_order.dealer_id or reservation.kit_id != kit.pk
    ):
        _release(
            reservation,
            user=user,
            reason=f"Repaired at {repair_order.dealer.name} (RO {repair_order.ro_number}).",
        )
        balance.refresh_from_db()
        reservation = None
    held = reservation is not None and reservation.status == Status.RESERVED
    if not held and balance.available < kit.quantity_per_vehicle:
        raise DomainError(
            f"No {kit.part_number} kit is available at this dealer for RO {repair_order.ro_number} "
            f"({balance.on_hand} on hand, {balance.reserved} reserved for other vehicles): receive "
            "the kit on the parts page before completing the repair.",
            code="conflict",
        )
    quantity = reservation.quantity if held else kit.quantity_per_vehicle
    stock_move(
        balance=balance,
        kind=Kind.CONSUMPTION,
        on_hand=-quantity,
        reserved=-quantity if held else 0,
        user=user,
        reason=f"Used in RO {repair_order.ro_number}.",
        reference=f"RO {repair_order.ro_number}",
        repair_order=repair_order,
        reservation=reservation,
        appointment_id=repair_order.appointment_id,
    )
    if reservation is not None:
        _event(reservation, to=Status.CONSUMED, user=user, reason=f"Used in RO {repair_order.ro_number}.")
        KitReservation.objects.filter(pk=reservation.pk).update(
            status=Status.CONSUMED, closed_at=timezone.now()
        )


@transaction.atomic
def waitlist_join(
    *,
    dealer_id: int,
    vin: str,
    campaign_id: int,
    symptomatic: bool = False,
    contact_preference: str = "",
    notes: str = "",
    user,
) -> KitReservation:
    """An owner who wants the repair, with no appointment yet, joins the dealer's line for a kit.

    Open in every phase, the preliminary one included: the line forms before the parts exist.
    """
    try:
        vin = vinlib.validate(vin)
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("No such campaign.", field="campaign", code="not_found")
    entry = AffectedVehicle.objects.filter(campaign=campaign, vehicle_id=vin).first()
    if entry is None:
        raise DomainError(f"{vin} is not on the {campaign.code} list of affected vehicles.", field="vin")
    if entry.status not in AffectedVehicle.RECALL_OPEN_STATUSES:
        raise DomainError(
            f"{vin} needs no kit for {campaign.code}: {entry.get_status_display().lower()}.", field="vin"
        )
    kit = kit_for_vin(campaign=campaign, vin=vin)
    if kit is None:
        raise DomainError(f"{campaign.code} tracks no parts kit for this VIN's model.", field="vin")
    balance = balance_locked(dealer_id=dealer_id, kit_id=kit.pk)
    reservation = _queue(
        dealer_id=dealer_id,
        kit=kit,
        vin=vin,
        campaign_id=campaign.pk,
        symptomatic=symptomatic,
        user=user,
        contact_preference=contact_preference,
        notes=notes.strip(),
    )
    kits_distribute(
        balance=balance, user=user, reason="Kit available when the owner joined.", fresh_id=reservation.pk
    )
    reservation.refresh_from_db()
    return reservation


@transaction.atomic
def waitlist_withdraw(*, reservation_id: int, dealer_ids, reason: str, user) -> KitReservation:
    """The owner no longer waits (sold the car, went elsewhere): the place, and any kit, go on."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason.", field="reason")
    reservation = KitReservation.objects.filter(
        pk=reservation_id, dealer_id__in=list(dealer_ids), appointment__isnull=True
    ).first()
    if reservation is None:
        raise DomainError("No such wait-list entry.", code="not_found")
    if reservation.status not in KitReservation.LIVE_STATUSES:
        raise DomainError("This entry has already left the wait-list.", code="conflict")
    _release(reservation, user=user, reason=reason)
    reservation.refresh_from_db()
    return reservation
