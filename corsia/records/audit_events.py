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

# --- treatment course (services/course.py, services/evaluations.py) ---
TREATMENT_LINE_STARTED = register("records.treatment_line_started", "Linea di terapia registrata")
TREATMENT_LINE_CLOSED = register(
    "records.treatment_line_closed", "Linea di terapia chiusa", reason_required=True
)
TREATMENT_LINE_ORDER_LINKED = register(
    "records.treatment_line_order_linked", "Prescrizione collegata alla linea di terapia"
)
TREATMENT_PLAN_ITEM_RECORDED = register(
    "records.treatment_plan_item_recorded", "Chirurgia o radioterapia registrata nel piano"
)
RESPONSE_EVALUATION_SIGNED = register(
    "records.response_evaluation_signed", "Rivalutazione della risposta firmata"
)
HOME_THERAPY_RECORDED = register("records.home_therapy_recorded", "Terapia domiciliare registrata")
HOME_THERAPY_STOPPED = register("records.home_therapy_stopped", "Terapia domiciliare sospesa")
APPOINTMENT_RECORDED = register("records.appointment_recorded", "Appuntamento fissato")
APPOINTMENT_CANCELLED = register(
    "records.appointment_cancelled", "Appuntamento annullato", reason_required=True
)
# clinical letters and tumour boards (services/letters.py, services/boards.py)
LETTER_DRAFTED = register(
    "records.letter_drafted", "Lettera clinica: bozza preparata dalla cartella"
)
LETTER_DRAFT_UPDATED = register(
    "records.letter_draft_updated", "Lettera clinica: bozza modificata o aggiornata"
)
LETTER_SIGNED = register("records.letter_signed", "Lettera clinica firmata e archiviata")
LETTER_CORRECTION_STARTED = register(
    "records.letter_correction_started",
    "Lettera clinica: correzione avviata (nuova versione)",
    reason_required=True,
)
BOARD_RECORDED = register("records.board_recorded", "Riunione multidisciplinare registrata")
BOARD_UPDATED = register("records.board_updated", "Riunione multidisciplinare modificata")
BOARD_SIGNED = register("records.board_signed", "Riunione multidisciplinare firmata e chiusa")
# pathology, imaging and consultation reports (services/reports.py)
CLINICAL_REPORT_RECORDED = register(
    "records.clinical_report_recorded",
    "Referto registrato e firmato (anatomia patologica, immagini, consulenza)",
)
CLINICAL_REPORT_CORRECTED = register(
    "records.clinical_report_corrected",
    "Referto corretto (nuova versione)",
    reason_required=True,
)
