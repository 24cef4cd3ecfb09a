"""Where a VIN stands for one campaign: pure logic over the campaign's VIN screen.

The seed's rule: ranges are a screen, the posted affected list is the truth.
Ranges of different model years overlap in serials, so a range only applies to a
VIN of its own model year (position 10), never by serial alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from campaign.vin import DecodedVin


class VinState(StrEnum):
    AFFECTED = "affected"  # on the posted list, remedy still to do (entry "open" or "unreachable")
    REMEDIED = "remedied"  # on the list, the remedy done (entry "remedied", nothing else)
    CLOSED = "closed"  # on the list, closed without the remedy: inspected and found not to need it
    REMOVED = "removed"  # taken off the list by the campaign administrator (found not affected)
    IN_RANGE_NOT_AFFECTED = "in_range_not_affected"
    IN_RANGE_LIST_NOT_POSTED = "in_range_list_not_posted"
    NOT_COVERED = "not_covered"


# AffectedVehicle.Status -> the VIN's state. "Remedied" means the remedy was done, as in the
# dealer counts and the quarterly remedy report (which counts not-needed and unreachable apart).
# "Unreachable" records that outreach failed (owner not located, exported…), not that the car
# is safe: the recall stays open on the VIN, so the public look-up lists it and a pre-owned
# unit is held (AffectedVehicle.RECALL_OPEN_STATUSES).
ENTRY_STATES = {
    "open": VinState.AFFECTED,
    "unreachable": VinState.AFFECTED,
    "remedied": VinState.REMEDIED,
    "not_needed": VinState.CLOSED,
    "removed": VinState.REMOVED,
}

STATE_LABELS = {
    VinState.AFFECTED: "Affected — recall open",
    VinState.REMEDIED: "Remedied",
    VinState.CLOSED: "Closed without the remedy (inspected, not needed)",
    VinState.REMOVED: "Removed from the campaign (found not affected)",
    VinState.IN_RANGE_NOT_AFFECTED: "In range, not affected",
    VinState.IN_RANGE_LIST_NOT_POSTED: "In range, affected list not yet posted",
    VinState.NOT_COVERED: "Not covered",
}


@dataclass(frozen=True, slots=True)
class ScreenRange:
    wmi: str
    vds: str
    model_year: int
    serial_from: str
    serial_to: str
    model_label: str

    def covers(self, decoded: DecodedVin) -> bool:
        return (
            decoded.wmi == self.wmi
            and decoded.vds == self.vds
            and decoded.model_year == self.model_year
            and self.serial_from <= decoded.serial <= self.serial_to
        )


def matching_range(decoded: DecodedVin, ranges: list[ScreenRange]) -> ScreenRange | None:
    for screen in ranges:
        if screen.covers(decoded):
            return screen
    return None


def vin_state(*, in_range: bool, list_posted: bool, entry_status: str | None) -> VinState:
    """``in_range``: a range of the campaign covers the VIN (:func:`matching_range`, or the
    look-up's statement, which asks the database the same question); ``entry_status`` is the
    VIN's AffectedVehicle.status for the campaign, or None if it is not on the list."""
    if entry_status is not None:
        return ENTRY_STATES[entry_status]
    if not in_range:
        return VinState.NOT_COVERED
    return VinState.IN_RANGE_NOT_AFFECTED if list_posted else VinState.IN_RANGE_LIST_NOT_POSTED
