"""Laboratory results entered by hand: the H/L flag computed from the reference range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain import labs
from corsia.records.domain.moments import past_moment
from corsia.records.models import LabResult
from corsia.records.services._common import row_record

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
    flag = mark.value if mark else ""
    with transaction.atomic():
        return row_record(
            LabResult,
            event=events.LAB_RESULT_RECORDED,
            actor=actor,
            workstation=workstation,
            after={
                "analyte": value.analyte,
                "value": str(value.value),
                "unit": value.unit,
                "reference_low": None if value.reference_low is None else str(value.reference_low),
                "reference_high": None
                if value.reference_high is None
                else str(value.reference_high),
                "flag": flag,
                "collected_at": collected.isoformat(),
            },
            patient_id=patient.pk,
            analyte=value.analyte,
            value=value.value,
            unit=value.unit,
            reference_low=value.reference_low,
            reference_high=value.reference_high,
            flag=flag,
            collected_at=collected,
        )
