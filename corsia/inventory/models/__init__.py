"""The inventory's tables: the stock ledger (``stock``) and the wards' requests to the
pharmacy with the cabinets' par levels (``ward_requests``). Persistence only; every change
goes through ``services``."""

from corsia.inventory.models.stock import (
    CostCenter,
    LocationKind,
    MovementKind,
    StockLot,
    StockMovement,
    StorageLocation,
)
from corsia.inventory.models.ward_requests import (
    ParLevel,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestLine,
    WardRequestScan,
    WardRequestStep,
)

__all__ = [
    "CostCenter",
    "LocationKind",
    "MovementKind",
    "ParLevel",
    "StockLot",
    "StockMovement",
    "StorageLocation",
    "WardRequest",
    "WardRequestDiscrepancy",
    "WardRequestLine",
    "WardRequestScan",
    "WardRequestStep",
]
