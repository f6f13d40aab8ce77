"""The galenic laboratory's acts (one module per act), re-exported."""

from corsia.galenics.services.batches import (
    Weighing,
    batch_open,
    batch_prepared,
    batch_release,
    last_results,
    line_weigh,
    qc_record,
)
from corsia.galenics.services.dispensing import batch_dispense, dispensed_quantity
from corsia.galenics.services.formulary import (
    FormulaInput,
    IngredientInput,
    formula_create,
    formula_new_version,
    formula_publish,
    formula_update,
)
from corsia.galenics.services.rejection import batch_reject

__all__ = [
    "FormulaInput",
    "IngredientInput",
    "Weighing",
    "batch_dispense",
    "batch_open",
    "batch_prepared",
    "batch_reject",
    "batch_release",
    "dispensed_quantity",
    "formula_create",
    "formula_new_version",
    "formula_publish",
    "formula_update",
    "last_results",
    "line_weigh",
    "qc_record",
]
