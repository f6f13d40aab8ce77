"""JSON API of the nursing record: /api/v1/nursing/scales and /api/v1/nursing/assessments.
Same services and permissions as the pages; refusals are problem+json (config/api.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import AwareDatetime, IsoDatetime
from corsia.core.web import request_actor, request_workstation
from corsia.nursing import selectors, services
from corsia.nursing.models import Assessment, Scale

router = Router(tags=["nursing"])
VIEW = "nursing.view_nursing"
RECORD = "nursing.record_nursing"
MANAGE = "nursing.manage_scales"


class ScaleOut(Schema):
    id: int
    code: str
    version: str
    name: str
    shipped: bool
    active: bool
    definition: dict[str, Any]  # items, options and points, bands (domain/scales.py)


class ScaleIn(Schema):
    definition: dict[str, Any]


class AssessmentItemOut(Schema):
    item: str
    label: str
    answer: str
    answer_label: str
    points: int


class AssessmentOut(Schema):
    id: int
    patient_id: int
    scale: str
    scale_version: str
    scale_name: str
    answers: dict[str, str]
    items: list[AssessmentItemOut]
    total: int
    band: str
    band_level: int
    assessed_at: IsoDatetime
    notes: str
    recorded_by: str
    recorded_at: IsoDatetime
    supersedes_id: int | None
    correction_reason: str


class AssessmentIn(Schema):
    patient_id: int
    scale: str
    # item code -> option code, or the number of a numeric item: checked by the domain
    # (a boolean, a fraction, an unknown option are refused there, with the item named)
    answers: dict[str, Any]
    assessed_at: AwareDatetime | None = None
    notes: str = ""


class CorrectionIn(Schema):
    answers: dict[str, str | int]
    reason: str
    assessed_at: IsoDatetime | None = None
    notes: str = ""


def _scale_out(scale: Scale) -> ScaleOut:
    return ScaleOut(
        id=scale.pk,
        code=scale.code,
        version=scale.version,
        name=scale.name,
        shipped=scale.shipped,
        active=scale.active,
        definition=scale.definition,
    )


def _out(a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk,
        patient_id=a.patient_id,
        scale=a.scale.code,
        scale_version=a.scale.version,
        scale_name=a.scale.name,
        answers={str(k): str(v) for k, v in a.answers.items()},
        items=[AssessmentItemOut(**i) for i in a.items],
        total=a.total,
        band=a.band_label,
        band_level=a.band_level,
        assessed_at=a.assessed_at,
        notes=a.notes,
        recorded_by=a.recorded_by.username,
        recorded_at=a.recorded_at,
        supersedes_id=a.supersedes_id,
        correction_reason=a.correction_reason,
    )


@router.get("/scales", response=list[ScaleOut])
@api_perm(VIEW)
def scales(request: HttpRequest, all_versions: bool = False) -> list[ScaleOut]:
    """The scales in use (``all_versions=true``: withdrawn versions too)."""
    actor = request_actor(request)
    rows = selectors.scales_all(user=actor) if all_versions else selectors.scales_in_use(user=actor)
    return [_scale_out(s) for s in rows]


@router.post("/scales", response={201: ScaleOut})
@api_perm(MANAGE)
def define_scale(request: HttpRequest, payload: ScaleIn) -> Status[ScaleOut]:
    """A scale of the hospital's own, or a new version of one (put in use)."""
    scale = services.scale_define(
        actor=request_actor(request),
        workstation=request_workstation(request),
        definition=payload.definition,
    )
    return Status(201, _scale_out(scale))


@router.get("/assessments", response=list[AssessmentOut])
@api_perm(VIEW)
def assessments(
    request: HttpRequest, patient_id: int, scale: str = "", history: bool = False
) -> list[AssessmentOut]:
    """A patient's assessments, newest first (current versions; ``history=true`` adds the
    corrected ones); of one scale with ``scale`` (its code): the trend."""
    rows = selectors.patient_assessments(
        user=request_actor(request),
        patient_id=patient_id,
        scale_code=scale or None,
        include_history=history,
        workstation=request_workstation(request),
        channel="api",
    )
    return [_out(a) for a in rows]


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
@api_perm(VIEW)
def assessment(request: HttpRequest, assessment_id: int) -> AssessmentOut:
    return _out(
        selectors.assessment_get(
            user=request_actor(request),
            assessment_id=assessment_id,
            workstation=request_workstation(request),
            channel="api",
        )
    )


@router.post("/assessments", response={201: AssessmentOut})
@api_perm(RECORD)
def record(request: HttpRequest, payload: AssessmentIn) -> Status[AssessmentOut]:
    """Score the answers with the scale in use (its code) and record them."""
    created = services.assessment_record(
        actor=request_actor(request),
        workstation=request_workstation(request),
        patient_id=payload.patient_id,
        data=services.AssessmentInput(
            scale_code=payload.scale,
            answers=payload.answers,
            assessed_at=payload.assessed_at,
            notes=payload.notes,
        ),
    )
    return Status(201, _out(created))


@router.post("/assessments/{assessment_id}/corrections", response={201: AssessmentOut})
@api_perm(RECORD)
def correct(
    request: HttpRequest, assessment_id: int, payload: CorrectionIn
) -> Status[AssessmentOut]:
    """A correction: a new assessment superseding this one (which stays), with a reason."""
    created = services.assessment_correct(
        actor=request_actor(request),
        workstation=request_workstation(request),
        assessment_id=assessment_id,
        answers=payload.answers,
        reason=payload.reason,
        notes=payload.notes,
        assessed_at=payload.assessed_at,
    )
    return Status(201, _out(created))
