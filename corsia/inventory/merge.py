"""The stock ledger's merge hook (``corsia.patients.merging``): a merge moves the stock
movements charged to the duplicate (append-only: ``patient_id`` only, see
``corsia/core/triggers.py``) to the survivor; its undoing moves exactly those back. The lines of
named ward requests (``WardRequestLine.patient``) move the same way."""

from __future__ import annotations

from corsia.inventory.models import StockMovement, WardRequestLine
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("inventory", (StockMovement, WardRequestLine))
