"""Audit events of the regimen library and clinical trials (registered once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

REGIMEN_VERSION_CREATED = register("regimens.version_created", "Nuova versione di uno schema")
REGIMEN_VERSION_APPROVED = register("regimens.version_approved", "Approvazione di uno schema")
REGIMEN_VERSION_VALIDATED = register(
    "regimens.version_validated", "Schema validato (due approvazioni)"
)
REGIMEN_ACTIVE_CHANGED = register(
    "regimens.active_changed", "Schema attivato o disattivato", reason_required=True
)
REGIMEN_EXPORTED = register("regimens.exported", "Esportazione FHIR di uno schema")
TRIAL_CREATED = register("regimens.trial_created", "Nuovo studio clinico")
TRIAL_PATIENT_ENROLLED = register(
    "regimens.trial_patient_enrolled", "Paziente arruolato in uno studio"
)
TRIAL_MONITOR_ASSIGNED = register(
    "regimens.trial_monitor_assigned", "Monitor assegnato a uno studio"
)
TRIAL_PATIENT_WITHDRAWN = register(
    "regimens.trial_patient_withdrawn", "Paziente ritirato da uno studio", reason_required=True
)
TRIAL_MONITOR_REVOKED = register(
    "regimens.trial_monitor_revoked", "Monitor revocato da uno studio", reason_required=True
)
