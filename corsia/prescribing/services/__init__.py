"""Chemotherapy orders: every state change, in a transaction, with permission and audit.

The doses come from the pure engine (``domain/``); these services feed it the patient's
latest measures and the regimen version, keep what it returns (dose, provenance,
warnings) and enforce the order's life (``domain/states.py``). One file per clinical act:

- ``measures`` — the patient's measures and diagnoses;
- ``doses`` — the dose of one line (engine, hard limits, tablets, warnings);
- ``creation`` — a new cycle, the next cycle, recalculation;
- ``deviations`` — reductions, typed doses and overrides, suspensions, moved days,
  added drugs;
- ``details`` — the order's general data and the product chosen for a drug;
- ``validation`` — the independent validation of the lines;
- ``allergies`` — the patient's allergies against the order's drugs (creation, signing);
- ``pgx_check`` — the pharmacogenomic barrier (creation, changes, signing, validation)
  and the suggested dose applied as a reduction; ``pgx_alert`` its warnings;
- ``transitions`` — the decisions on the order and the closed loop's milestones (the one
  entry point other modules call: ``order_milestone_record``);
- ``signing`` — the signed therapy sheet;
- ``orders`` — what they share: permissions, the row lock, the edit check.

Callers import this package (``from corsia.prescribing import services``): the names
below are its public surface.
"""

from corsia.prescribing.services.allergies import AllergyMatchRow, order_allergy_rows
from corsia.prescribing.services.creation import order_create, order_duplicate, order_recalculate
from corsia.prescribing.services.details import order_item_choose_product, order_update_general
from corsia.prescribing.services.deviations import (
    order_day_move,
    order_item_add,
    order_item_adjust,
    order_item_set_status,
    order_reduce_all,
)
from corsia.prescribing.services.doses import LineDose, line_dose, line_maximum
from corsia.prescribing.services.measures import diagnosis_record, measurement_record
from corsia.prescribing.services.orders import (
    CUMULATIVE_STATES,
    PRESCRIBE,
    RECORD_MEASUREMENT,
    VIEW,
)
from corsia.prescribing.services.pgx_alert import order_pgx_since
from corsia.prescribing.services.pgx_check import (
    PGX_AFTER_VALIDATION_STATES,
    PgxRow,
    order_pgx_acknowledge,
    order_pgx_apply_suggested,
    order_pgx_pending,
    order_pgx_rows,
    orders_pgx_pending,
)
from corsia.prescribing.services.pgx_frequency import order_pgx_apply_thrice_weekly
from corsia.prescribing.services.signing import (
    SIGNABLE_STATES,
    order_confirm_and_sign,
    order_sign,
)
from corsia.prescribing.services.transitions import (
    order_decisions_possible,
    order_milestone_record,
    order_transition,
)
from corsia.prescribing.services.validation import (
    order_authors,
    order_item_is_validated,
    order_items_validate,
)

__all__ = [
    "CUMULATIVE_STATES",
    "PGX_AFTER_VALIDATION_STATES",
    "PRESCRIBE",
    "RECORD_MEASUREMENT",
    "SIGNABLE_STATES",
    "VIEW",
    "AllergyMatchRow",
    "LineDose",
    "PgxRow",
    "diagnosis_record",
    "line_dose",
    "line_maximum",
    "measurement_record",
    "order_allergy_rows",
    "order_authors",
    "order_confirm_and_sign",
    "order_create",
    "order_day_move",
    "order_decisions_possible",
    "order_duplicate",
    "order_item_add",
    "order_item_adjust",
    "order_item_choose_product",
    "order_item_is_validated",
    "order_item_set_status",
    "order_items_validate",
    "order_milestone_record",
    "order_pgx_acknowledge",
    "order_pgx_apply_suggested",
    "order_pgx_apply_thrice_weekly",
    "order_pgx_pending",
    "order_pgx_rows",
    "order_pgx_since",
    "order_recalculate",
    "order_reduce_all",
    "order_sign",
    "order_transition",
    "order_update_general",
    "orders_pgx_pending",
]
