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
    DecisionChoice,
    ParLevel,
    RequestKindChoice,
    RequestStateChoice,
    UrgencyChoice,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestLine,
    WardRequestScan,
    WardRequestStep,
)

__all__ = [
    "CostCenter",
    "DecisionChoice",
    "LocationKind",
    "MovementKind",
    "ParLevel",
    "RequestKindChoice",
    "RequestStateChoice",
    "StockLot",
    "StockMovement",
    "StorageLocation",
    "UrgencyChoice",
    "WardRequest",
    "WardRequestDiscrepancy",
    "WardRequestLine",
    "WardRequestScan",
    "WardRequestStep",
]
