"""The medical record API's request and answer bodies, and their conversions from the
models and to the services' inputs (corsia.records.api keeps the endpoints)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AwareDatetime, Field

from corsia.core.schemas import IsoDate, IsoDatetime, Reason
from corsia.records import services
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

ClinicalText = Annotated[str, Field(max_length=20_000)]
VitalValue = Annotated[Decimal, Field(allow_inf_nan=False, ge=-1000, le=1000, decimal_places=1)]
SectionText = Annotated[str, Field(max_length=20_000)]
Short = Annotated[str, Field(max_length=200)]
LabNumber = Annotated[Decimal, Field(allow_inf_nan=False, gt=-(10**9), lt=10**9, decimal_places=4)]


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
    stage_detail: str
    ecog: int | None
    performance_status: str
    performance_statuses: list[str]  # the latest of each scale
    allergies: str  # the active allergies, the dated NKDA statement, or "not asked"
    allergy_state: str  # listed, none_known, not_asked
    allergy_hard_stop: bool
    regimen: str
    cycle: int | None
    cycle_start: IsoDate | None
    last_toxicity: str
    last_toxicity_grade: int | None


class EventOut(Schema):
    at: IsoDatetime
    kind: str
    title: str
    detail: str
    author: str


class ChartOut(Schema):
    header: HeaderOut
    timeline: list[EventOut]


def event(e: TimelineEvent) -> EventOut:
    return EventOut(at=e.at, kind=e.kind.value, title=e.title, detail=e.detail, author=e.author)


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
    written_at: IsoDatetime
    author: str
    signed_at: IsoDatetime
    supersedes_id: int | None
    correction_reason: str


class DiaryPage(Schema):
    """A page of the diary (the API's paging: ``count`` in all, ``limit`` from
    ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[DiaryOut]


def diary_out(entry: DiaryEntry) -> DiaryOut:
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


def diary_input(payload: DiaryIn) -> services.DiaryInput:
    return services.DiaryInput(kind=payload.kind, text=payload.text, written_at=payload.written_at)


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
    measured_at: IsoDatetime
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


class VitalsPage(Schema):
    """A page of the vital signs (``count`` in all, ``limit`` from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[VitalsOut]


def vitals_out(signs: VitalSigns) -> VitalsOut:
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


def vitals_input(payload: VitalsIn) -> services.VitalsInput:
    return services.VitalsInput(
        **{v.value: getattr(payload, v.value) for v in vitals.Vital},
        measured_at=payload.measured_at,
    )


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
    signed_at: IsoDatetime


class AnamnesisNoteIn(Schema):
    text: ClinicalText
    noted_on: IsoDate | None = None


class AnamnesisNoteOut(Schema):
    id: int
    encounter_id: int
    noted_on: IsoDate
    text: str
    author: str
    signed_at: IsoDatetime


class AnamnesisViewOut(Schema):
    current: AnamnesisOut | None
    notes: list[AnamnesisNoteOut]


def anamnesis_out(version: AnamnesisVersion) -> AnamnesisOut:
    return AnamnesisOut(
        version=version.number,
        family=version.family,
        physiological=version.physiological,
        recent_pathological=version.recent_pathological,
        remote_pathological=version.remote_pathological,
        author=version.author.username,
        signed_at=version.signed_at,
    )


def note_out(note: AnamnesisNote) -> AnamnesisNoteOut:
    return AnamnesisNoteOut(
        id=note.pk,
        encounter_id=note.encounter_id,
        noted_on=note.noted_on,
        text=note.text,
        author=note.author.username,
        signed_at=note.signed_at,
    )


class BiomarkerIn(Schema):
    marker: Annotated[str, Field(max_length=40)]
    result: Short
    tested_on: IsoDate | None = None


class DiagnosisIn(Schema):
    primary_site_code: Annotated[str, Field(max_length=12)]
    diagnosed_on: IsoDate
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
    diagnosed_on: IsoDate
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
    assessed_on: IsoDate | None = None


class PerformanceStatusOut(Schema):
    id: int
    scale: str
    value: int
    assessed_on: IsoDate
    recorded_by: str


class PerformanceStatusPage(Schema):
    """A page of the performance statuses (``count`` in all, ``limit`` from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[PerformanceStatusOut]


class Icd9Out(Schema):
    code: str
    description_it: str


def diagnosis_out(d: Diagnosis) -> DiagnosisOut:
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


def ps_out(ps: PerformanceStatus) -> PerformanceStatusOut:
    return PerformanceStatusOut(
        id=ps.pk,
        scale=ps.scale,
        value=ps.value,
        assessed_on=ps.assessed_on,
        recorded_by=ps.recorded_by.username,
    )


def diagnosis_input(payload: DiagnosisIn) -> services.DiagnosisInput:
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
    collected_at: IsoDatetime
    recorded_by: str


class LabPage(Schema):
    """A page of the laboratory results (``count`` in all, ``limit`` from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[LabOut]


def lab_out(r: LabResult) -> LabOut:
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
