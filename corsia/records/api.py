"""JSON API of the medical record, beside the patients' own: /api/v1/patients/{id}/chart."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt
from corsia.core.web import acting, reading, request_actor
from corsia.records import selectors, services
from corsia.records.schemas import (
    AnamnesisIn,
    AnamnesisNoteIn,
    AnamnesisNoteOut,
    AnamnesisOut,
    AnamnesisViewOut,
    ChartOut,
    DiagnosisIn,
    DiagnosisOut,
    DiagnosisUpdateIn,
    DiaryCorrectionIn,
    DiaryIn,
    DiaryOut,
    DiaryPage,
    HeaderOut,
    Icd9Out,
    LabIn,
    LabOut,
    LabPage,
    PerformanceStatusIn,
    PerformanceStatusOut,
    PerformanceStatusPage,
    VitalsIn,
    VitalsOut,
    VitalsPage,
    WardRoundIn,
    WardRoundOut,
    anamnesis_out,
    diagnosis_input,
    diagnosis_out,
    diary_input,
    diary_out,
    event,
    lab_out,
    note_out,
    ps_out,
    vitals_input,
    vitals_out,
)

router = Router(tags=["records"])
icd9_router = Router(tags=["records"])  # /api/v1/icd9cm: the catalogue, no patient
VIEW = "records.view_chart"
WRITE = "records.write_diary"
RECORD = "records.record_vitals"
RECORD_LAB = "records.record_lab"


@router.get("/{patient_id}/chart", response=ChartOut)
@api_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> ChartOut:
    """The patient's chart: header and timeline (newest first). Written to the access log."""
    found = selectors.chart_view(**reading(request), patient_id=patient_id)
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
            stage_detail=h.stage_detail,
            ecog=h.ecog,
            performance_status=h.performance_status,
            performance_statuses=h.performance_statuses,
            allergies=h.allergies.text,
            allergy_state=h.allergies.state.value,
            allergy_hard_stop=h.allergies.has_hard_stop,
            regimen=h.regimen,
            cycle=h.cycle,
            cycle_start=h.cycle_start,
            last_toxicity=h.last_toxicity,
            last_toxicity_grade=h.last_toxicity_grade,
        ),
        timeline=[event(e) for e in found.timeline],
    )


# --- diary --------------------------------------------------------------------------------------


@router.get("/{patient_id}/diary", response=DiaryPage)
@api_perm(VIEW)
def diary(
    request: HttpRequest,
    patient_id: int,
    history: bool = False,
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> DiaryPage:
    """The diary, newest first (``history=true``: corrected versions too): ``limit``
    (1–500) entries from ``offset``, ``count`` in all (every entry reachable)."""
    rows = selectors.patient_diary_rows(
        **reading(request),
        patient_id=patient_id,
        include_history=history,
    )
    page = api_page(rows, limit=limit, offset=offset)
    return DiaryPage(**{**page, "items": [diary_out(e) for e in page["items"]]})


@router.post("/{patient_id}/diary", response={201: DiaryOut})
@api_perm(WRITE)
def diary_sign(request: HttpRequest, patient_id: int, payload: DiaryIn) -> Status[DiaryOut]:
    """Write and sign an entry (read-only from then on)."""
    entry = services.diary_entry_sign(
        **acting(request),
        patient_id=patient_id,
        data=diary_input(payload),
    )
    return Status(201, diary_out(entry))


@router.post("/{patient_id}/diary/{entry_id}/corrections", response={201: DiaryOut})
@api_perm(WRITE)
def diary_correct(
    request: HttpRequest, patient_id: int, entry_id: int, payload: DiaryCorrectionIn
) -> Status[DiaryOut]:
    """A correction: a new signed entry that supersedes the entry (never an edit)."""
    entry = services.diary_entry_correct(
        **acting(request),
        patient_id=patient_id,
        entry_id=entry_id,
        data=diary_input(payload),
        reason=payload.reason,
    )
    return Status(201, diary_out(entry))


# --- vital signs and the ward round ---------------------------------------------------------------


@router.get("/{patient_id}/vitals", response=VitalsPage)
@api_perm(VIEW)
def vital_signs(
    request: HttpRequest, patient_id: int, limit: BoundedInt = 100, offset: BoundedInt = 0
) -> VitalsPage:
    """The vital signs, newest first, with their soft flags: ``limit`` (1–500) sets from
    ``offset``, ``count`` in all (every set reachable)."""
    rows = selectors.patient_vitals_rows(**reading(request), patient_id=patient_id)
    page = api_page(rows, limit=limit, offset=offset)
    return VitalsPage(**{**page, "items": [vitals_out(s) for s in page["items"]]})


@router.post("/{patient_id}/vitals", response={201: VitalsOut})
@api_perm(RECORD)
def vital_signs_record(
    request: HttpRequest, patient_id: int, payload: VitalsIn
) -> Status[VitalsOut]:
    """Record a set of vital signs; outside the physiological limits: 422
    ``vital_out_of_range``, nothing saved."""
    signs = services.vital_signs_record(
        **acting(request),
        patient_id=patient_id,
        data=vitals_input(payload),
    )
    return Status(201, vitals_out(signs))


@router.post("/{patient_id}/ward-rounds", response={201: WardRoundOut})
@api_perm(WRITE)
def ward_round(request: HttpRequest, patient_id: int, payload: WardRoundIn) -> Status[WardRoundOut]:
    """The ward round: a signed diary entry and, optionally, the vital signs (both or none)."""
    done = services.ward_round_record(
        **acting(request),
        patient_id=patient_id,
        text=payload.text,
        vital_signs=vitals_input(payload.vital_signs) if payload.vital_signs else None,
    )
    signs = vitals_out(done.vital_signs) if done.vital_signs is not None else None
    return Status(201, WardRoundOut(entry=diary_out(done.entry), vital_signs=signs))


# --- anamnesis ----------------------------------------------------------------------------------


@router.get("/{patient_id}/anamnesis", response=AnamnesisViewOut)
@api_perm(VIEW)
def anamnesis(request: HttpRequest, patient_id: int) -> AnamnesisViewOut:
    """The current anamnesis and the raccordi anamnestici (newest first)."""
    view = selectors.anamnesis_view(**reading(request), patient_id=patient_id)
    current = anamnesis_out(view.current) if view.current is not None else None
    return AnamnesisViewOut(current=current, notes=[note_out(n) for n in view.notes])


@router.post("/{patient_id}/anamnesis", response={201: AnamnesisOut})
@api_perm(WRITE)
def anamnesis_sign(
    request: HttpRequest, patient_id: int, payload: AnamnesisIn
) -> Status[AnamnesisOut]:
    """A new signed version; ``version`` must be the current one (409 ``stale_version``)."""
    version = services.anamnesis_sign(
        **acting(request),
        patient_id=patient_id,
        data=services.Sections(
            family=payload.family,
            physiological=payload.physiological,
            recent_pathological=payload.recent_pathological,
            remote_pathological=payload.remote_pathological,
        ),
        expected_version=payload.version,
    )
    return Status(201, anamnesis_out(version))


@router.post("/{patient_id}/anamnesis-notes", response={201: AnamnesisNoteOut})
@api_perm(WRITE)
def anamnesis_note_sign(
    request: HttpRequest, patient_id: int, payload: AnamnesisNoteIn
) -> Status[AnamnesisNoteOut]:
    """The raccordo anamnestico of the encounter in progress (422 without one)."""
    note = services.anamnesis_note_sign(
        **acting(request),
        patient_id=patient_id,
        text=payload.text,
        noted_on=payload.noted_on,
    )
    return Status(201, note_out(note))


# --- diagnosis and performance status -------------------------------------------------------------


@icd9_router.get("", response=list[Icd9Out])
@api_perm(VIEW)
def icd9cm(request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "") -> list[Icd9Out]:
    """ICD-9-CM diagnosis codes (Italian 2007) starting with ``q`` or labelled with its words."""
    found = selectors.icd9_search(user=request_actor(request), text=q)
    return [Icd9Out(code=c.code, description_it=c.description_it) for c in found]


@router.get("/{patient_id}/diagnoses", response=list[DiagnosisOut])
@api_perm(VIEW)
def diagnoses(request: HttpRequest, patient_id: int) -> list[DiagnosisOut]:
    view = selectors.diagnosis_view(**reading(request), patient_id=patient_id)
    return [diagnosis_out(d) for d in view.diagnoses]


@router.post("/{patient_id}/diagnoses", response={201: DiagnosisOut})
@api_perm(WRITE)
def diagnosis_record(
    request: HttpRequest, patient_id: int, payload: DiagnosisIn
) -> Status[DiagnosisOut]:
    """A code not in the ICD-9-CM catalogue: 422 ``icd9_unknown``, nothing saved."""
    created = services.diagnosis_record(
        **acting(request),
        patient_id=patient_id,
        data=diagnosis_input(payload),
    )
    return Status(201, diagnosis_out(created))


@router.put("/{patient_id}/diagnoses/{diagnosis_id}", response=DiagnosisOut)
@api_perm(WRITE)
def diagnosis_update(
    request: HttpRequest, patient_id: int, diagnosis_id: int, payload: DiagnosisUpdateIn
) -> DiagnosisOut:
    """Change a diagnosis read at ``version`` (changed since: 409 ``stale_version``)."""
    selectors.diagnosis_of_patient(
        **reading(request), patient_id=patient_id, diagnosis_id=diagnosis_id
    )
    updated = services.diagnosis_update(
        **acting(request),
        diagnosis_id=diagnosis_id,
        data=diagnosis_input(payload),
        expected_version=payload.version,
    )
    return diagnosis_out(updated)


@router.get("/{patient_id}/performance-status", response=PerformanceStatusPage)
@api_perm(VIEW)
def performance_statuses(
    request: HttpRequest, patient_id: int, limit: BoundedInt = 100, offset: BoundedInt = 0
) -> PerformanceStatusPage:
    """The performance statuses, newest first: ``limit`` (1–500) from ``offset``,
    ``count`` in all (every one reachable)."""
    view = selectors.diagnosis_view(**reading(request), patient_id=patient_id)
    page = api_page(view.performance_statuses, limit=limit, offset=offset)
    return PerformanceStatusPage(**{**page, "items": [ps_out(ps) for ps in page["items"]]})


@router.post("/{patient_id}/performance-status", response={201: PerformanceStatusOut})
@api_perm(WRITE)
def performance_status_record(
    request: HttpRequest, patient_id: int, payload: PerformanceStatusIn
) -> Status[PerformanceStatusOut]:
    """ECOG 0-5, Karnofsky (from 16 years) or Lansky (under 16) 0-100 by tens."""
    created = services.performance_status_record(
        **acting(request),
        patient_id=patient_id,
        scale=payload.scale,
        value=payload.value,
        assessed_on=payload.assessed_on,
    )
    return Status(201, ps_out(created))


# --- laboratory ---------------------------------------------------------------------------------


@router.get("/{patient_id}/lab-results", response=LabPage)
@api_perm(VIEW)
def lab_results(
    request: HttpRequest, patient_id: int, limit: BoundedInt = 100, offset: BoundedInt = 0
) -> LabPage:
    """The laboratory results, newest first, with their H/L flags: ``limit`` (1–500)
    results from ``offset``, ``count`` in all (every result reachable)."""
    rows = selectors.lab_result_rows(**reading(request), patient_id=patient_id)
    page = api_page(rows, limit=limit, offset=offset)
    return LabPage(**{**page, "items": [lab_out(r) for r in page["items"]]})


@router.post("/{patient_id}/lab-results", response={201: LabOut})
@api_perm(RECORD_LAB)
def lab_result_record(request: HttpRequest, patient_id: int, payload: LabIn) -> Status[LabOut]:
    """Record a result by hand; the H/L flag is computed from the reference range."""
    created = services.lab_result_record(
        **acting(request),
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
    return Status(201, lab_out(created))
