"""JSON API of the nursing record: /api/v1/nursing/scales and /api/v1/nursing/assessments.
Same services and permissions as the pages; refusals are problem+json (config/api.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import AwareDatetime, BoundedInt, IsoDatetime
from corsia.core.web import acting, reading, request_actor
from corsia.nursing import selectors, services
from corsia.nursing.api_care import router as care_router
from corsia.nursing.api_common import RECORD, VIEW, act_operations
from corsia.nursing.models import (
    Assessment,
    MonitoringEntry,
    NursingAnamnesis,
    NursingNote,
    Scale,
)

router = Router(tags=["nursing"])
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


class AssessmentPage(Schema):
    """A page of a patient's assessments (``count`` in all, ``limit`` from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[AssessmentOut]


@router.get("/assessments", response=AssessmentPage)
@api_perm(VIEW)
def assessments(
    request: HttpRequest,
    *,
    patient_id: int,
    scale: str = "",
    history: bool = False,
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> AssessmentPage:
    """A patient's assessments, newest first (current versions; ``history=true`` adds the
    corrected ones); of one scale with ``scale`` (its code): the trend. ``limit`` (1–500)
    from ``offset``, ``count`` in all (every assessment reachable)."""
    rows = selectors.patient_assessments(
        **reading(request),
        patient_id=patient_id,
        scale_code=scale or None,
        include_history=history,
    )
    page = api_page(rows, limit=limit, offset=offset)
    return AssessmentPage(**{**page, "items": [_out(a) for a in page["items"]]})


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
@api_perm(VIEW)
def assessment(request: HttpRequest, assessment_id: int) -> AssessmentOut:
    return _out(selectors.assessment_get(**reading(request), assessment_id=assessment_id))


@router.post("/assessments", response={201: AssessmentOut})
@api_perm(RECORD)
def record(request: HttpRequest, payload: AssessmentIn) -> Status[AssessmentOut]:
    """Score the answers with the scale in use (its code) and record them."""
    created = services.assessment_record(
        **acting(request),
        patient_id=payload.patient_id,
        data=services.AssessmentInput(
            scale_code=payload.scale,
            answers=payload.answers,
            assessed_at=payload.assessed_at,
            notes=payload.notes,
        ),
    )
    return Status(201, _out(created))


# --- anamnesis, care diary, monitoring ------------------------------------------------------


class NoteOut(Schema):
    id: int
    kind: str
    text: str
    written_at: IsoDatetime
    author: str
    supersedes_id: int | None
    correction_reason: str


class MonitoringOut(Schema):
    id: int
    parameter: str
    value: str  # a decimal, as text
    note: str
    measured_at: IsoDatetime
    author: str
    supersedes_id: int | None
    correction_reason: str


class AnamnesisOut(Schema):
    id: int
    admission_reason: str
    patterns: dict[str, str]  # Gordon pattern code -> text (domain/gordon.py)
    caregiver: str
    aids: str
    written_at: IsoDatetime
    author: str
    supersedes_id: int | None
    correction_reason: str


class WrittenRecordOut(Schema):
    anamnesis: AnamnesisOut | None
    notes: list[NoteOut]
    monitoring: list[MonitoringOut]


class NoteIn(Schema):
    text: str
    kind: str = "diary"
    written_at: AwareDatetime | None = None


class MonitoringIn(Schema):
    parameter: str
    value: str  # a decimal, as text ("1250", "36.5")
    measured_at: AwareDatetime | None = None
    note: str = ""


class AnamnesisIn(Schema):
    admission_reason: str
    patterns: dict[str, str] = {}
    caregiver: str = ""
    aids: str = ""
    expected_latest_id: int | None = None  # the version edited (none: the first)
    reason: str = ""  # required for a new version


def _written(row: NursingNote | MonitoringEntry | NursingAnamnesis) -> dict[str, Any]:
    """What every written-once row answers: its id, author, the version it corrects."""
    return {
        "id": row.pk,
        "author": row.author.username,
        "supersedes_id": row.supersedes_id,
        "correction_reason": row.correction_reason,
    }


def _note_out(n: NursingNote) -> NoteOut:
    return NoteOut(**_written(n), kind=n.kind, text=n.text, written_at=n.written_at)


def _monitoring_out(m: MonitoringEntry) -> MonitoringOut:
    value = str(m.value)
    return MonitoringOut(
        **_written(m), parameter=m.parameter, value=value, note=m.note, measured_at=m.written_at
    )


def _anamnesis_out(a: NursingAnamnesis) -> AnamnesisOut:
    return AnamnesisOut(
        **_written(a),
        admission_reason=a.admission_reason,
        patterns=a.patterns,
        caregiver=a.caregiver,
        aids=a.aids,
        written_at=a.written_at,
    )


@router.get("/patients/{patient_id}/record", response=WrittenRecordOut)
@api_perm(VIEW)
def written_record(
    request: HttpRequest, patient_id: int, history: bool = False
) -> WrittenRecordOut:
    """The anamnesis in force, the care diary and the monitoring, newest first."""
    record = selectors.patient_written_record(
        **reading(request),
        patient_id=patient_id,
        include_history=history,
    )
    return WrittenRecordOut(
        anamnesis=_anamnesis_out(record.anamnesis) if record.anamnesis else None,
        notes=[_note_out(n) for n in record.notes],
        monitoring=[_monitoring_out(m) for m in record.monitoring],
    )


@router.post("/patients/{patient_id}/anamnesis", response={201: AnamnesisOut})
@api_perm(RECORD)
def write_anamnesis(
    request: HttpRequest, patient_id: int, payload: AnamnesisIn
) -> Status[AnamnesisOut]:
    row = services.anamnesis_write(
        **acting(request),
        patient_id=patient_id,
        data=services.AnamnesisInput(
            admission_reason=payload.admission_reason,
            patterns=payload.patterns,
            caregiver=payload.caregiver,
            aids=payload.aids,
        ),
        expected_latest_id=payload.expected_latest_id,
        reason=payload.reason,
    )
    return Status(201, _anamnesis_out(row))


class NoteCorrectionIn(Schema):
    text: str
    reason: str


class MonitoringCorrectionIn(Schema):
    value: str  # a decimal, as text
    reason: str


# path, operation name, payload, service, answer, its schema, what it does, permission
ACTS: tuple[tuple[str, str, type[Schema], Any, Any, type[Schema], str, str], ...] = (
    (
        "/scales",
        "define_scale",
        ScaleIn,
        services.scale_define,
        _scale_out,
        ScaleOut,
        "A scale of the hospital's own, or a new version of one (put in use).",
        MANAGE,
    ),
    (
        "/assessments/{assessment_id}/corrections",
        "correct",
        CorrectionIn,
        services.assessment_correct,
        _out,
        AssessmentOut,
        "A correction: a new assessment superseding this one (which stays), with a reason.",
        RECORD,
    ),
    (
        "/patients/{patient_id}/notes",
        "write_note",
        NoteIn,
        services.note_write,
        _note_out,
        NoteOut,
        "A care-diary entry (diary, shift handover, event).",
        RECORD,
    ),
    (
        "/patients/{patient_id}/monitoring",
        "record_monitoring",
        MonitoringIn,
        services.monitoring_record,
        _monitoring_out,
        MonitoringOut,
        "A monitored value, refused outside its hard limits.",
        RECORD,
    ),
    (
        "/notes/{note_id}/corrections",
        "correct_note",
        NoteCorrectionIn,
        services.note_correct,
        _note_out,
        NoteOut,
        "A diary note corrected: a new version superseding it (which stays), with a reason.",
        RECORD,
    ),
    (
        "/monitoring/{entry_id}/corrections",
        "correct_monitoring",
        MonitoringCorrectionIn,
        services.monitoring_correct,
        _monitoring_out,
        MonitoringOut,
        "A monitored value corrected (same parameter and time), with a reason.",
        RECORD,
    ),
)

act_operations(router, ACTS)

router.add_router("", care_router)
