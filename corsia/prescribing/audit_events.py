"""Audit events of measurements and chemotherapy orders (registered once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

MEASUREMENT_RECORDED = register("prescribing.measurement_recorded", "Misura registrata")
DIAGNOSIS_RECORDED = register("prescribing.diagnosis_recorded", "Diagnosi registrata")
ORDER_CREATED = register("prescribing.order_created", "Prescrizione creata")
ORDER_RECALCULATED = register("prescribing.order_recalculated", "Dosi ricalcolate")
ORDER_ITEM_ADJUSTED = register(
    "prescribing.item_adjusted", "Dose modificata rispetto allo schema", reason_required=True
)
ORDER_ITEM_STATUS = register(
    "prescribing.item_status", "Farmaco o giorno sospeso/riattivato", reason_required=True
)
ORDER_ITEM_ADDED = register(
    "prescribing.item_added", "Farmaco aggiunto allo schema", reason_required=True
)
ORDER_DAY_MOVED = register(
    "prescribing.day_moved", "Giorno di terapia spostato", reason_required=True
)
ORDER_TRANSITION = register("prescribing.order_transition", "Cambio di stato della prescrizione")
ORDER_DUPLICATED = register("prescribing.order_duplicated", "Ciclo duplicato")
ORDER_SIGNED = register("prescribing.order_signed", "Prescrizione firmata digitalmente")
ORDER_UPDATED = register("prescribing.order_updated", "Dati generali della prescrizione")
ORDER_MILESTONE_NOT_APPLIED = register(
    "prescribing.milestone_not_applied",
    "Traguardo del ciclo chiuso non applicato allo stato della prescrizione",
)
ORDER_ITEMS_VALIDATED = register(
    "prescribing.items_validated", "Farmaci della prescrizione validati"
)
ORDER_VALIDATION_CLEARED = register(
    "prescribing.validation_cleared", "Validazione annullata: riga modificata dopo la validazione"
)
ORDER_SCHEDULE_JUSTIFIED = register(
    "prescribing.schedule_justified",
    "Ciclo duplicato o anticipato prescritto con motivazione",
    reason_required=True,
)
PRIOR_DOSE_RECORDED = register(
    "prescribing.prior_dose_recorded",
    "Dose ricevuta in altra struttura registrata",
    reason_required=True,
)
ORDER_ALLERGY_OVERRIDDEN = register(
    "prescribing.allergy_overridden",
    "Farmaco prescritto nonostante un'allergia del paziente, con motivazione",
    reason_required=True,
)
ORDER_ALLERGY_ACKNOWLEDGED = register(
    "prescribing.allergy_acknowledged",
    "Avviso di allergia (lieve o sospetta) preso in visione dal medico",
)
REGULATORY_DOCUMENTED = register(
    "prescribing.regulatory_documented",
    "Documentazione regolatoria della prescrizione (registro AIFA, 648/96, off-label)",
)
REGULATORY_OVERRIDDEN = register(
    "prescribing.regulatory_overridden",
    "Prescrizione validata in farmacia senza documentazione regolatoria completa",
    reason_required=True,
)
REGULATORY_DISPENSING_RECORDED = register(
    "prescribing.regulatory_dispensing_recorded",
    "Scheda di dispensazione registrata nel registro AIFA",
)
ORDER_PGX_OVERRIDDEN = register(
    "prescribing.pgx_overridden",
    "Farmaco prescritto o validato nonostante una controindicazione farmacogenomica, "
    "con motivazione",
    reason_required=True,
)
ORDER_PGX_ACKNOWLEDGED = register(
    "prescribing.pgx_acknowledged",
    "Raccomandazione farmacogenomica di riduzione della dose presa in visione",
)
ORDER_INTERACTIONS_FOUND = register(
    "prescribing.interactions_found",
    "Interazioni con le altre terapie del paziente trovate alla prescrizione",
)
ORDER_INTERACTION_OVERRIDDEN = register(
    "prescribing.interaction_overridden",
    "Prescrizione nonostante un'interazione controindicata, con motivazione",
    reason_required=True,
)
ORDER_INTERACTION_ACKNOWLEDGED = register(
    "prescribing.interaction_acknowledged",
    "Interazione grave con le altre terapie presa in visione",
)
