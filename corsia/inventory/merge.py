"""The stock ledger's merge hook (``corsia.patients.merging``): a merge moves the stock
movements charged to the duplicate (append-only: ``patient_id`` only, see
``corsia/core/triggers.py``) to the survivor; its undoing moves exactly those back."""

from __future__ import annotations

from corsia.inventory.models import StockMovement
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("inventory", (StockMovement,))
