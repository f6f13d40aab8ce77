"""Audit events of the patient registry (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

PATIENT_CREATED = register("patients.patient_created", "Paziente registrato")
PATIENT_UPDATED = register("patients.patient_updated", "Dati anagrafici modificati")
PATIENT_MERGED = register(
    "patients.patient_merged",
    "Paziente duplicato unito al paziente principale",
    reason_required=True,
)
PATIENT_MERGE_RECEIVED = register(
    "patients.patient_merge_received",
    "Dati di un duplicato uniti al paziente",
    reason_required=True,
)
ENCOUNTER_ADMITTED = register("patients.encounter_admitted", "Ricovero / accesso aperto")
ADMISSION_REFERRED = register(
    "patients.admission_referred",
    "Ricovero / accesso non registrato: rinviato all'ufficio accettazione",
)
ENCOUNTER_DISCHARGED = register("patients.encounter_discharged", "Dimissione")
ENCOUNTER_TRANSFERRED = register("patients.encounter_transferred", "Trasferimento")
ENCOUNTER_DISCHARGE_CANCELLED = register(
    "patients.encounter_discharge_cancelled",
    "Dimissione annullata: ricovero / accesso di nuovo in corso",
    reason_required=True,
)
ENCOUNTER_CANCELLED = register(
    "patients.encounter_cancelled", "Ricovero / accesso annullato", reason_required=True
)
CONSENT_RECORDED = register("patients.consent_recorded", "Consenso registrato")
CONSENT_REVOKED = register("patients.consent_revoked", "Consenso revocato", reason_required=True)
DOCUMENT_MASKED = register("patients.document_masked", "Documento oscurato su richiesta")
DOCUMENT_UNMASKED = register(
    "patients.document_unmasked", "Oscuramento revocato su richiesta", reason_required=True
)
# A wristband print is audited by the archive as every other print: the event
# ``documents.document_created`` (kind ``wristband``, the patient, the template version and
# the source ``patients:patient:<id>``), written with the archived copy (records/wristband.py).
ALLERGY_RECORDED = register("patients.allergy_recorded", "Allergia registrata")
ALLERGY_REFUTED = register(
    "patients.allergy_refuted", "Allergia confutata (non era un'allergia)", reason_required=True
)
ALLERGY_INACTIVATED = register(
    "patients.allergy_inactivated", "Allergia non più attiva", reason_required=True
)
NO_KNOWN_ALLERGIES_STATED = register(
    "patients.no_known_allergies_stated", "Dichiarato: nessuna allergia nota"
)
PGX_RESULT_RECORDED = register(
    "patients.pgx_result_recorded", "Risultato farmacogenomico registrato"
)
PGX_RESULT_ENTERED_IN_ERROR = register(
    "patients.pgx_result_entered_in_error",
    "Risultato farmacogenomico registrato per errore",
    reason_required=True,
)
WARD_STAFF_ASSIGNED = register("patients.ward_staff_assigned", "Utente assegnato al reparto")
WARD_STAFF_ENDED = register(
    "patients.ward_staff_ended", "Assegnazione al reparto terminata", reason_required=True
)
BREAK_GLASS_GRANTED = register(
    "patients.break_glass_granted",
    "Accesso di emergenza (break-the-glass) a un paziente fuori dal proprio ambito di cura",
    reason_required=True,
)
BREAK_GLASS_REVIEWED = register(
    "patients.break_glass_reviewed", "Accesso di emergenza rivisto", reason_required=True
)
PATIENT_UNMERGED = register(
    "patients.patient_unmerged",
    "Unione di pazienti annullata: il duplicato torna un paziente a sé",
    reason_required=True,
)
PATIENT_UNMERGE_RECEIVED = register(
    "patients.patient_unmerge_received",
    "Unione annullata: i dati del duplicato tornano al duplicato",
    reason_required=True,
)
MERGE_ROWS_MOVED = register(
    "patients.merge_rows_moved",
    "Dati di un modulo spostati dal duplicato al paziente principale (unione)",
    reason_required=True,
)
MERGE_ROWS_RETURNED = register(
    "patients.merge_rows_returned",
    "Dati di un modulo restituiti al duplicato (unione annullata)",
    reason_required=True,
)
