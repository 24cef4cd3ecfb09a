"""The demo's stock ledgers, built in memory and written in bulk: one ``DemoLedger`` per dealer
and kit collects its movements, then ``close`` orders them by time and fills the running
figures (``*_after``) as ``parts.ledger.stock_move`` would have, refusing any step that would
take reserved, inbound or available below zero: the demo's bug, not the database's, to find.

``receipts_plan`` decides the receipts behind the repairs the demo already completed: every
week's consumption is on the shelf before it happens (a kit is consumed only after it came in).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field

from parts.models import StockMovement

Kind = StockMovement.Kind
MOVE_FIELDS = ("appointment_id", "repair_order_id", "reservation_id", "shipment_id", "transfer_id")


@dataclass
class DemoLedger:
    dealer_id: int
    kit_id: int
    moves: list[dict] = field(default_factory=list)
    on_hand: int = 0
    reserved: int = 0
    inbound: int = 0

    def add(
        self, at: dt.datetime, kind: str, *, on_hand=0, reserved=0, inbound=0, reason="", reference="", **refs
    ):
        self.moves.append(
            {
                "dealer_id": self.dealer_id,
                "kit_id": self.kit_id,
                "kind": str(kind),
                "on_hand_delta": on_hand,
                "reserved_delta": reserved,
                "inbound_delta": inbound,
                "at": at,
                "reason": reason,
                "reference": reference[:60],
                **refs,
            }
        )
        # The figures as of the last movement added, for the story to decide on (close() recomputes).
        self.on_hand += on_hand
        self.reserved += reserved
        self.inbound += inbound

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def close(self) -> list[dict]:
        """The movements in time order with their running figures; a negative figure is a bug."""
        on_hand = reserved = inbound = 0
        ordered = sorted(enumerate(self.moves), key=lambda m: (m[1]["at"], m[0]))
        rows = []
        for _, move in ordered:
            on_hand += move["on_hand_delta"]
            reserved += move["reserved_delta"]
            inbound += move["inbound_delta"]
            if reserved < 0 or inbound < 0 or on_hand < reserved:
                raise AssertionError(
                    f"demo ledger of kit {self.kit_id} at dealer {self.dealer_id} goes negative at "
                    f"{move['at']:%Y-%m-%d %H:%M} ({move['kind']}): {on_hand}/{reserved}/{inbound}"
                )
            rows.append(
                {**move, "on_hand_after": on_hand, "reserved_after": reserved, "inbound_after": inbound}
            )
        assert (on_hand, reserved, inbound) == (self.on_hand, self.reserved, self.inbound)
        return rows


@dataclass(frozen=True)
class Receipt:
    at: dt.datetime
    quantity: int
    first: bool  # the first delivery: the past allocation's shipment


def receipts_plan(
    *,
    consumed_at: list[dt.datetime],
    start: dt.datetime,
    now: dt.datetime,
    extra: tuple[int, int],
    opening_extra: int,
    dry_since: dt.datetime | None,
    rng: random.Random,
) -> list[Receipt]:
    """Weekly deliveries from ``start``: each covers the coming week's consumption (what is not
    on the shelf already) plus ``extra`` kits (a range drawn from). A dealer "dry" since
    ``dry_since`` got its last delivery before then, big enough for every repair after it,
    and nothing since (its wait-list clears "not at the current rate")."""
    consumed_at = sorted(consumed_at)
    bounds = []
    t = start
    while t < now - dt.timedelta(days=1):
        if dry_since is None or t < dry_since:
            bounds.append(t)
        t += dt.timedelta(days=7)
    receipts, on_hand = [], 0
    for i, at in enumerate(bounds):
        until = bounds[i + 1] if i + 1 < len(bounds) else now
        need = bisect.bisect_left(consumed_at, until) - bisect.bisect_left(consumed_at, at)
        if i == 0:
            need += bisect.bisect_left(consumed_at, at)  # anything before the first delivery (none, by dates)
        quantity = max(0, need - on_hand) + rng.randint(*extra) + (opening_extra if i == 0 else 0)
        if quantity > 0:
            receipts.append(Receipt(at=at, quantity=quantity, first=not receipts))
        on_hand += quantity - need
    return receipts
