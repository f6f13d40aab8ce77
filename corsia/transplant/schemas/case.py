"""The JSON shapes of the case's API: what comes in, what goes out.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import BoundedInt, IsoDate, Reason
from corsia.transplant import services
from corsia.transplant.models import Transplant

Code = str  # a code of the pathway's lists (validated by the service)


class CaseIn(Schema):
    transplant_type: Code = Field(max_length=20)
    source: Code = Field(max_length=20)
    indication: Reason
    diagnosis_code: str = Field(default="", max_length=10)
    disease_status: str = Field(default="", max_length=120)
    coordinator: str = Field(default="", max_length=150)
    taken_in_charge_on: IsoDate | None = None
    note: Reason = ""


class CaseUpdateIn(CaseIn):
    expected_version: BoundedInt


class CancelIn(Schema):
    expected_version: BoundedInt
    reason: Reason


class CaseOut(Schema):
    id: int
    patient_id: int
    state: str
    state_label: str
    transplant_type: str
    source: str
    diagnosis_code: str
    indication: str
    disease_status: str
    day_zero: date | None
    coordinator: str | None
    taken_in_charge_on: date
    cancel_reason: str
    version: int


def case_input(payload: CaseIn) -> services.CaseInput:
    return services.CaseInput(
        transplant_type=payload.transplant_type,
        source=payload.source,
        indication=payload.indication,
        diagnosis_code=payload.diagnosis_code,
        disease_status=payload.disease_status,
        coordinator=payload.coordinator,
        taken_in_charge_on=payload.taken_in_charge_on,
        note=payload.note,
    )


def case_out(case: Transplant) -> CaseOut:
    return CaseOut(
        id=case.pk,
        patient_id=case.patient_id,
        state=case.state,
        state_label=case.state_label,
        transplant_type=case.transplant_type,
        source=case.source,
        diagnosis_code=case.diagnosis_code,
        indication=case.indication,
        disease_status=case.disease_status,
        day_zero=case.day_zero,
        coordinator=case.coordinator.username if case.coordinator else None,
        taken_in_charge_on=case.taken_in_charge_on,
        cancel_reason=case.cancel_reason,
        version=case.version,
    )
