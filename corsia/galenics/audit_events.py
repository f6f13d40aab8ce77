"""Audit events of the galenic laboratory (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

FORMULA_CREATED = register("galenics.formula_created", "Formula galenica creata (bozza)")
FORMULA_UPDATED = register("galenics.formula_updated", "Bozza di formula galenica modificata")
FORMULA_PUBLISHED = register("galenics.formula_published", "Formula galenica pubblicata")
FORMULA_VERSION_OPENED = register(
    "galenics.formula_version_opened", "Nuova versione di una formula galenica aperta"
)
BATCH_OPENED = register("galenics.batch_opened", "Lotto galenico aperto (foglio di lavorazione)")
LINE_WEIGHED = register("galenics.line_weighed", "Componente del lotto galenico pesato")
QC_RECORDED = register("galenics.qc_recorded", "Controllo di qualità del lotto registrato")
BATCH_PREPARED = register("galenics.batch_prepared", "Lotto galenico preparato")
BATCH_RELEASED = register("galenics.batch_released", "Lotto galenico rilasciato")
BATCH_REJECTED = register(
    "galenics.batch_rejected",
    "Lotto galenico respinto (materie prime a scarto)",
    reason_required=True,
)
BATCH_DISPENSED = register("galenics.batch_dispensed", "Preparazione galenica dispensata")
