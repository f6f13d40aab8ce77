"""Reads of the medical record. Every read of a patient's chart writes the access log.

The chart gathers what other modules hold through their public selectors: the patient and
the encounters (patients), the orders and measures (prescribing), the toxicities
(toxicity); the diary and the vital signs are this module's own. A section the reader's
role may not see (e.g. the orders without ``prescribing.view_order``) is left out, not
refused: the chart is the care team's common page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import (
    AllergySummary,
    allergy_summary,
    masked_document_ids,
    patient_get,
    visible_encounters,
)
from corsia.prescribing.domain.body_size import BsaFormula, bsa
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.dosing_basis import latest_measures, protected_measures
from corsia.prescribing.selectors import patient_orders
from corsia.records.domain import anamnesis, labs, timeline
from corsia.records.domain.moments import age_in_years
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    Diagnosis,
    DiaryEntry,
    Icd9Code,
    LabResult,
    VitalSigns,
)
from corsia.records.selectors_course import course_events
from corsia.records.selectors_diagnosis import (
    DiagnosisView,
    _diagnoses,
    _diagnosis_events,
    _latest_by_scale,
    _performance_statuses,
    _ps_label,
    _stage,
)
from corsia.records.selectors_letters import board_events, letter_events
from corsia.records.selectors_measures import (
    LAB_LIMIT,
    TIMELINE_LIMIT,
    VITALS_LIMIT,
    LabView,
    VitalsCell,
    VitalsRow,
    VitalsView,
    _lab_events,
    _lab_rows,
    _vitals_events,
    _vitals_rows,
    _vitals_view,
)
from corsia.records.selectors_reports import report_events
from corsia.records.selectors_staging import (
    score_events,
    staging_events,
)
from corsia.records.timeline_sources import (
    author_name,
    encounter_events,
    order_events,
    toxicity_events,
)
from corsia.toxicity.selectors import patient_toxicities

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "LAB_LIMIT",
    "TIMELINE_LIMIT",
    "VITALS_LIMIT",
    "DiagnosisView",
    "LabView",
    "VitalsCell",
    "VitalsRow",
    "VitalsView",
]

if TYPE_CHECKING:
    from corsia.patients.models import Encounter, Patient

VIEW = "records.view_chart"
VIEW_ORDERS = "prescribing.view_order"
VIEW_TOXICITY = "toxicity.view_toxicity"
WRITE_DIARY = "records.write_diary"
_Written = TypeVar("_Written", DiaryEntry, AnamnesisNote)
_Dated = TypeVar("_Dated", VitalSigns, LabResult)
SEX_LABELS_IT = {"M": "maschio", "F": "femmina", "X": "non specificato"}


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    """Every read of the chart ends here: refused for a patient out of the user's scope (a
    trial monitor's, ``patients.scope``), else written to the access log."""
    ensure_patient_in_scope(user, patient_id)
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


# --- the chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartHeader:
    """What the physician sees first: who, how big, what disease, what therapy, how it went."""

    patient: Patient
    age_years: int
    sex_label: str
    weight_kg: Decimal | None
    height_cm: Decimal | None
    weighed_at: datetime | None
    bsa_m2: Decimal | None
    diagnosis: str
    # the current computed staging of the newest diagnosis ("IIB"), else its Diagnosis.stage
    stage: str
    stage_detail: str  # "cT2a N1 M0 · TNM 8ª ed. – Polmone (...) · clinico (c), 02/12/2026"
    ecog: int | None  # the latest ECOG
    performance_status: str  # the latest of any scale, as shown ("ECOG 1", "Lansky 80")
    performance_statuses: list[str]  # the latest of each scale (ECOG, Karnofsky, Lansky)
    allergies: AllergySummary
    regimen: str
    cycle: int | None
    cycle_start: Any
    last_toxicity: str
    last_toxicity_grade: int | None
    active_encounter: Encounter | None
    # the weight or height shown came from a masked stay hidden from the reader
    weight_protected: bool = False


@dataclass(frozen=True)
class Chart:
    header: ChartHeader
    timeline: list[TimelineEvent]
    vitals: VitalsView
    sections_hidden: list[str] = field(default_factory=list)  # what the role may not see


def _bsa(height: Decimal | None, weight: Decimal | None) -> Decimal | None:
    if height is None or weight is None or height <= 0 or weight <= 0:
        return None
    return bsa(BsaFormula.MOSTELLER, height_cm=height, weight_kg=weight).value.quantize(
        Decimal("0.01")
    )


def chart_view(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> Chart:
    """The patient's chart: header and timeline, newest first. One access-log row for the
    chart (the toxicity selector writes its own for the toxicities it reads)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    today = timezone.localdate()
    hidden: list[str] = []
    encounters = list(visible_encounters(patient, user))
    active = next((e for e in encounters if e.state == "active"), None)
    measures = latest_measures(patient.pk)
    protected = protected_measures(user=user, patient_id=patient.pk, latest=measures)
    weight = measures.weight_kg.value if measures.weight_kg else None
    height = measures.height_cm.value if measures.height_cm else None
    events = encounter_events(patient, encounters)

    regimen, cycle, cycle_start, diagnosis = "", None, None, ""
    if user.has_perm(VIEW_ORDERS):
        orders = list(
            patient_orders(user=user, patient_id=patient.pk)
            .select_related("diagnosis")
            .prefetch_related("transitions__actor")[:100]
        )
        current = next((o for o in orders if o.state != OrderState.CANCELLED.value), None)
        if current is not None:
            regimen = current.regimen_version.name
            cycle, cycle_start = current.cycle_number, current.start_date
            if current.diagnosis is not None:
                diagnosis = f"{current.diagnosis.code} {current.diagnosis.label}"
        events.extend(order_events(orders))
    else:
        hidden.append("prescrizioni")

    last_toxicity, last_grade = "", None
    if user.has_perm(VIEW_TOXICITY):
        toxicities = patient_toxicities(
            user=user, patient_id=patient.pk, workstation=workstation, channel=channel
        )
        if toxicities:
            latest = toxicities[0]
            last_toxicity = f"{latest.term.label} G{latest.grade} ({latest.onset_date:%d/%m/%Y})"
            last_grade = latest.grade
        events.extend(toxicity_events(toxicities, patient.pk))
    else:
        hidden.append("tossicità")

    events.extend(_own_events(patient.pk, user, may_correct=user.has_perm(WRITE_DIARY)))
    vital_rows = _vitals_rows(patient.pk, VITALS_LIMIT, user)
    events.extend(_anamnesis_events(patient.pk, user))
    diagnoses = _diagnoses(patient.pk)
    statuses = _performance_statuses(patient.pk)
    events.extend(_diagnosis_events(diagnoses, statuses))
    events.extend(_lab_events(_lab_rows(patient.pk, user)))
    events.extend(course_events(patient.pk))  # lines, evaluations, home therapy, appointments
    if diagnoses:
        newest = diagnoses[0]
        diagnosis = f"{newest.primary_site.code} {newest.primary_site.description_it}"
        if newest.histotype:
            diagnosis += f" · {newest.histotype}"
    ecog = next((ps.value for ps in statuses if ps.scale == "ecog"), None)
    stage, stage_detail = _stage(diagnoses[0] if diagnoses else None)
    events.extend(staging_events(patient.pk))
    events.extend(score_events(patient.pk))
    events.extend(_vitals_events(vital_rows[:TIMELINE_LIMIT]))
    events.extend(letter_events(patient, user) + board_events(patient.pk, user))
    events.extend(report_events(patient))  # pathology, imaging, consultations
    header = ChartHeader(
        patient=patient,
        age_years=age_in_years(patient.date_of_birth, today),
        sex_label=SEX_LABELS_IT.get(patient.sex, patient.sex),
        weight_kg=weight,
        height_cm=height,
        # a weight from a masked stay hidden from the user: its value (the BSA needs it),
        # never its date («valore da un episodio protetto»)
        weighed_at=(
            measures.weight_kg.measured_at
            if measures.weight_kg and not protected.get("weight_kg")
            else None
        ),
        weight_protected=bool(protected.get("weight_kg") or protected.get("height_cm")),
        bsa_m2=_bsa(height, weight),
        diagnosis=diagnosis,
        stage=stage,
        stage_detail=stage_detail,
        ecog=ecog,
        performance_status=_ps_label(statuses[0]) if statuses else "",
        performance_statuses=_latest_by_scale(statuses),
        allergies=allergy_summary(patient_id=patient.pk),
        regimen=regimen,
        cycle=cycle,
        cycle_start=cycle_start,
        last_toxicity=last_toxicity,
        last_toxicity_grade=last_grade,
        active_encounter=active,
    )
    _log(user, patient.pk, "cartella clinica", workstation, channel)
    return Chart(
        header=header,
        timeline=timeline.newest_first(events, limit=TIMELINE_LIMIT),
        vitals=_vitals_view(vital_rows),
        sections_hidden=hidden,
    )


def patient_vitals(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> VitalsView:
    """The patient's vital signs, newest first, with their flags and chart panels."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    view = _vitals_view(_vitals_rows(patient.pk, VITALS_LIMIT, user))
    _log(user, patient.pk, "parametri vitali", workstation, channel)
    return view


def _outside_masked_encounters(rows: QuerySet[_Written], user: User) -> QuerySet[_Written]:
    """What was written during a masked (oscurato) encounter is left out like the
    encounter: rows with no encounter, or with one that is not masked — or masked and in
    progress, for those treating it (``patients.selectors.treated_masked_encounter_ids``)."""
    masked = masked_document_ids(document_type="patients.encounter", user=user)
    return rows.filter(Q(encounter__isnull=True) | ~Q(encounter_id__in=masked))


def _in_masked_encounter(encounter_id: int | None, user: User) -> bool:
    return (
        encounter_id is not None
        and masked_document_ids(document_type="patients.encounter", user=user)
        .filter(document_id=encounter_id)
        .exists()
    )


def _diary_rows(patient_id: int, user: User) -> QuerySet[DiaryEntry]:
    rows = DiaryEntry.objects.filter(patient_id=patient_id)
    return _outside_masked_encounters(rows, user).select_related("author", "supersedes")


def _anamnesis_notes(patient_id: int, user: User) -> QuerySet[AnamnesisNote]:
    return _outside_masked_encounters(AnamnesisNote.objects.filter(patient_id=patient_id), user)


def _own_events(patient_id: int, user: User, *, may_correct: bool) -> list[TimelineEvent]:
    """The diary entries (current versions) of this module, as timeline events."""
    found: list[TimelineEvent] = []
    for entry in _diary_rows(patient_id, user).filter(superseded_by__isnull=True)[:TIMELINE_LIMIT]:
        detail = entry.text
        if entry.supersedes is not None:
            detail += f"\n[correzione del {entry.supersedes.written_at:%d/%m/%Y %H:%M}: "
            detail += f"{entry.correction_reason}]"
        found.append(
            TimelineEvent(
                at=entry.written_at,
                kind=EventKind.DIARY,
                title=entry.get_kind_display(),
                detail=detail,
                author=author_name(entry.author),
                url=reverse("records:diary_correct", args=[entry.pk]) if may_correct else "",
                sequence=entry.pk,
            )
        )
    return found


def patient_diary(
    *,
    user: User,
    patient_id: int,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> list[DiaryEntry]:
    """The patient's diary, newest first: current versions, or every version (corrected
    ones included) with ``include_history``. Written to the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = _diary_rows(patient.pk, user)
    if not include_history:
        rows = rows.filter(superseded_by__isnull=True)
    entries = list(rows.order_by("-written_at", "-pk")[:1000])
    _log(user, patient.pk, "diario clinico", workstation, channel)
    return entries


def diary_entry_get(
    *, user: User, entry_id: int, workstation: Workstation = None, channel: str = "web"
) -> DiaryEntry:
    """One entry (any version), for its correction form. Written to the access log."""
    require_permission(user, VIEW)
    entry = DiaryEntry.objects.filter(pk=entry_id).select_related("author").first()
    if entry is None or _in_masked_encounter(entry.encounter_id, user):
        raise NotFound("Annotazione non trovata.", code="diary_entry_not_found")
    _log(user, entry.patient_id, "diario clinico (annotazione)", workstation, channel)
    return entry


# --- anamnesis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnamnesisView:
    patient: Patient
    current: AnamnesisVersion | None
    versions: list[AnamnesisVersion]  # newest first, the current one included
    notes: list[AnamnesisNote]  # raccordi anamnestici, newest first

    @property
    def number(self) -> int:
        return self.current.number if self.current is not None else 0

    def sections(self) -> list[tuple[str, str]]:
        if self.current is None:
            return []
        return [
            (anamnesis.SECTION_LABELS_IT[s], getattr(self.current, s.value))
            for s in anamnesis.Section
        ]


def anamnesis_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> AnamnesisView:
    """The current anamnesis, its earlier versions and the raccordi. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    versions = list(
        AnamnesisVersion.objects.filter(patient_id=patient.pk)
        .select_related("author")
        .order_by("-number")[:200]
    )
    notes = list(
        _anamnesis_notes(patient.pk, user)
        .select_related("author", "encounter__ward")
        .order_by("-noted_on", "-pk")[:500]
    )
    _log(user, patient.pk, "anamnesi", workstation, channel)
    return AnamnesisView(
        patient=patient, current=versions[0] if versions else None, versions=versions, notes=notes
    )


def _anamnesis_events(patient_id: int, user: User) -> list[TimelineEvent]:
    url = reverse("records:anamnesis", args=[patient_id])
    found = [
        TimelineEvent(
            at=v.signed_at,
            kind=EventKind.ANAMNESIS,
            title=f"Anamnesi, versione {v.number}",
            author=author_name(v.author),
            url=url,
        )
        for v in AnamnesisVersion.objects.filter(patient_id=patient_id)
        .select_related("author")
        .order_by("-number")[:50]
    ]
    found.extend(
        TimelineEvent(
            at=n.signed_at,
            kind=EventKind.ANAMNESIS,
            title=f"Raccordo anamnestico del {n.noted_on:%d/%m/%Y}",
            detail=n.text,
            author=author_name(n.author),
            url=url,
        )
        for n in _anamnesis_notes(patient_id, user)
        .select_related("author")
        .order_by("-noted_on")[:TIMELINE_LIMIT]
    )
    return found


def diagnosis_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> DiagnosisView:
    """The patient's oncological diagnoses and performance statuses. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    view = DiagnosisView(
        patient=patient,
        diagnoses=_diagnoses(patient.pk),
        performance_statuses=_performance_statuses(patient.pk),
    )
    _log(user, patient.pk, "diagnosi e performance status", workstation, channel)
    return view


def diagnosis_get(
    *, user: User, diagnosis_id: int, workstation: Workstation = None, channel: str = "web"
) -> Diagnosis:
    """One diagnosis, for its edit form. Access-logged."""
    require_permission(user, VIEW)
    found = (
        Diagnosis.objects.select_related("primary_site", "patient").filter(pk=diagnosis_id).first()
    )
    if found is None:
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    _log(user, found.patient_id, "diagnosi", workstation, channel)
    return found


def icd9_search(*, user: User, text: str, limit: int = 20) -> list[Icd9Code]:
    """Diagnosis codes starting with the code typed, or whose Italian label holds every
    word typed (reference data: not logged)."""
    require_permission(user, VIEW)
    words = " ".join((text or "").split())[:100]
    if not words:
        return []
    codes = Icd9Code.objects.filter(kind="D")
    if words[0].isdigit() or (words[0] in "VEve" and words[1:2].isdigit()):
        return list(codes.filter(code__startswith=words.upper()).order_by("code")[:limit])
    for word in words.split()[:6]:
        codes = codes.filter(description_it__icontains=word)
    return list(codes.order_by("code")[:limit])


# --- laboratory ---------------------------------------------------------------------------------


def lab_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> LabView:
    """The patient's laboratory results and their trends by analyte. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = _lab_rows(patient.pk, user)
    found = labs.trends(
        (r.analyte, r.unit, r.collected_at, r.value, r.reference_low, r.reference_high)
        for r in rows
    )
    _log(user, patient.pk, "esami di laboratorio", workstation, channel)
    return LabView(patient=patient, trends=found, results=rows)


# --- for the demo hospital's loader (corsia.demo): no patient data shown, nothing logged ---------


def patient_has_chart_data(*, patient_id: int) -> bool:
    """Whether a diagnosis or a diary entry is recorded for the patient."""
    return (
        Diagnosis.objects.filter(patient_id=patient_id).exists()
        or DiaryEntry.objects.filter(patient_id=patient_id).exists()
    )


# --- for the FHIR server's read by id: whose record it is (nothing shown, nothing logged) ------


def chart_record_patient_id(*, kind: str, record_id: int) -> int | None:
    """The patient of a diagnosis, a set of vital signs or a laboratory result (``kind``:
    ``diagnosis``, ``vitals``, ``lab``), ``None`` if there is none. The caller then reads
    the patient's chart through the selectors above (permission, scope, masking, log)."""
    rows: QuerySet[Any] = {
        "diagnosis": Diagnosis.objects.all(),
        "vitals": VitalSigns.objects.all(),
        "lab": LabResult.objects.all(),
    }[kind]
    found: int | None = rows.filter(pk=record_id).values_list("patient_id", flat=True).first()
    return found
