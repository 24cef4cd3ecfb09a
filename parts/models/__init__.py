from parts.models.allocations import Allocation, AllocationEvent, AllocationLine
from parts.models.reservations import KitReservation, KitReservationEvent, PartsArrivedNotice
from parts.models.shipments import InboundShipment
from parts.models.stock import StockBalance, StockMovement
from parts.models.transfers import Transfer, TransferEvent

__all__ = [
    "Allocation",
    "AllocationEvent",
    "AllocationLine",
    "InboundShipment",
    "KitReservation",
    "KitReservationEvent",
    "PartsArrivedNotice",
    "StockBalance",
    "StockMovement",
    "Transfer",
    "TransferEvent",
]
