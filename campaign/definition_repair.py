"""Reading a definition's ``repair`` section: the claim and reimbursement terms, the stocked
kits (``repair.kits``) and the labor operations with their claim parts. Called by
``campaign.definition.parse`` with its reader, so errors name the field and line the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class RemedyPartDef:
    part_number: str
    description: str
    quantity: int
    dealer_net_price: Decimal


@dataclass(frozen=True)
class KitDef:
    """A stocked kit (``repair.kits``): what dealers stock, reserve and receive."""

    part_number: str
    description: str
    quantity_per_vehicle: int
    dealer_net_price: Decimal


@dataclass(frozen=True)
class RemedyOperationDef:
    labor_operation: str
    flat_rate_hours: Decimal
    kit: list[RemedyPartDef]
    # The part number of the stocked kit (``repair.kits``) this repair uses; None: not tracked.
    stock_kit: str | None = None


# 49 CFR 573.13: owners are reimbursed for repairs up to at least 10 days after the last letter.
REIMBURSEMENT_AFTER_LAST_LETTER = dt.timedelta(days=10)


def kits_read(r, data: dict) -> list[KitDef]:
    """``repair.kits``: the stocked kits, each named by its part number."""
    repair = r.get(data, "repair", "repair", required=False) or {}
    raw = (r.get(repair, "kits", "repair.kits", required=False) or []) if isinstance(repair, dict) else []
    if not isinstance(raw, list):
        raise r.fail(
            "repair.kits",
            "should be a list of {part_number, description, quantity_per_vehicle, dealer_net_price}",
        )
    kits: list[KitDef] = []
    for i, line in enumerate(raw):
        path = f"repair.kits[{i}]"
        part_number = r.text(line, "part_number", f"{path}.part_number", max_length=20).upper()
        if any(k.part_number == part_number for k in kits):
            raise r.fail(f"{path}.part_number", f"{part_number} is already a kit of this campaign")
        quantity = r.integer(line, "quantity_per_vehicle", f"{path}.quantity_per_vehicle", required=False)
        if quantity is not None and not 1 <= quantity <= 100:
            raise r.fail(f"{path}.quantity_per_vehicle", f"should be between 1 and 100, not {quantity}")
        kits.append(
            KitDef(
                part_number=part_number,
                description=r.text(line, "description", f"{path}.description", max_length=120),
                quantity_per_vehicle=quantity or 1,
                dealer_net_price=r.decimal(
                    line,
                    "dealer_net_price",
                    f"{path}.dealer_net_price",
                    places=2,
                    max_digits=10,
                    positive=False,
                ),
            )
        )
    return kits


def repair_read(r, data: dict, fields: dict[str, Any], *, kits: set[str]) -> dict[str, RemedyOperationDef]:
    """The ``repair`` section: claim and reimbursement terms into ``fields``; the labor
    operations by name, for the VIN table's lines to refer to. A file without one has no remedy."""
    repair = r.get(data, "repair", "repair", required=False) or {}
    if not isinstance(repair, dict):
        raise r.fail(
            "repair", "should be a mapping (claim_window_days, reimbursement_window, claim, operations)"
        )
    window_days = r.integer(repair, "claim_window_days", "repair.claim_window_days", required=False)
    if window_days is not None and not 1 <= window_days <= 3650:
        raise r.fail("repair.claim_window_days", f"should be between 1 and 3650 days, not {window_days}")
    window = r.get(repair, "reimbursement_window", "repair.reimbursement_window", required=False) or {}
    base = "repair.reimbursement_window"
    starts = r.date(window, "from", f"{base}.from", required=bool(window))
    ends = r.date(window, "until", f"{base}.until", required=bool(window))
    if starts and ends and ends < starts:
        raise r.fail(f"{base}.until", f"{ends} is before the window's start {starts}")
    last_letter = r.date(window, "last_owner_letter", f"{base}.last_owner_letter", required=False)
    first_letter = fields["owner_notification_started_on"]
    latest_letter = max((d for d in (last_letter, first_letter) if d), default=None)
    if ends and latest_letter and ends < latest_letter + REIMBURSEMENT_AFTER_LAST_LETTER:
        raise r.fail(
            f"{base}.until",
            f"{ends} is less than 10 days after the last owner letter ({latest_letter}); "
            "49 CFR 573.13 asks for at least "
            f"{latest_letter + REIMBURSEMENT_AFTER_LAST_LETTER}",
        )
    claim = r.get(repair, "claim", "repair.claim", required=False) or {}
    fields |= {
        "claim_window_days": window_days,
        "reimbursement_from": starts,
        "reimbursement_until": ends,
        "claim_condition": r.text(claim, "condition", "repair.claim.condition", required=False),
        "claim_cause": r.text(claim, "cause", "repair.claim.cause", required=False),
        "claim_correction": r.text(claim, "correction", "repair.claim.correction", required=False),
    }

    raw = r.get(repair, "operations", "repair.operations", required=False) or {}
    if not isinstance(raw, dict):
        raise r.fail(
            "repair.operations",
            "should be a mapping of operation names to {labor_operation, flat_rate_hours, kit}",
        )
    operations = {}
    for name, op in raw.items():
        path = f"repair.operations.{name}"
        kit_raw = r.get(op, "kit", f"{path}.kit")
        if not isinstance(kit_raw, list) or not kit_raw:
            raise r.fail(
                f"{path}.kit",
                "should be a non-empty list of {part_number, description, quantity, dealer_net_price}",
            )
        kit: list[RemedyPartDef] = []
        for i, line in enumerate(kit_raw):
            lpath = f"{path}.kit[{i}]"
            part_number = r.text(line, "part_number", f"{lpath}.part_number", max_length=20).upper()
            if any(p.part_number == part_number for p in kit):
                raise r.fail(f"{lpath}.part_number", f"{part_number} is already a line of this kit")
            quantity = r.integer(line, "quantity", f"{lpath}.quantity")
            if quantity == 0:
                raise r.fail(f"{lpath}.quantity", "should be at least 1")
            kit.append(
                RemedyPartDef(
                    part_number=part_number,
                    description=r.text(line, "description", f"{lpath}.description", max_length=120),
                    quantity=quantity,
                    dealer_net_price=r.decimal(
                        line,
                        "dealer_net_price",
                        f"{lpath}.dealer_net_price",
                        places=2,
                        max_digits=10,
                        positive=False,
                    ),
                )
            )
        stock_kit = r.text(op, "stock_kit", f"{path}.stock_kit", required=False, max_length=20).upper()
        if stock_kit and stock_kit not in kits:
            known = ", ".join(sorted(kits)) or "none: the file has no repair.kits"
            raise r.fail(f"{path}.stock_kit", f"{stock_kit!r} is not a kit of repair.kits ({known})")
        operations[str(name)] = RemedyOperationDef(
            labor_operation=r.text(op, "labor_operation", f"{path}.labor_operation", max_length=12).upper(),
            flat_rate_hours=r.decimal(
                op, "flat_rate_hours", f"{path}.flat_rate_hours", places=1, max_digits=5, positive=True
            ),
            kit=kit,
            stock_kit=stock_kit or None,
        )
    return operations
