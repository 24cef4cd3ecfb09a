"""The rows of the demo's parts story (``demo.parts_story``), collected with their pks and
written in bulk: allocations and their shipments, reservations with their history and notices,
transfers with theirs, and the balances. Each method also records the ledger movements the
services would have made (``DemoLedger.add``), so the balances are their sum by construction."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from django.utils import timezone

from campaign.models import Campaign, Kit
from demo.activity_rows import append, append_objects, pk_counter, sequences_reset
from demo.parts_ledger import DemoLedger
from parts.models import (
    Allocation,
    AllocationLine,
    InboundShipment,
    KitReservation,
    KitReservationEvent,
    PartsArrivedNotice,
    StockBalance,
    Transfer,
    TransferEvent,
)
from repairs.models import Appointment

Status = KitReservation.Status
CONTACT = tuple(Appointment.ContactPreference.values)


class StoryRows:
    def __init__(self, *, campaign: Campaign, now: dt.datetime):
        self.campaign, self.now = campaign, now
        self.ids = {m: pk_counter(m) for m in (Allocation, InboundShipment, KitReservation, Transfer)}
        self.allocations: list[Allocation] = []
        self.lines: list[dict] = []
        self.shipments: list[InboundShipment] = []
        self.reservations: list[KitReservation] = []
        self.reservation_events: list[dict] = []
        self.notices: list[dict] = []
        self.transfers: list[Transfer] = []
        self.transfer_events: list[dict] = []
        self.vins: set[str] = set()
        self.waiting_at: dict[tuple[int, int], int] = defaultdict(int)

    def _shipment(
        self, *, allocation: Allocation, dealer, kit: Kit, quantity: int, received: bool, expected_on
    ):
        shipment = InboundShipment(
            pk=next(self.ids[InboundShipment]),
            dealer_id=dealer.pk,
            kit_id=kit.pk,
            quantity=quantity,
            received_quantity=quantity if received else 0,
            status=InboundShipment.Status.RECEIVED if received else InboundShipment.Status.OPEN,
            allocation_id=allocation.pk,
            reference=f"AL{allocation.pk}-{dealer.code}",
            expected_on=expected_on,
            created_at=allocation.confirmed_at,
        )
        self.shipments.append(shipment)
        return shipment

    def _allocation(self, kit: Kit, *, quantity: int, policy: str, confirmed_at: dt.datetime, note: str):
        allocation = Allocation(
            pk=next(self.ids[Allocation]),
            kit_id=kit.pk,
            quantity=quantity,
            policy=policy,
            status=Allocation.Status.CONFIRMED,
            note=note,
            created_at=confirmed_at - dt.timedelta(hours=3),
            confirmed_at=confirmed_at,
        )
        self.allocations.append(allocation)
        return allocation

    def past_allocations(self, first_shipments: dict, *, kits: dict[int, Kit], ledger, dealers: dict) -> None:
        """The launch allocation of each kit: confirmed four days before its shipments arrived."""
        for kit_id, per_dealer in sorted(first_shipments.items()):
            kit = kits[kit_id]
            confirmed_at = min(at for _, at in per_dealer.values()) - dt.timedelta(days=4)
            allocation = self._allocation(
                kit,
                quantity=sum(q for q, _ in per_dealer.values()),
                policy=Allocation.Policy.OPEN_VEHICLES,
                confirmed_at=confirmed_at,
                note="Launch allocation: the first valve-spring kits, by open vehicles assigned.",
            )
            for dealer_id, (quantity, at) in sorted(per_dealer.items()):
                dealer = dealers[dealer_id]
                shipment = self._shipment(
                    allocation=allocation, dealer=dealer, kit=kit, quantity=quantity, received=True,
                    expected_on=timezone.localdate(at),
                )  # fmt: skip
                self.lines.append(
                    {"allocation_id": allocation.pk, "dealer_id": dealer_id, "demand": quantity,
                     "on_hand": 0, "proposed": quantity, "quantity": quantity}
                )  # fmt: skip
                book = ledger(dealer_id, kit_id)
                book.add(confirmed_at, "inbound", inbound=quantity, reason=f"Allocation {allocation.pk} confirmed.",
                         reference=shipment.reference, shipment_id=shipment.pk)  # fmt: skip
                book.add(at, "receipt", on_hand=quantity, inbound=-quantity, reason="Received in full.",
                         reference=shipment.reference, shipment_id=shipment.pk)  # fmt: skip

    def reservation(self, book: DemoLedger, *, kit: Kit, vin: str, reserved: bool, appointment: dict | None = None,
                    arrived: bool = False, rng: random.Random | None = None) -> None:  # fmt: skip
        """A live reservation: an appointment's (reserved at booking, or waiting for parts) or a
        wait-list entry's (waiting, or reserved when a kit arrived: a parts-arrived notice)."""
        if appointment is not None:
            queued_at = appointment["created_at"] - dt.timedelta(minutes=10)
            reserved_at = self.now - dt.timedelta(minutes=5)
        else:
            queued_at = self.now - dt.timedelta(days=rng.randint(1, 45), minutes=rng.randint(0, 600))
            last = max((m["at"] for m in book.moves), default=queued_at)
            reserved_at = min(
                max(last, queued_at) + dt.timedelta(minutes=5), self.now - dt.timedelta(minutes=10)
            )
        row = KitReservation(
            pk=next(self.ids[KitReservation]),
            dealer_id=book.dealer_id,
            kit_id=kit.pk,
            vehicle_id=vin,
            campaign_id=self.campaign.pk,
            appointment_id=appointment["pk"] if appointment else None,
            quantity=kit.quantity_per_vehicle,
            status=Status.RESERVED if reserved else Status.WAITING,
            symptomatic=appointment["symptomatic"] if appointment else rng.random() < 0.08,
            queued_at=queued_at,
            reserved_at=reserved_at if reserved else None,
            contact_preference=appointment["contact_preference"] if appointment else rng.choice(CONTACT),
        )
        self.reservations.append(row)
        self.vins.add(vin)
        why = "Booked: waiting for parts." if appointment else "Joined the wait-list."
        self.reservation_events.append(
            {"reservation_id": row.pk, "from_status": "", "to_status": Status.WAITING, "at": queued_at, "reason": why}
        )  # fmt: skip
        if not reserved:
            self.waiting_at[(book.dealer_id, kit.pk)] += 1
            return
        reason = (
            "Kit reserved at booking." if appointment else "Kits received: reserved for the next in line."
        )
        self.reservation_events.append(
            {"reservation_id": row.pk, "from_status": Status.WAITING, "to_status": Status.RESERVED,
             "at": reserved_at, "reason": reason}
        )  # fmt: skip
        book.add(reserved_at, "reservation", reserved=row.quantity, reason=reason, reservation_id=row.pk,
                 appointment_id=row.appointment_id)  # fmt: skip
        if arrived:
            self.notices.append({"reservation_id": row.pk, "created_at": reserved_at})

    def appointments_parts_status(self, pks_by_status: dict[str, list[int]]) -> None:
        for status, pks in pks_by_status.items():
            for i in range(0, len(pks), 900):  # under SQLite's parameter limit
                Appointment.objects.filter(pk__in=pks[i : i + 900]).update(parts_status=status)

    def open_allocation(self, kit: Kit, *, dealers: list, demand: dict, ledger, rng: random.Random) -> None:
        """Kits confirmed two days ago for the dealers with vehicles waiting, still on their way."""
        wanted = [(d, demand.get((d.pk, kit.pk), 0)) for d in dealers]
        wanted = [(d, n) for d, n in wanted if n > 0]
        if not wanted:
            return
        confirmed_at = self.now - dt.timedelta(days=2, hours=3)
        shares = [(d, n, max(1, math.floor(n * 0.6))) for d, n in wanted]
        allocation = self._allocation(
            kit,
            quantity=sum(q for _, _, q in shares),
            policy=Allocation.Policy.WAITING_DEMAND,
            confirmed_at=confirmed_at,
            note="Second production lot: to the dealers with the longest lines.",
        )
        today = timezone.localdate(self.now)
        for dealer, n, quantity in shares:
            shipment = self._shipment(
                allocation=allocation, dealer=dealer, kit=kit, quantity=quantity, received=False,
                expected_on=today + dt.timedelta(days=rng.randint(1, 5)),
            )  # fmt: skip
            book = ledger(dealer.pk, kit.pk)
            self.lines.append(
                {"allocation_id": allocation.pk, "dealer_id": dealer.pk, "demand": n, "on_hand": book.on_hand,
                 "proposed": quantity, "quantity": quantity}
            )  # fmt: skip
            book.add(confirmed_at, "inbound", inbound=quantity, reason=f"Allocation {allocation.pk} confirmed.",
                     reference=shipment.reference, shipment_id=shipment.pk)  # fmt: skip

    def transfer(self, kit: Kit, *, sender, receiver, quantity: int, status: str, ledger) -> None:
        shipped = status == Transfer.Status.SHIPPED
        requested_at = self.now - dt.timedelta(days=3 if shipped else 0, hours=4)
        shipped_at = self.now - dt.timedelta(minutes=2)
        row = Transfer(
            pk=next(self.ids[Transfer]),
            kit_id=kit.pk,
            from_dealer_id=sender.pk,
            to_dealer_id=receiver.pk,
            quantity=quantity,
            status=status,
            reason=f"{receiver.name} has vehicles waiting and no kits.",
            reference=f"TR-{sender.code}-{receiver.code}" if shipped else "",
            created_at=requested_at,
            shipped_at=shipped_at if shipped else None,
        )
        self.transfers.append(row)
        steps = [("", Transfer.Status.REQUESTED, requested_at)]
        if shipped:
            steps += [
                (Transfer.Status.REQUESTED, Transfer.Status.APPROVED, requested_at + dt.timedelta(days=1)),
                (Transfer.Status.APPROVED, Transfer.Status.SHIPPED, shipped_at),
            ]
            ledger(sender.pk, kit.pk).add(shipped_at, "transfer_out", on_hand=-quantity, reason=row.reason,
                                          reference=row.reference, transfer_id=row.pk)  # fmt: skip
            ledger(receiver.pk, kit.pk).add(shipped_at, "inbound", inbound=quantity, reason="Transfer shipped to us.",
                                            reference=row.reference, transfer_id=row.pk)  # fmt: skip
        self.transfer_events += [
            {"transfer_id": row.pk, "from_status": a, "to_status": b, "at": at, "reason": ""}
            for a, b, at in steps
        ]

    def flush(self, *, ledgers: dict) -> None:
        """Write every row but the movements (the caller writes those last: they point at these)."""
        append_objects(Allocation, self.allocations)
        append(AllocationLine, self.lines)
        append_objects(InboundShipment, self.shipments)
        append_objects(KitReservation, self.reservations)
        append(KitReservationEvent, self.reservation_events)
        append(PartsArrivedNotice, self.notices)
        append_objects(Transfer, self.transfers)
        append(TransferEvent, self.transfer_events)
        append(
            StockBalance,
            (
                {"dealer_id": b.dealer_id, "kit_id": b.kit_id, "on_hand": b.on_hand, "reserved": b.reserved,
                 "inbound": b.inbound, "updated_at": self.now}
                for b in ledgers.values()
            ),
        )  # fmt: skip
        sequences_reset(Allocation, InboundShipment, KitReservation, Transfer)

    def counts(self) -> dict:
        return {
            "waitlist": sum(
                r.appointment_id is None and r.status == Status.WAITING for r in self.reservations
            ),
            "notices": len(self.notices),
            "shipments": sum(s.status == InboundShipment.Status.OPEN for s in self.shipments),
            "transfers": sum(t.status == Transfer.Status.SHIPPED for t in self.transfers),
        }
