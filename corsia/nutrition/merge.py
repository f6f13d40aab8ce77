"""The module's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
nutrition orders and bedside scans to the survivor (only ``patient_id`` changes); its undoing moves exactly
those back."""

from __future__ import annotations

from corsia.nutrition.models import BedsideScan, NutritionOrder
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("nutrition", (NutritionOrder, BedsideScan))
