"""The chart page's reads in one statement (issue 27: queries per read).

The chart shows what this module and four others hold: the patient's stays and their
transfers, weight and height (patients, prescribing), the orders with their
administrations (prescribing), the toxicities (toxicity), the allergies (patients), and
this module's diary, vital signs, anamnesis, diagnoses, stagings, scores, laboratory
results, treatment course, letters, tumour boards and reports. Each is read once, every
one of them in one statement (``corsia.core.read_together``): each module hands over its
query, built in its own module on its own tables, with the same checks as its selector
(the permission, the patient's scope, the masked stays hidden from the reader). The
treatment course's rows feed both the chart's section and its timeline (before, each read
them apart, and the orders twice).

What stays outside the statement: the patient (read first: a merged duplicate's chart is
its survivor's, and every other query names the patient), the masked stays (read once per
request, before the queries that leave them out are built), and the access-log append.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from corsia.audit.services import access_log_record_entries
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.read_together import ReadPart, read_parts
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import (
    AllergySummary,
    allergy_summary_read,
    encounter_moves_query,
    masked_document_ids,
    patient_get,
    visible_encounters,
    ward_names_query,
)
from corsia.prescribing.domain.body_size import BsaFormula, bsa
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.dosing_basis import (
    LatestMeasures,
    latest_measures_read,
    protected_measures,
)
from corsia.prescribing.selectors import orders_transitions_query, patient_orders
from corsia.records.domain import timeline
from corsia.records.domain.moments import age_in_years
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    ClinicalLetter,
    ClinicalReport,
    Diagnosis,
    DiagnosisStaging,
    DiaryEntry,
    LabResult,
    PerformanceStatus,
    PrognosticAssessment,
    TumourBoard,
    VitalSigns,
)
from corsia.records.selectors_course import (
    ORDERS_LIMIT,
    CourseRows,
    CourseView,
    course_assemble,
    course_events,
    course_read,
)
from corsia.records.selectors_diagnosis import (
    _diagnoses_query,
    _diagnosis_events,
    _latest_by_scale,
    _performance_statuses_query,
    _ps_label,
    _stage,
    newest_staging_query,
)
from corsia.records.selectors_letters import (
    board_events,
    chart_boards_query,
    chart_letters_query,
    letter_events,
)
from corsia.records.selectors_measures import (
    LAB_LIMIT,
    TIMELINE_LIMIT,
    VITALS_LIMIT,
    VitalsView,
    _lab_events,
    _lab_query,
    _vitals_events,
    _vitals_query,
    _vitals_view,
)
from corsia.records.selectors_reports import chart_reports_query, report_events
from corsia.records.selectors_staging import (
    chart_scores_query,
    chart_stagings_query,
    score_events,
    staging_events,
)
from corsia.records.timeline_sources import (
    author_name,
    encounter_events,
    order_events,
    toxicity_events,
)
from corsia.toxicity.selectors import TOXICITIES_READ, patient_toxicities_read

if TYPE_CHECKING:
    from corsia.patients.models import Encounter, Patient

VIEW = "records.view_chart"
VIEW_ORDERS = "prescribing.view_order"
VIEW_TOXICITY = "toxicity.view_toxicity"
WRITE_DIARY = "records.write_diary"
SEX_LABELS_IT = {"M": "maschio", "F": "femmina", "X": "non specificato"}
# the orders the timeline shows (the newest; the course links any of ORDERS_LIMIT)
TIMELINE_ORDERS = 100


def _outside_masked_encounters(rows: QuerySet[Any], user: User) -> QuerySet[Any]:
    """What was written during a masked (oscurato) encounter is left out like the
    encounter: rows with no encounter, or with one that is not masked — or masked and in
    progress, for those treating it (``patients.selectors.treated_masked_encounter_ids``)."""
    masked = masked_document_ids(document_type="patients.encounter", user=user)
    return rows.filter(Q(encounter__isnull=True) | ~Q(encounter_id__in=masked))


def _diary_rows(patient_id: int, user: User) -> QuerySet[DiaryEntry]:
    rows = DiaryEntry.objects.filter(patient_id=patient_id)
    return _outside_masked_encounters(rows, user).select_related("author", "supersedes")


def _anamnesis_notes(patient_id: int, user: User) -> QuerySet[AnamnesisNote]:
    return _outside_masked_encounters(AnamnesisNote.objects.filter(patient_id=patient_id), user)


@dataclass(frozen=True)
class ChartReads:
    """Everything the chart shows, read once (lists newest first unless told)."""

    encounters: list[Encounter]
    moves: list[tuple[Any, ...]]  # the encounters' history, oldest first
    wards: dict[int, str]
    measures: LatestMeasures
    allergies: AllergySummary
    orders: list[Any] | None  # None: not for the reader's role
    administered: list[Any]  # the timeline's orders' transitions to «administered»
    toxicities: list[Any] | None  # None: not for the reader's role
    diary: list[DiaryEntry]  # current versions
    vitals: list[VitalSigns]
    anamnesis: list[AnamnesisVersion]
    notes: list[AnamnesisNote]
    diagnoses: list[Diagnosis]
    statuses: list[PerformanceStatus]
    staging: DiagnosisStaging | None  # the newest diagnosis's current staging
    stagings: list[DiagnosisStaging]
    scores: list[PrognosticAssessment]
    labs: list[LabResult]
    course: CourseRows
    letters: list[ClinicalLetter]
    boards: list[TumourBoard]
    reports: list[ClinicalReport]


def _rows(*querysets: QuerySet[Any, Any]) -> ReadPart[list[list[Any]]]:
    return ReadPart(querysets=querysets, decode=lambda results: results)


def chart_reads(*, user: User, patient: Patient, orders: bool, toxicities: bool) -> ChartReads:
    """Every read of the chart in one statement. ``orders``/``toxicities``: whether the
    reader's role sees them (the toxicity module checks its permission and the patient's
    scope itself, as its selector does; the caller logs its read)."""
    pid = patient.pk
    encounters = visible_encounters(patient, user)
    parts: list[ReadPart[Any]] = [
        _rows(encounters, encounter_moves_query(encounters), ward_names_query()),
        latest_measures_read(pid),
        allergy_summary_read(patient_id=pid),
        course_read(pid),
        _rows(
            _diary_rows(pid, user)
            .filter(superseded_by__isnull=True)
            .order_by("-written_at", "-pk")[:TIMELINE_LIMIT],
            _vitals_query(pid, user)[:VITALS_LIMIT],
            AnamnesisVersion.objects.filter(patient_id=pid)
            .select_related("author")
            .order_by("-number")[:50],
            _anamnesis_notes(pid, user)
            .select_related("author")
            .order_by("-noted_on", "-pk")[:TIMELINE_LIMIT],
            _diagnoses_query(pid),
            _performance_statuses_query(pid),
            newest_staging_query(pid),
            chart_stagings_query(pid),
            chart_scores_query(pid),
            _lab_query(pid, user)[:LAB_LIMIT],
            chart_letters_query(patient, user),
            chart_boards_query(pid, user),
            chart_reports_query(patient),
        ),
    ]
    if orders:
        found = patient_orders(user=user, patient_id=pid).select_related("diagnosis")
        parts.append(
            _rows(
                found[:ORDERS_LIMIT],
                orders_transitions_query(
                    found[:TIMELINE_ORDERS], to_state=OrderState.ADMINISTERED.value
                ),
            )
        )
    if toxicities:
        parts.append(patient_toxicities_read(user=user, patient_id=pid))
    answers = read_parts(parts)
    (stays, moves, wards), measures, allergies, course, own = answers[:5]
    rest = answers[5:]
    order_rows = rest.pop(0) if orders else None
    toxicity_rows = rest.pop(0) if toxicities else None
    (
        diary,
        vitals,
        anamnesis,
        notes,
        diagnoses,
        statuses,
        staging,
        stagings,
        scores,
        labs,
        letters,
        boards,
        reports,
    ) = own
    return ChartReads(
        encounters=stays,
        moves=moves,
        wards=dict(wards),
        measures=measures,
        allergies=allergies,
        orders=order_rows[0] if order_rows is not None else None,
        administered=order_rows[1] if order_rows is not None else [],
        toxicities=toxicity_rows,
        diary=diary,
        vitals=vitals,
        anamnesis=anamnesis,
        notes=notes,
        diagnoses=diagnoses,
        statuses=statuses,
        staging=staging[0] if staging else None,
        stagings=stagings,
        scores=scores,
        labs=labs,
        course=course,
        letters=letters,
        boards=boards,
        reports=reports,
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
    course: CourseView  # the treatment course's section (its rows feed the timeline too)
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
    """The patient's chart: header, timeline (newest first) and the treatment course's
    section, read in one statement (``selectors_chart``). One access-log append: the
    chart's row and, for a role that sees them, the toxicities' row."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    today = timezone.localdate()
    hidden: list[str] = []
    may_see_orders, may_see_toxicity = user.has_perm(VIEW_ORDERS), user.has_perm(VIEW_TOXICITY)
    reads = chart_reads(
        user=user, patient=patient, orders=may_see_orders, toxicities=may_see_toxicity
    )
    encounters = reads.encounters
    active = next((e for e in encounters if e.state == "active"), None)
    measures = reads.measures
    protected = protected_measures(user=user, patient_id=patient.pk, latest=measures)
    weight = measures.weight_kg.value if measures.weight_kg else None
    height = measures.height_cm.value if measures.height_cm else None
    events = encounter_events(patient, encounters, reads.moves, reads.wards)

    regimen, cycle, cycle_start, diagnosis = "", None, None, ""
    if reads.orders is not None:
        current = next((o for o in reads.orders if o.state != OrderState.CANCELLED.value), None)
        if current is not None:
            regimen = current.regimen_version.name
            cycle, cycle_start = current.cycle_number, current.start_date
            if current.diagnosis is not None:
                diagnosis = f"{current.diagnosis.code} {current.diagnosis.label}"
        events.extend(order_events(reads.orders[:TIMELINE_ORDERS], reads.administered))
    else:
        hidden.append("prescrizioni")

    last_toxicity, last_grade = "", None
    if reads.toxicities is not None:
        if reads.toxicities:
            latest = reads.toxicities[0]
            last_toxicity = f"{latest.term.label} G{latest.grade} ({latest.onset_date:%d/%m/%Y})"
            last_grade = latest.grade
        events.extend(toxicity_events(reads.toxicities, patient.pk))
    else:
        hidden.append("tossicità")

    events.extend(_own_events(reads.diary, may_correct=user.has_perm(WRITE_DIARY)))
    events.extend(_anamnesis_events(patient.pk, reads.anamnesis, reads.notes))
    diagnoses, statuses = reads.diagnoses, reads.statuses
    events.extend(_diagnosis_events(diagnoses, statuses))
    events.extend(_lab_events(reads.labs))
    # lines, evaluations, home therapy, appointments: the same rows as the course's section
    events.extend(course_events(patient.pk, reads.course))
    if diagnoses:
        newest = diagnoses[0]
        diagnosis = f"{newest.primary_site.code} {newest.primary_site.description_it}"
        if newest.histotype:
            diagnosis += f" · {newest.histotype}"
    ecog = next((ps.value for ps in statuses if ps.scale == "ecog"), None)
    stage, stage_detail = _stage(diagnoses[0] if diagnoses else None, reads.staging)
    events.extend(staging_events(patient.pk, reads.stagings))
    events.extend(score_events(patient.pk, reads.scores))
    events.extend(_vitals_events(reads.vitals[:TIMELINE_LIMIT]))
    events.extend(letter_events(reads.letters) + board_events(reads.boards))
    events.extend(report_events(patient, reads.reports))  # pathology, imaging, consultations
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
        allergies=reads.allergies,
        regimen=regimen,
        cycle=cycle,
        cycle_start=cycle_start,
        last_toxicity=last_toxicity,
        last_toxicity_grade=last_grade,
        active_encounter=active,
    )
    # the chart and the toxicities it shows: each its own row, one append (the scope was
    # checked by patient_get and by the toxicity module's read; checked again here)
    ensure_patient_in_scope(user, patient.pk)
    access_log_record_entries(
        user=user,
        entries=[
            (patient.pk, "cartella clinica"),
            *([(patient.pk, TOXICITIES_READ)] if reads.toxicities is not None else []),
        ],
        workstation=workstation,
        channel=channel,
    )
    return Chart(
        header=header,
        timeline=timeline.newest_first(events, limit=TIMELINE_LIMIT),
        vitals=_vitals_view(reads.vitals),
        course=course_assemble(patient, reads.course, orders=reads.orders),
        sections_hidden=hidden,
    )


def _own_events(entries: list[DiaryEntry], *, may_correct: bool) -> list[TimelineEvent]:
    """The diary entries (current versions) of this module, as timeline events."""
    found: list[TimelineEvent] = []
    for entry in entries:
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


def _anamnesis_events(
    patient_id: int, versions: list[AnamnesisVersion], notes: list[AnamnesisNote]
) -> list[TimelineEvent]:
    url = reverse("records:anamnesis", args=[patient_id])
    found = [
        TimelineEvent(
            at=v.signed_at,
            kind=EventKind.ANAMNESIS,
            title=f"Anamnesi, versione {v.number}",
            author=author_name(v.author),
            url=url,
        )
        for v in versions
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
        for n in notes
    )
    return found
