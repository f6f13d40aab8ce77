"""The patient's measures and diagnoses the physician prescribes from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.clinical_time import MEASUREMENT, check_clinical_time
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.selectors import patient_record
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.patient import check_range
from corsia.prescribing.models import Measurement, MeasurementKind, PatientDiagnosis
from corsia.prescribing.services.orders import PRESCRIBE, RECORD_MEASUREMENT

_MEASURE_FIELD = {
    MeasurementKind.HEIGHT_CM: "height_cm",
    MeasurementKind.WEIGHT_KG: "weight_kg",
    MeasurementKind.CREATININE: "serum_creatinine_mg_dl",
    MeasurementKind.MEASURED_GFR: "measured_gfr_ml_min",
}


def ensure_not_merged(merged_into_id: int | None) -> None:
    """A patient merged into another is prescribed on as the survivor only."""
    if merged_into_id is not None:
        raise ValidationFailed(
            "Il paziente è stato unificato con un altro: prescrivere sul paziente superstite.",
            code="patient_merged",
        )


def measurement_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    value: Decimal,
    measured_at: datetime | None = None,
) -> Measurement:
    require_permission(actor, RECORD_MEASUREMENT, "Non hai il permesso di registrare misure.")
    try:
        measure = MeasurementKind(kind)
    except ValueError:
        raise ValidationFailed(
            f"Tipo di misura sconosciuto: «{kind}».", code="measurement_kind", field="kind"
        ) from None
    check_range(_MEASURE_FIELD[measure], value)
    when = measured_at or timezone.now()
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id)
        ensure_not_merged(patient.merged_into_id)
        # not in the future, not ten years back, not before the patient was born
        check_clinical_time(
            when,
            now=timezone.now(),
            window=MEASUREMENT,
            field="measured_at",
            born=patient.date_of_birth,
        )
        row = Measurement.objects.create(
            patient=patient,
            kind=measure.value,
            value=value,
            measured_at=when,
            recorded_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.MEASUREMENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={"kind": measure.value, "value": str(value), "measured_at": when.isoformat()},
        )
    return row


def diagnosis_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    code: str,
    label: str,
    system: str = "icd9cm",
    diagnosed_on: date | None = None,
) -> PatientDiagnosis:
    require_permission(actor, PRESCRIBE, "Non hai il permesso di registrare diagnosi.")
    code = code.strip().upper()
    if not code or not label.strip():
        raise ValidationFailed(
            "Indicare codice e descrizione della diagnosi.", code="diagnosis_required", field="code"
        )
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id)
        ensure_not_merged(patient.merged_into_id)
        row = PatientDiagnosis.objects.create(
            patient=patient,
            system=system,
            code=code,
            label=label.strip(),
            diagnosed_on=diagnosed_on,
            recorded_by=actor,
        )
        audit_record(
            event=events.DIAGNOSIS_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={"system": system, "code": code, "label": label},
        )
    return row
