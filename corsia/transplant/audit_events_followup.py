"""Audit events of the transplant follow-up (declared once, imported by its services)."""

from __future__ import annotations

from corsia.audit.domain.events import register

VISIT_RECORDED = register("transplant.visit_recorded", "Visita di follow-up registrata")
VISIT_UPDATED = register("transplant.visit_updated", "Visita di follow-up modificata")
VISIT_SIGNED = register("transplant.visit_signed", "Visita di follow-up firmata")
VISIT_CORRECTED = register(
    "transplant.visit_corrected",
    "Visita di follow-up firmata corretta (nuova versione)",
    reason_required=True,
)
AGVHD_ASSESSED = register("transplant.agvhd_assessed", "GVHD acuta valutata (MAGIC)")
CGVHD_ASSESSED = register("transplant.cgvhd_assessed", "GVHD cronica valutata (NIH 2014)")
VIRAL_LOAD_RECORDED = register("transplant.viral_load_recorded", "Carica virale registrata")
RESPONSE_RECORDED = register("transplant.response_recorded", "Risposta al trapianto registrata")
OUTCOME_RECORDED = register("transplant.outcome_recorded", "Esito del trapianto registrato")
CONSENT_RECORDED = register("transplant.consent_recorded", "Consenso registrato")
ADVERSE_EVENT_RECORDED = register("transplant.adverse_event_recorded", "Evento avverso registrato")
RECORD_CORRECTED = register(
    "transplant.followup_record_corrected",
    "Dato del follow-up corretto (nuova versione)",
    reason_required=True,
)
SETTINGS_CHANGED = register(
    "transplant.followup_settings_changed",
    "Soglie del follow-up (carica virale, livelli) modificate",
    reason_required=True,
)
