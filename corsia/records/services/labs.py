"""Laboratory results entered by hand: the H/L flag computed from the reference range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain import labs
from corsia.records.domain.moments import past_moment
from corsia.records.models import LabResult

RECORD_LAB = "records.record_lab"


@dataclass(frozen=True)
class LabInput:
    analyte: str
    value: object  # as typed (a decimal comma accepted)
    collected_at: datetime | None
    unit: str = ""
    reference_low: object = None
    reference_high: object = None


def lab_result_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: LabInput
) -> LabResult:
    """Record one result; a value or range that is not a number, an inverted range or a
    collection time in the future: refused, nothing saved."""
    require_permission(actor, RECORD_LAB)
    patient = patient_get(user=actor, patient_id=patient_id)
    value = labs.checked(
        analyte=data.analyte,
        value=data.value,
        unit=data.unit,
        reference_low=data.reference_low,
        reference_high=data.reference_high,
    )
    if data.collected_at is None:
        raise ValidationFailed(
            "Indica data e ora del prelievo.", code="required", field="collected_at"
        )
    collected = past_moment(data.collected_at, now=timezone.now(), field="collected_at")
    mark = labs.flag(value.value, value.reference_low, value.reference_high)
    with transaction.atomic():
        result = LabResult.objects.create(
            patient_id=patient.pk,
            analyte=value.analyte,
            value=value.value,
            unit=value.unit,
            reference_low=value.reference_low,
            reference_high=value.reference_high,
            flag=mark.value if mark else "",
            collected_at=collected,
            recorded_by=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.LAB_RESULT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=result,
            patient_id=patient.pk,
            after={
                "analyte": result.analyte,
                "value": str(result.value),
                "unit": result.unit,
                "reference_low": None if value.reference_low is None else str(value.reference_low),
                "reference_high": None
                if value.reference_high is None
                else str(value.reference_high),
                "flag": result.flag,
                "collected_at": collected.isoformat(),
            },
        )
    return result
