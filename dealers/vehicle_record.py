"""The dealer's vehicle record: the seed's "confirm through TIS" step, by VIN.

Any dealer may check any VIN's eligibility (owners walk into any dealer). The owner's
name and contact details are shown only to those who hold ``dealers.view_owner_data``
through a role at the servicing dealer, in its region, or nationally; each time they
are shown an ``OwnerDataAccess`` row records who saw them, when, and where, and the
page is sent ``Cache-Control: no-store`` (``dealers.owner_data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campaign import vin as vinlib
from campaign.models import Vehicle
from campaign.selectors import CampaignVinStatus, VinLookup, vin_lookup
from dealers.access import user_scope
from dealers.inventory_selectors import inventory_units_for_user, roles_granting
from dealers.models import Dealer, InventoryUnit
from dealers.owner_data import owner_data_access_record

OWNER_DATA_PERM = "dealers.view_owner_data"
INVENTORY_PERM = "dealers.view_inventoryunit"


def vin_from_input(raw: str) -> str:
    """The VIN a clerk typed or scanned; raises ``InvalidVin`` with a message for the clerk.

    A scanner may send more than the VIN (a prefix, a trailing code): then the first
    17-character run with a valid check digit is the VIN.
    """
    normalised = vinlib.normalise(raw)
    if len(normalised) > vinlib.VIN_LENGTH:
        found = vinlib.find_in_scan(raw) or vinlib.find_in_scan(normalised)
        if found:
            return found
        try:
            vinlib.validate(normalised)
        except vinlib.InvalidVin as exc:
            raise vinlib.InvalidVin(
                normalised,
                f"{exc.message} If you scanned a barcode, no VIN with a valid check digit was found in it.",
            ) from None
    return vinlib.validate(normalised)


@dataclass(frozen=True)
class VehicleRecord:
    lookup: VinLookup
    vehicle: Vehicle | None
    servicing_dealer: Dealer | None
    owner_visible: bool
    inventory: list[InventoryUnit] = field(default_factory=list)
    # Repair orders arrive with the repairs app (a later issue); the record shows the section empty.
    repairs: list = field(default_factory=list)

    @property
    def vin(self) -> str:
        return self.lookup.vin

    @property
    def model_label(self) -> str:
        if self.vehicle and self.vehicle.model_label:
            return self.vehicle.model_label
        return self.lookup.model_label or ""

    @property
    def model_year(self) -> int | None:
        if self.vehicle:
            return self.vehicle.model_year
        return self.lookup.decoded.model_year

    @property
    def statuses(self) -> list[CampaignVinStatus]:
        return self.lookup.statuses

    @property
    def known(self) -> bool:
        """Whether any campaign covers the VIN at all (on a list or inside a printed range)."""
        return bool(self.lookup.statuses)

    @property
    def has_owner(self) -> bool:
        return bool(self.vehicle and self.vehicle.has_owner)


def owner_data_visible(*, user, dealer: Dealer | None) -> bool:
    """Owner details of a vehicle serviced by ``dealer``: permission and scope, both."""
    if dealer is None or not user.has_perm(OWNER_DATA_PERM):
        return False
    scope = user_scope(user)
    if scope.national or dealer.region_id in scope.region_ids:
        return True
    return any(dealer.pk in scope.dealer_roles.get(role, ()) for role in roles_granting(OWNER_DATA_PERM))


def vehicle_record_get(*, user, vin: str, context: str = "vehicle record") -> VehicleRecord:
    """Everything the counter needs about one VIN. Raises ``InvalidVin`` for a malformed VIN.

    Queries: the campaigns with this VIN's entries (vin_lookup), the vehicle with its
    servicing dealer, the user's own inventory units with the VIN (if they keep
    inventory), and one insert into the owner-data log when owner details are shown.
    """
    lookup = vin_lookup(vin=vin_from_input(vin))
    vehicle = Vehicle.objects.select_related("servicing__dealer__region").filter(vin=lookup.vin).first()
    servicing = getattr(vehicle, "servicing", None) if vehicle else None
    dealer = servicing.dealer if servicing else None
    visible = bool(vehicle and vehicle.has_owner) and owner_data_visible(user=user, dealer=dealer)
    if visible:
        owner_data_access_record(user=user, vehicle=vehicle, context=context)
    inventory: list[InventoryUnit] = []
    if user.has_perm(INVENTORY_PERM):
        inventory = list(
            inventory_units_for_user(user=user).filter(vin=lookup.vin).order_by("-received_on")[:10]
        )
    return VehicleRecord(
        lookup=lookup, vehicle=vehicle, servicing_dealer=dealer, owner_visible=visible, inventory=inventory
    )
