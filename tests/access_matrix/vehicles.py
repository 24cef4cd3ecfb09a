"""The vehicle record: any signed-in role checks any VIN (owner data is tested in tests/dealers)."""

from __future__ import annotations

from tests.access_matrix import Case, signed_in

CASES = [
    Case("vehicle-record", expect=signed_in(200), id="form"),
    # A VIN of a vehicle dealer B services: eligibility is for every dealer, never a 404.
    Case(
        "vehicle-record",
        data=lambda w: {"vin": w.affected_vehicle(dealer=w.dealer_b).vin},
        expect=signed_in(200),
        id="vin",
    ),
]
