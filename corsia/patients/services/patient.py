"""The patient row as every service holds it: the permissions, the row lock and the check
that a merged patient is not worked on."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.models import Patient

VIEW = "patients.view_patient"
CHANGE = "patients.change_patient"
MERGE = "patients.merge_patient"
UNMERGE = "patients.unmerge_patient"
MASK = "patients.mask_document"
ENCOUNTER = "patients.manage_encounter"
CONSENT = "patients.record_consent"


def today() -> date:
    return timezone.localdate()


def locked_patient(patient_id: int) -> Patient:
    try:
        return Patient.objects.select_for_update().get(pk=patient_id)
    except Patient.DoesNotExist:
        raise NotFound("Paziente non trovato.", code="patient_not_found") from None


def ensure_not_merged(patient: Patient) -> None:
    if patient.merged_into_id is not None:
        raise ValidationFailed(
            f"Il paziente {patient.mrn} è stato unito a un altro paziente: lavora su quello.",
            code="patient_merged",
            details={"survivor_id": patient.merged_into_id},
        )
