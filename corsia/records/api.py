"""JSON API of the medical record, beside the patients' own: /api/v1/patients/{id}/chart."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.schemas import Reason
from corsia.core.web import request_actor
from corsia.core.web import request_workstation as _ws
from corsia.records import selectors, services
from corsia.records.domain import vitals
from corsia.records.domain.timeline import TimelineEvent
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    Diagnosis,
    DiaryEntry,
    LabResult,
    PerformanceStatus,
    VitalSigns,
)

router = Router(tags=["records"])
icd9_router = Router(tags=["records"])  # /api/v1/icd9cm: the catalogue, no patient
VIEW = "records.view_chart"
WRITE = "records.write_diary"
RECORD = "records.record_vitals"
RECORD_LAB = "records.record_lab"
ClinicalText = Annotated[str, Field(max_length=20_000)]


class HeaderOut(Schema):
    patient_id: int
    mrn: str
    surname: str
    given_names: str
    sex: str
    age_years: int
    weight_kg: Decimal | None
    height_cm: Decimal | None
    bsa_m2: Decimal | None
    diagnosis: str
    stage: str
    ecog: int | None
    performance_status: str
    regimen: str
    cycle: int | None
    cycle_start: date | None
    last_toxicity: str
    last_toxicity_grade: int | None


class EventOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    author: str


class ChartOut(Schema):
    header: HeaderOut
    timeline: list[EventOut]


def _event(e: TimelineEvent) -> EventOut:
    return EventOut(at=e.at, kind=e.kind.value, title=e.title, detail=e.detail, author=e.author)


@router.get("/{patient_id}/chart", response=ChartOut)
@api_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> ChartOut:
    """The patient's chart: header and timeline (newest first). Written to the access log."""
    found = selectors.chart_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    h = found.header
    return ChartOut(
        header=HeaderOut(
            patient_id=h.patient.pk,
            mrn=h.patient.mrn,
            surname=h.patient.surname,
            given_names=h.patient.given_names,
            sex=h.patient.sex,
            age_years=h.age_years,
            weight_kg=h.weight_kg,
            height_cm=h.height_cm,
            bsa_m2=h.bsa_m2,
            diagnosis=h.diagnosis,
            stage=h.stage,
            ecog=h.ecog,
            performance_status=h.performance_status,
            regimen=h.regimen,
            cycle=h.cycle,
            cycle_start=h.cycle_start,
            last_toxicity=h.last_toxicity,
            last_toxicity_grade=h.last_toxicity_grade,
        ),
        timeline=[_event(e) for e in found.timeline],
    )


# --- diary --------------------------------------------------------------------------------------


class DiaryIn(Schema):
    kind: str = Field(max_length=20)
    text: ClinicalText
    written_at: AwareDatetime | None = None


class DiaryCorrectionIn(DiaryIn):
    reason: Reason


class DiaryOut(Schema):
    id: int
    patient_id: int
    encounter_id: int | None
    kind: str
    text: str
    written_at: datetime
    author: str
    signed_at: datetime
    supersedes_id: int | None
    correction_reason: str


def _diary_out(entry: DiaryEntry) -> DiaryOut:
    return DiaryOut(
        id=entry.pk,
        patient_id=entry.patient_id,
        encounter_id=entry.encounter_id,
        kind=entry.kind,
        text=entry.text,
        written_at=entry.written_at,
        author=entry.author.username,
        signed_at=entry.signed_at,
        supersedes_id=entry.supersedes_id,
        correction_reason=entry.correction_reason,
    )


def _diary_input(payload: DiaryIn) -> services.DiaryInput:
    return services.DiaryInput(kind=payload.kind, text=payload.text, written_at=payload.written_at)


@router.get("/{patient_id}/diary", response=list[DiaryOut])
@api_perm(VIEW)
def diary(request: HttpRequest, patient_id: int, history: bool = False) -> list[DiaryOut]:
    """The diary, newest first (``history=true``: corrected versions too)."""
    entries = selectors.patient_diary(
        user=request_actor(request),
        patient_id=patient_id,
        include_history=history,
        workstation=_ws(request),
        channel="api",
    )
    return [_diary_out(e) for e in entries]


@router.post("/{patient_id}/diary", response={201: DiaryOut})
@api_perm(WRITE)
def diary_sign(request: HttpRequest, patient_id: int, payload: DiaryIn) -> Status[DiaryOut]:
    """Write and sign an entry (read-only from then on)."""
    entry = services.diary_entry_sign(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        data=_diary_input(payload),
    )
    return Status(201, _diary_out(entry))


@router.post("/{patient_id}/diary/{entry_id}/corrections", response={201: DiaryOut})
@api_perm(WRITE)
def diary_correct(
    request: HttpRequest, patient_id: int, entry_id: int, payload: DiaryCorrectionIn
) -> Status[DiaryOut]:
    """A correction: a new signed entry that supersedes the entry (never an edit)."""
    entry = services.diary_entry_correct(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        entry_id=entry_id,
        data=_diary_input(payload),
        reason=payload.reason,
    )
    return Status(201, _diary_out(entry))


# --- vital signs and the ward round ---------------------------------------------------------------

VitalValue = Annotated[Decimal, Field(allow_inf_nan=False, ge=-1000, le=1000, decimal_places=1)]


class VitalsIn(Schema):
    systolic_bp: VitalValue | None = None
    diastolic_bp: VitalValue | None = None
    heart_rate: VitalValue | None = None
    temperature_c: VitalValue | None = None
    respiratory_rate: VitalValue | None = None
    spo2: VitalValue | None = None
    pain_nrs: VitalValue | None = None
    measured_at: AwareDatetime | None = None


class VitalsOut(Schema):
    id: int
    patient_id: int
    measured_at: datetime
    systolic_bp: int | None
    diastolic_bp: int | None
    heart_rate: int | None
    temperature_c: Decimal | None
    respiratory_rate: int | None
    spo2: int | None
    pain_nrs: int | None
    flags: dict[str, str]  # parameter -> "low" | "high" (NEWS2 bands, domain/vitals.py)
    recorded_by: str
    diary_entry_id: int | None


class WardRoundIn(Schema):
    text: ClinicalText
    vital_signs: VitalsIn | None = None


class WardRoundOut(Schema):
    entry: DiaryOut
    vital_signs: VitalsOut | None


def _vitals_out(signs: VitalSigns) -> VitalsOut:
    values = {v.value: getattr(signs, v.value) for v in vitals.Vital}
    found = {
        v.value: f.value
        for v in vitals.Vital
        if (f := vitals.flag(v, None if values[v.value] is None else Decimal(values[v.value])))
    }
    return VitalsOut(
        id=signs.pk,
        patient_id=signs.patient_id,
        measured_at=signs.measured_at,
        **values,
        flags=found,
        recorded_by=signs.recorded_by.username,
        diary_entry_id=signs.diary_entry_id,
    )


def _vitals_input(payload: VitalsIn) -> services.VitalsInput:
    return services.VitalsInput(
        **{v.value: getattr(payload, v.value) for v in vitals.Vital},
        measured_at=payload.measured_at,
    )


@router.get("/{patient_id}/vitals", response=list[VitalsOut])
@api_perm(VIEW)
def vital_signs(request: HttpRequest, patient_id: int) -> list[VitalsOut]:
    """The vital signs, newest first, with their soft flags."""
    found = selectors.patient_vitals(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    return [_vitals_out(row.signs) for row in found.rows]


@router.post("/{patient_id}/vitals", response={201: VitalsOut})
@api_perm(RECORD)
def vital_signs_record(
    request: HttpRequest, patient_id: int, payload: VitalsIn
) -> Status[VitalsOut]:
    """Record a set of vital signs; outside the physiological limits: 422
    ``vital_out_of_range``, nothing saved."""
    signs = services.vital_signs_record(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        data=_vitals_input(payload),
    )
    return Status(201, _vitals_out(signs))


@router.post("/{patient_id}/ward-rounds", response={201: WardRoundOut})
@api_perm(WRITE)
def ward_round(request: HttpRequest, patient_id: int, payload: WardRoundIn) -> Status[WardRoundOut]:
    """The ward round: a signed diary entry and, optionally, the vital signs (both or none)."""
    done = services.ward_round_record(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        text=payload.text,
        vital_signs=_vitals_input(payload.vital_signs) if payload.vital_signs else None,
    )
    signs = _vitals_out(done.vital_signs) if done.vital_signs is not None else None
    return Status(201, WardRoundOut(entry=_diary_out(done.entry), vital_signs=signs))


# --- anamnesis ----------------------------------------------------------------------------------

SectionText = Annotated[str, Field(max_length=20_000)]


class AnamnesisIn(Schema):
    version: Annotated[int, Field(ge=0, le=2**31 - 1)]  # the version read (0: none yet)
    family: SectionText = ""
    physiological: SectionText = ""
    recent_pathological: SectionText = ""
    remote_pathological: SectionText = ""


class AnamnesisOut(Schema):
    version: int
    family: str
    physiological: str
    recent_pathological: str
    remote_pathological: str
    author: str
    signed_at: datetime


class AnamnesisNoteIn(Schema):
    text: ClinicalText
    noted_on: date | None = None


class AnamnesisNoteOut(Schema):
    id: int
    encounter_id: int
    noted_on: date
    text: str
    author: str
    signed_at: datetime


class AnamnesisViewOut(Schema):
    current: AnamnesisOut | None
    notes: list[AnamnesisNoteOut]


def _anamnesis_out(version: AnamnesisVersion) -> AnamnesisOut:
    return AnamnesisOut(
        version=version.number,
        family=version.family,
        physiological=version.physiological,
        recent_pathological=version.recent_pathological,
        remote_pathological=version.remote_pathological,
        author=version.author.username,
        signed_at=version.signed_at,
    )


def _note_out(note: AnamnesisNote) -> AnamnesisNoteOut:
    return AnamnesisNoteOut(
        id=note.pk,
        encounter_id=note.encounter_id,
        noted_on=note.noted_on,
        text=note.text,
        author=note.author.username,
        signed_at=note.signed_at,
    )


@router.get("/{patient_id}/anamnesis", response=AnamnesisViewOut)
@api_perm(VIEW)
def anamnesis(request: HttpRequest, patient_id: int) -> AnamnesisViewOut:
    """The current anamnesis and the raccordi anamnestici (newest first)."""
    view = selectors.anamnesis_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    current = _anamnesis_out(view.current) if view.current is not None else None
    return AnamnesisViewOut(current=current, notes=[_note_out(n) for n in view.notes])


@router.post("/{patient_id}/anamnesis", response={201: AnamnesisOut})
@api_perm(WRITE)
def anamnesis_sign(
    request: HttpRequest, patient_id: int, payload: AnamnesisIn
) -> Status[AnamnesisOut]:
    """A new signed version; ``version`` must be the current one (409 ``stale_version``)."""
    version = services.anamnesis_sign(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        data=services.Sections(
            family=payload.family,
            physiological=payload.physiological,
            recent_pathological=payload.recent_pathological,
            remote_pathological=payload.remote_pathological,
        ),
        expected_version=payload.version,
    )
    return Status(201, _anamnesis_out(version))


@router.post("/{patient_id}/anamnesis-notes", response={201: AnamnesisNoteOut})
@api_perm(WRITE)
def anamnesis_note_sign(
    request: HttpRequest, patient_id: int, payload: AnamnesisNoteIn
) -> Status[AnamnesisNoteOut]:
    """The raccordo anamnestico of the encounter in progress (422 without one)."""
    note = services.anamnesis_note_sign(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        text=payload.text,
        noted_on=payload.noted_on,
    )
    return Status(201, _note_out(note))


# --- diagnosis and performance status -------------------------------------------------------------

Short = Annotated[str, Field(max_length=200)]


class BiomarkerIn(Schema):
    marker: Annotated[str, Field(max_length=40)]
    result: Short
    tested_on: date | None = None


class DiagnosisIn(Schema):
    primary_site_code: Annotated[str, Field(max_length=12)]
    diagnosed_on: date
    histotype: Short = ""
    morphology_icdo3: Annotated[str, Field(max_length=12)] = ""
    grade: Annotated[str, Field(max_length=4)] = ""
    stage: Annotated[str, Field(max_length=40)] = ""
    staging_system: Annotated[str, Field(max_length=60)] = ""
    biomarkers: Annotated[list[BiomarkerIn], Field(max_length=30)] = []
    metastases: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=20)] = []


class DiagnosisUpdateIn(DiagnosisIn):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]


class DiagnosisOut(Schema):
    id: int
    version: int
    primary_site_code: str
    primary_site_label: str
    diagnosed_on: date
    histotype: str
    morphology_icdo3: str
    grade: str
    stage: str
    staging_system: str
    biomarkers: list[dict[str, str | None]]
    metastases: list[str]
    recorded_by: str


class PerformanceStatusIn(Schema):
    scale: Annotated[str, Field(max_length=12)]
    value: Annotated[int, Field(ge=-1000, le=1000)]
    assessed_on: date | None = None


class PerformanceStatusOut(Schema):
    id: int
    scale: str
    value: int
    assessed_on: date
    recorded_by: str


class Icd9Out(Schema):
    code: str
    description_it: str


def _diagnosis_out(d: Diagnosis) -> DiagnosisOut:
    return DiagnosisOut(
        id=d.pk,
        version=d.version,
        primary_site_code=d.primary_site.code,
        primary_site_label=d.primary_site.description_it,
        diagnosed_on=d.diagnosed_on,
        histotype=d.histotype,
        morphology_icdo3=d.morphology_icdo3,
        grade=d.grade,
        stage=d.stage,
        staging_system=d.staging_system,
        biomarkers=d.biomarkers,
        metastases=d.metastases,
        recorded_by=d.recorded_by.username,
    )


def _ps_out(ps: PerformanceStatus) -> PerformanceStatusOut:
    return PerformanceStatusOut(
        id=ps.pk,
        scale=ps.scale,
        value=ps.value,
        assessed_on=ps.assessed_on,
        recorded_by=ps.recorded_by.username,
    )


def _diagnosis_input(payload: DiagnosisIn) -> services.DiagnosisInput:
    return services.DiagnosisInput(
        primary_site_code=payload.primary_site_code,
        diagnosed_on=payload.diagnosed_on,
        histotype=payload.histotype,
        morphology_icdo3=payload.morphology_icdo3,
        grade=payload.grade,
        stage=payload.stage,
        staging_system=payload.staging_system,
        biomarkers=tuple(
            services.Biomarker(marker=b.marker, result=b.result, tested_on=b.tested_on)
            for b in payload.biomarkers
        ),
        metastases=tuple(payload.metastases),
    )


@icd9_router.get("", response=list[Icd9Out])
@api_perm(VIEW)
def icd9cm(request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "") -> list[Icd9Out]:
    """ICD-9-CM diagnosis codes (Italian 2007) starting with ``q`` or labelled with its words."""
    found = selectors.icd9_search(user=request_actor(request), text=q)
    return [Icd9Out(code=c.code, description_it=c.description_it) for c in found]


@router.get("/{patient_id}/diagnoses", response=list[DiagnosisOut])
@api_perm(VIEW)
def diagnoses(request: HttpRequest, patient_id: int) -> list[DiagnosisOut]:
    view = selectors.diagnosis_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    return [_diagnosis_out(d) for d in view.diagnoses]


@router.post("/{patient_id}/diagnoses", response={201: DiagnosisOut})
@api_perm(WRITE)
def diagnosis_record(
    request: HttpRequest, patient_id: int, payload: DiagnosisIn
) -> Status[DiagnosisOut]:
    """A code not in the ICD-9-CM catalogue: 422 ``icd9_unknown``, nothing saved."""
    created = services.diagnosis_record(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        data=_diagnosis_input(payload),
    )
    return Status(201, _diagnosis_out(created))


@router.put("/{patient_id}/diagnoses/{diagnosis_id}", response=DiagnosisOut)
@api_perm(WRITE)
def diagnosis_update(
    request: HttpRequest, patient_id: int, diagnosis_id: int, payload: DiagnosisUpdateIn
) -> DiagnosisOut:
    """Change a diagnosis read at ``version`` (changed since: 409 ``stale_version``)."""
    found = selectors.diagnosis_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    if diagnosis_id not in {d.pk for d in found.diagnoses}:
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    updated = services.diagnosis_update(
        actor=request_actor(request),
        workstation=_ws(request),
        diagnosis_id=diagnosis_id,
        data=_diagnosis_input(payload),
        expected_version=payload.version,
    )
    return _diagnosis_out(updated)


@router.get("/{patient_id}/performance-status", response=list[PerformanceStatusOut])
@api_perm(VIEW)
def performance_statuses(request: HttpRequest, patient_id: int) -> list[PerformanceStatusOut]:
    view = selectors.diagnosis_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    return [_ps_out(ps) for ps in view.performance_statuses]


@router.post("/{patient_id}/performance-status", response={201: PerformanceStatusOut})
@api_perm(WRITE)
def performance_status_record(
    request: HttpRequest, patient_id: int, payload: PerformanceStatusIn
) -> Status[PerformanceStatusOut]:
    """ECOG 0-5, Karnofsky (from 16 years) or Lansky (under 16) 0-100 by tens."""
    created = services.performance_status_record(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        scale=payload.scale,
        value=payload.value,
        assessed_on=payload.assessed_on,
    )
    return Status(201, _ps_out(created))


# --- laboratory ---------------------------------------------------------------------------------

LabNumber = Annotated[Decimal, Field(allow_inf_nan=False, gt=-(10**9), lt=10**9, decimal_places=4)]


class LabIn(Schema):
    analyte: Annotated[str, Field(max_length=80)]
    value: LabNumber
    unit: Annotated[str, Field(max_length=20)] = ""
    reference_low: LabNumber | None = None
    reference_high: LabNumber | None = None
    collected_at: AwareDatetime


class LabOut(Schema):
    id: int
    analyte: str
    value: Decimal
    unit: str
    reference_low: Decimal | None
    reference_high: Decimal | None
    flag: str  # "H", "L" or ""
    collected_at: datetime
    recorded_by: str


def _lab_out(r: LabResult) -> LabOut:
    return LabOut(
        id=r.pk,
        analyte=r.analyte,
        value=r.value,
        unit=r.unit,
        reference_low=r.reference_low,
        reference_high=r.reference_high,
        flag=r.flag,
        collected_at=r.collected_at,
        recorded_by=r.recorded_by.username,
    )


@router.get("/{patient_id}/lab-results", response=list[LabOut])
@api_perm(VIEW)
def lab_results(request: HttpRequest, patient_id: int) -> list[LabOut]:
    """The laboratory results, newest first, with their H/L flags."""
    view = selectors.lab_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    return [_lab_out(r) for r in view.results]


@router.post("/{patient_id}/lab-results", response={201: LabOut})
@api_perm(RECORD_LAB)
def lab_result_record(request: HttpRequest, patient_id: int, payload: LabIn) -> Status[LabOut]:
    """Record a result by hand; the H/L flag is computed from the reference range."""
    created = services.lab_result_record(
        actor=request_actor(request),
        workstation=_ws(request),
        patient_id=patient_id,
        data=services.LabInput(
            analyte=payload.analyte,
            value=payload.value,
            unit=payload.unit,
            reference_low=payload.reference_low,
            reference_high=payload.reference_high,
            collected_at=payload.collected_at,
        ),
    )
    return Status(201, _lab_out(created))
