"""Audit events of the medical record (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

DIARY_ENTRY_SIGNED = register("records.diary_entry_signed", "Diario clinico: annotazione firmata")
DIARY_ENTRY_CORRECTED = register(
    "records.diary_entry_corrected",
    "Diario clinico: annotazione corretta (nuova versione)",
    reason_required=True,
)
VITAL_SIGNS_RECORDED = register("records.vital_signs_recorded", "Parametri vitali registrati")
ANAMNESIS_SIGNED = register("records.anamnesis_signed", "Anamnesi firmata (nuova versione)")
ANAMNESIS_NOTE_SIGNED = register("records.anamnesis_note_signed", "Raccordo anamnestico firmato")
DIAGNOSIS_RECORDED = register("records.diagnosis_recorded", "Diagnosi oncologica registrata")
DIAGNOSIS_UPDATED = register("records.diagnosis_updated", "Diagnosi oncologica modificata")
PERFORMANCE_STATUS_RECORDED = register(
    "records.performance_status_recorded", "Performance status registrato"
)
ICD9CM_LOADED = register("records.icd9cm_loaded", "Catalogo ICD-9-CM caricato o aggiornato")
LAB_RESULT_RECORDED = register("records.lab_result_recorded", "Esame di laboratorio registrato")
# structured staging and prognostic scores (services/staging.py, services/scores.py)
STAGING_SIGNED = register("records.staging_signed", "Stadiazione calcolata e firmata")
PROGNOSTIC_SCORE_RECORDED = register(
    "records.prognostic_score_recorded", "Punteggio prognostico calcolato e registrato"
)
