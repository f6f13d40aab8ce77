"""Audit events of the nursing record (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

SCALES_LOADED = register("nursing.scales_loaded", "Scale di valutazione fornite caricate")
SCALE_DEFINED = register("nursing.scale_defined", "Scala di valutazione definita dal reparto")
SCALE_ACTIVATION_CHANGED = register(
    "nursing.scale_activation_changed",
    "Scala di valutazione messa in uso o ritirata",
    reason_required=True,
)
ASSESSMENT_RECORDED = register("nursing.assessment_recorded", "Valutazione con scala registrata")
ASSESSMENT_CORRECTED = register(
    "nursing.assessment_corrected",
    "Valutazione con scala corretta (nuova versione)",
    reason_required=True,
)
ANAMNESIS_WRITTEN = register("nursing.anamnesis_written", "Anamnesi infermieristica scritta")
ANAMNESIS_REVISED = register(
    "nursing.anamnesis_revised", "Anamnesi infermieristica aggiornata", reason_required=True
)
NOTE_WRITTEN = register("nursing.note_written", "Nota del diario assistenziale scritta")
NOTE_CORRECTED = register(
    "nursing.note_corrected", "Nota del diario assistenziale corretta", reason_required=True
)
MONITORING_RECORDED = register("nursing.monitoring_recorded", "Monitoraggio registrato")
MONITORING_CORRECTED = register(
    "nursing.monitoring_corrected", "Monitoraggio corretto", reason_required=True
)
