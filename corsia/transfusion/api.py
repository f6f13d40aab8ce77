"""JSON API of the transfusion module (``/api/v1/transfusion/...``): the same services and
permissions as the pages; refusals as problem+json with stable codes (``bag_expired``,
``bag_already_transfused``, ``same_operator``, ...)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import AwareDatetime, BoundedInt, IsoDatetime, RecordId
from corsia.core.web import acting, request_actor, request_workstation
from corsia.records.services import VitalsInput
from corsia.transfusion import selectors, services
from corsia.transfusion.models import (
    BloodGroupDetermination,
    IssuedBag,
    Transfusion,
    TransfusionRequest,
)

router = Router(tags=["transfusion"])
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


class BagOut(Schema):
    id: int
    din: str
    product_code: str
    group: str
    expires_at: IsoDatetime


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


class PatientOut(Schema):
    patient_id: int
    group_status: str
    group: str | None
    determinations: list[DeterminationOut]
    requests: list[RequestOut]


class IssueIn(Schema):
    scans: Scans = Field(max_length=8)


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


def _determination(row: BloodGroupDetermination) -> DeterminationOut:
    return DeterminationOut(
        id=row.pk,
        group=row.group.short(),
        sample=row.sample,
        collected_at=row.collected_at,
        recorded_by=row.recorded_by.username,
    )


def _bag(row: IssuedBag) -> BagOut:
    return BagOut(
        id=row.pk,
        din=row.din,
        product_code=row.product_code,
        group=row.group.short(),
        expires_at=row.expires_at,
    )


def _transfusion(row: Transfusion) -> TransfusionOut:
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


def _request(row: TransfusionRequest) -> RequestOut:
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
        bags=[_bag(b) for b in row.bags.all()],
        transfusions=[_transfusion(t) for t in row.transfusions.all()],
    )


@router.get("/patients/{patient_id}", response=PatientOut)
@api_perm(services.VIEW)
def patient(request: HttpRequest, patient_id: RecordId) -> PatientOut:
    """The patient's blood group on record and every request with its bags and transfusions."""
    view = selectors.patient_transfusions(
        user=request_actor(request),
        patient_id=patient_id,
        workstation=request_workstation(request),
        channel="api",
    )
    return PatientOut(
        patient_id=view.patient.pk,
        group_status=view.group.status.value,
        group=view.group.group.short() if view.group.group else None,
        determinations=[_determination(d) for d in view.determinations],
        requests=[_request(r) for r in view.requests],
    )


@router.get("/requests", response=list[RequestOut])
@api_perm(services.VIEW)
def worklist(request: HttpRequest) -> list[RequestOut]:
    """Open requests planned from yesterday to tomorrow (masked stays left out)."""
    rows = selectors.open_requests(
        user=request_actor(request), workstation=request_workstation(request), channel="api"
    )
    return [_request(r) for r in rows]


@router.get("/requests/{request_id}", response=RequestOut)
@api_perm(services.VIEW)
def request_get(request: HttpRequest, request_id: RecordId) -> RequestOut:
    detail = selectors.request_detail(
        user=request_actor(request),
        request_id=request_id,
        workstation=request_workstation(request),
        channel="api",
    )
    return _request(detail.request)


@router.post("/determinations", response={201: DeterminationOut})
@api_perm(services.RECORD_GROUP)
def determination(request: HttpRequest, payload: DeterminationIn) -> Status[DeterminationOut]:
    row = services.blood_group_record(
        **acting(request),
        patient_id=payload.patient_id,
        abo=payload.abo,
        rhd=payload.rhd,
        sample=payload.sample,
        collected_at=payload.collected_at,
    )
    return Status(201, _determination(row))


@router.post("/requests", response={201: RequestOut})
@api_perm(services.REQUEST)
def request_create(request: HttpRequest, payload: RequestIn) -> Status[RequestOut]:
    row = services.transfusion_request_create(
        **acting(request),
        patient_id=payload.patient_id,
        data=services.RequestInput(
            component=payload.component,
            units=payload.units,
            indication=payload.indication,
            planned_at=payload.planned_at,
            treatments=tuple(payload.treatments),
            premedication=payload.premedication,
        ),
    )
    return Status(201, _request(row))


@router.post("/requests/{request_id}/cancel", response=RequestOut)
@api_perm(services.REQUEST)
def request_cancel(request: HttpRequest, request_id: RecordId, payload: CancelIn) -> RequestOut:
    row = services.transfusion_request_cancel(
        **acting(request),
        request_id=request_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )
    return _request(row)


@router.post("/requests/{request_id}/bags", response={201: BagOut})
@api_perm(services.ISSUE)
def bag_issue(request: HttpRequest, request_id: RecordId, payload: IssueIn) -> Status[BagOut]:
    row = services.bag_issue(**acting(request), request_id=request_id, scans=payload.scans)
    return Status(201, _bag(row))


def second_operator(request: HttpRequest, username: str, password: str) -> object:
    """The second operator, re-authenticated through Django's backends (django-axes counts
    the failures towards that account's lockout); None when the credentials fail."""
    if not username or not password:
        return None
    return authenticate(request, username=username, password=password)


@router.post("/requests/{request_id}/check", response={201: TransfusionOut})
@api_perm(services.TRANSFUSE)
def check(request: HttpRequest, request_id: RecordId, payload: CheckIn) -> Status[TransfusionOut]:
    """The pre-transfusion check by two operators: the second one's credentials, the
    patient's wristband and the bag's four ISBT 128 barcodes (any order)."""
    second = second_operator(request, payload.second_username, payload.second_password)
    row = services.transfusion_check(
        **acting(request),
        request_id=request_id,
        second_operator=second,  # type: ignore[arg-type]  # authenticate() answers our User
        wristband=payload.wristband,
        scans=payload.scans,
    )
    return Status(201, _transfusion(row))


@router.post("/transfusions/{transfusion_id}/start", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def start(request: HttpRequest, transfusion_id: RecordId, payload: VersionIn) -> TransfusionOut:
    row = services.transfusion_start(
        **acting(request), transfusion_id=transfusion_id, expected_version=payload.expected_version
    )
    return _transfusion(row)


@router.post("/transfusions/{transfusion_id}/end", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def end(request: HttpRequest, transfusion_id: RecordId, payload: EndIn) -> TransfusionOut:
    row = services.transfusion_end(
        **acting(request),
        transfusion_id=transfusion_id,
        expected_version=payload.expected_version,
        volume_ml=payload.volume_ml,
    )
    return _transfusion(row)


@router.post("/transfusions/{transfusion_id}/stop", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def stop(request: HttpRequest, transfusion_id: RecordId, payload: StopIn) -> TransfusionOut:
    row = services.transfusion_stop(
        **acting(request),
        transfusion_id=transfusion_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
        volume_ml=payload.volume_ml,
    )
    return _transfusion(row)


@router.post("/transfusions/{transfusion_id}/vitals", response={201: dict[str, object]})
@api_perm(services.TRANSFUSE)
def vitals(
    request: HttpRequest, transfusion_id: RecordId, payload: VitalsIn
) -> Status[dict[str, object]]:
    link = services.transfusion_vitals_record(
        **acting(request),
        transfusion_id=transfusion_id,
        phase=payload.phase,
        data=VitalsInput(
            systolic_bp=payload.systolic_bp,
            diastolic_bp=payload.diastolic_bp,
            heart_rate=payload.heart_rate,
            temperature_c=payload.temperature_c,
            respiratory_rate=payload.respiratory_rate,
            spo2=payload.spo2,
        ),
    )
    return Status(201, {"id": link.pk, "phase": link.phase, "vital_signs_id": link.vital_signs_id})


@router.post("/transfusions/{transfusion_id}/reactions", response={201: dict[str, object]})
@api_perm(services.TRANSFUSE)
def reaction(
    request: HttpRequest, transfusion_id: RecordId, payload: ReactionIn
) -> Status[dict[str, object]]:
    row = services.transfusion_reaction_record(
        **acting(request),
        transfusion_id=transfusion_id,
        data=services.ReactionInput(
            category=payload.category,
            severity=payload.severity,
            imputability=payload.imputability,
            onset_at=payload.onset_at,
            description=payload.description,
        ),
    )
    return Status(201, {"id": row.pk, "category": row.category, "severity": row.severity})
