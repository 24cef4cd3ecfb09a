"""The service department's records: shop capacity, appointments, repair orders, outcomes,
warranty claims and owner reimbursement. One module per part, re-exported here for Django."""

from repairs.models.appointments import Appointment, AppointmentEvent, AppointmentSlot
from repairs.models.capacity import ShopClosure, ShopDay, ShopHours
from repairs.models.claims import ClaimEvent, ClaimPart, ClaimPayment, WarrantyClaim
from repairs.models.outcomes import OutcomeChange
from repairs.models.reimbursement import ReimbursementEvent, ReimbursementRequest
from repairs.models.repair_orders import RepairOrder, RepairOrderEvent, RepairOrderPart

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "AppointmentSlot",
    "ClaimEvent",
    "ClaimPart",
    "ClaimPayment",
    "OutcomeChange",
    "ReimbursementEvent",
    "ReimbursementRequest",
    "RepairOrder",
    "RepairOrderEvent",
    "RepairOrderPart",
    "ShopClosure",
    "ShopDay",
    "ShopHours",
    "WarrantyClaim",
]
