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

# --- the nursing process ---------------------------------------------------------------------
CARE_TEMPLATES_LOADED = register(
    "nursing.care_templates_loaded", "Modelli di piano assistenziale forniti caricati"
)
CARE_TEMPLATE_DEFINED = register(
    "nursing.care_template_defined", "Modello di piano assistenziale definito dal reparto"
)
CARE_TEMPLATE_ACTIVATION_CHANGED = register(
    "nursing.care_template_activation_changed",
    "Modello di piano assistenziale ritirato o rimesso in uso",
    reason_required=True,
)
CARE_PROBLEM_OPENED = register("nursing.care_problem_opened", "Problema assistenziale aperto")
CARE_PROBLEM_STATUS_CHANGED = register(
    "nursing.care_problem_status_changed",
    "Problema assistenziale risolto, chiuso o inserito per errore",
    reason_required=True,
)
CARE_GOAL_ADDED = register("nursing.care_goal_added", "Obiettivo assistenziale aggiunto")
CARE_GOAL_REVISED = register(
    "nursing.care_goal_revised", "Obiettivo assistenziale rivisto", reason_required=True
)
CARE_INTERVENTION_ADDED = register(
    "nursing.care_intervention_added", "Intervento assistenziale pianificato"
)
CARE_INTERVENTION_REVISED = register(
    "nursing.care_intervention_revised",
    "Intervento assistenziale modificato o sospeso",
    reason_required=True,
)
CARE_INTERVENTION_RECORDED = register(
    "nursing.care_intervention_recorded", "Intervento assistenziale eseguito o non eseguito"
)
CARE_GOAL_EVALUATED = register("nursing.care_goal_evaluated", "Obiettivo assistenziale valutato")
NURSING_DISCHARGE_WRITTEN = register(
    "nursing.discharge_written", "Dimissione infermieristica scritta"
)
