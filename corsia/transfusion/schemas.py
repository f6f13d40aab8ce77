"""Schemas of the transfusion API and the rows they are built from."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import AwareDatetime, BoundedInt, IsoDatetime, RecordId
from corsia.transfusion.models import (
    BloodGroupDetermination,
    Crossmatch,
    EmergencyRelease,
    IssuedBag,
    Transfusion,
    TransfusionRequest,
)

Scans = list[str]


class DeterminationIn(Schema):
    patient_id: RecordId
    abo: str = Field(max_length=2)
    rhd: str = Field(max_length=3)
    sample: str = Field(max_length=40)
    collected_at: AwareDatetime


class DeterminationOut(Schema):
    id: int
    group: str
    sample: str
    collected_at: IsoDatetime
    recorded_by: str


class RequestIn(Schema):
    patient_id: RecordId
    component: str = Field(max_length=12)
    units: BoundedInt
    indication: str = Field(max_length=4000)
    treatments: list[str] = Field(default=[], max_length=4)
    premedication: str = Field(default="", max_length=4000)
    planned_at: AwareDatetime


class CrossmatchOut(Schema):
    id: int
    bag_id: int
    result: str
    method: str
    sample: str
    sample_collected_at: IsoDatetime
    valid_until: IsoDatetime
    recorded_by: str


class BagOut(Schema):
    id: int
    din: str
    product_code: str
    group: str
    expires_at: IsoDatetime
    emergency: bool
    treatments: list[str]
    treatments_typed: list[str]
    crossmatches: list[CrossmatchOut]


class EmergencyOut(Schema):
    request_id: int
    reason: str
    rhd_policy: str
    declared_by: str
    declared_at: IsoDatetime


class TransfusionOut(Schema):
    id: int
    request_id: int
    din: str
    product_code: str
    state: str
    version: int
    first_operator: str
    second_operator: str
    verdict: str
    warnings: list[str]
    started_at: IsoDatetime | None
    ended_at: IsoDatetime | None
    volume_ml: int | None
    vitals: list[dict[str, object]]
    reactions: list[dict[str, object]]


class RequestOut(Schema):
    id: int
    patient_id: int
    component: str
    units: int
    indication: str
    treatments: list[str]
    premedication: str
    planned_at: IsoDatetime
    state: str
    version: int
    bags: list[BagOut]
    transfusions: list[TransfusionOut]
    emergency: EmergencyOut | None
    pending_regularisation: list[int]  # bags released in emergency, no compatible crossmatch


class PatientOut(Schema):
    patient_id: int
    group_status: str
    group: str | None
    determinations: list[DeterminationOut]
    requests: list[RequestOut]


class IssueIn(Schema):
    scans: Scans = Field(max_length=8)
    typed_treatments: list[str] = Field(default=[], max_length=4)


class EmergencyIn(Schema):
    expected_version: RecordId
    reason: str = Field(max_length=2000)
    rhd_policy: str = Field(max_length=20)


class CrossmatchIn(Schema):
    result: str = Field(max_length=12)
    method: str = Field(max_length=16)
    sample: str = Field(max_length=40)
    sample_collected_at: AwareDatetime


class CheckIn(Schema):
    second_username: str = Field(max_length=150)
    second_password: str = Field(max_length=256)
    wristband: str = Field(max_length=64)
    scans: Scans = Field(max_length=8)


class VersionIn(Schema):
    expected_version: RecordId


class EndIn(VersionIn):
    volume_ml: BoundedInt


class StopIn(VersionIn):
    reason: str = Field(max_length=2000)
    volume_ml: BoundedInt | None = None


class VitalsIn(Schema):
    phase: str = Field(max_length=8)
    systolic_bp: str = Field(default="", max_length=8)
    diastolic_bp: str = Field(default="", max_length=8)
    heart_rate: str = Field(default="", max_length=8)
    temperature_c: str = Field(default="", max_length=8)
    respiratory_rate: str = Field(default="", max_length=8)
    spo2: str = Field(default="", max_length=8)


class ReactionIn(Schema):
    category: str = Field(max_length=16)
    severity: str = Field(max_length=1)
    imputability: str = Field(max_length=16)
    onset_at: AwareDatetime
    description: str = Field(max_length=4000)


class CancelIn(VersionIn):
    reason: str = Field(max_length=2000)


def determination_out(row: BloodGroupDetermination) -> DeterminationOut:
    return DeterminationOut(
        id=row.pk,
        group=row.group.short(),
        sample=row.sample,
        collected_at=row.collected_at,
        recorded_by=row.recorded_by.username,
    )


def crossmatch_out(row: Crossmatch) -> CrossmatchOut:
    return CrossmatchOut(
        id=row.pk,
        bag_id=row.bag_id,
        result=row.result,
        method=row.method,
        sample=row.sample,
        sample_collected_at=row.sample_collected_at,
        valid_until=row.valid_until,
        recorded_by=row.recorded_by.username,
    )


def bag_out(row: IssuedBag) -> BagOut:
    return BagOut(
        id=row.pk,
        din=row.din,
        product_code=row.product_code,
        group=row.group.short(),
        expires_at=row.expires_at,
        emergency=row.emergency,
        treatments=list(row.treatments),
        treatments_typed=list(row.treatments_typed),
        crossmatches=[crossmatch_out(c) for c in row.crossmatches.all()],
    )


def emergency_out(row: EmergencyRelease) -> EmergencyOut:
    return EmergencyOut(
        request_id=row.request_id,
        reason=row.reason,
        rhd_policy=row.rhd_policy,
        declared_by=row.declared_by.username,
        declared_at=row.declared_at,
    )


def transfusion_out(row: Transfusion) -> TransfusionOut:
    return TransfusionOut(
        id=row.pk,
        request_id=row.request_id,
        din=row.bag.din,
        product_code=row.bag.product_code,
        state=row.state,
        version=row.version,
        first_operator=row.first_operator.username,
        second_operator=row.second_operator.username,
        verdict=row.verdict,
        warnings=list(row.warnings),
        started_at=row.started_at,
        ended_at=row.ended_at,
        volume_ml=row.volume_ml,
        vitals=[
            {"phase": v.phase, "vital_signs_id": v.vital_signs_id, "at": v.measured_at.isoformat()}
            for v in row.vitals.all()
        ],
        reactions=[
            {
                "category": r.category,
                "severity": r.severity,
                "imputability": r.imputability,
                "onset_at": r.onset_at.isoformat(),
            }
            for r in row.reactions.all()
        ],
    )


def request_out(
    row: TransfusionRequest, emergency: EmergencyRelease | None, pending: list[int]
) -> RequestOut:
    return RequestOut(
        id=row.pk,
        patient_id=row.patient_id,
        component=row.component,
        units=row.units,
        indication=row.indication,
        treatments=list(row.treatments),
        premedication=row.premedication,
        planned_at=row.planned_at,
        state=row.state,
        version=row.version,
        bags=[bag_out(b) for b in row.bags.all()],
        transfusions=[transfusion_out(t) for t in row.transfusions.all()],
        emergency=emergency_out(emergency) if emergency else None,
        pending_regularisation=pending,
    )
