"""Reads of the chart facts a letter is built from, and the period a letter covers. Every
read writes the access log.

The facts come from this module's own tables (diary, vital signs, labs, diagnosis,
performance status, anamnesis) and from the other modules' public doors: the patient and
the encounters (patients.selectors), the allergies (``allergy_summary``), the orders
(prescribing.selectors) with what was given at the bedside (prescribing.given, the
administration module's reader), the toxicities (toxicity.selectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.domain.allergies import REACTION_LABELS_IT, SEVERITY_LABELS_IT
from corsia.patients.selectors import (
    allergy_summary,
    patient_get,
    visible_encounters,
)
from corsia.prescribing.domain.states import STATE_LABELS_IT, OrderState
from corsia.prescribing.given import doses_given
from corsia.prescribing.selectors import patient_orders
from corsia.records.domain import anamnesis
from corsia.records.domain import letter_facts as lf
from corsia.records.domain import letters as rules
from corsia.records.domain import reports as report_rules
from corsia.records.domain.letters import LetterKind
from corsia.records.domain.vitals import Vital
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    Diagnosis,
    DiagnosisStaging,
    DiaryEntry,
    LabResult,
    PerformanceStatus,
    VitalSigns,
)
from corsia.records.selectors_reports import current_reports
from corsia.records.selectors_staging import stage_text
from corsia.records.timeline_sources import author_name
from corsia.toxicity.selectors import patient_toxicities

if TYPE_CHECKING:
    from corsia.patients.models import Encounter, Patient


VIEW = "records.view_chart"
VIEW_ORDERS = "prescribing.view_order"
VIEW_TOXICITY = "toxicity.view_toxicity"
OUTPATIENT_LAB_DAYS = 30  # the outpatient report shows the labs of the month before the visit


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


# --- the period a letter covers -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    encounter: Encounter | None
    start: datetime  # aware
    end: datetime  # aware


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    return start, end


def _the_day(day: date | None) -> date:
    today = timezone.localdate()
    chosen = day or today
    if chosen > today:
        raise ValidationFailed(
            "La data del documento non può essere futura.", code="date_in_future", field="day"
        )
    return chosen


def letter_period(
    *, patient: Patient, kind: LetterKind, encounter_id: int | None, day: date | None
) -> Period:
    """The encounter and the time span a letter of ``kind`` covers.

    Discharge letter: the stay (admission → discharge; to the end of today while the
    patient is still in). Outpatient report: the day of the visit (its encounter's
    admission day, or ``day``). Diary report: ``day``, with the encounter in progress then.
    """
    encounters = visible_encounters(patient).exclude(state="cancelled")
    encounter = None
    if encounter_id is not None:
        encounter = encounters.filter(pk=encounter_id).first()
        if encounter is None:
            raise ValidationFailed(
                "Il ricovero o accesso scelto non è di questo paziente.",
                code="encounter_not_found",
                field="encounter_id",
            )
    if kind is LetterKind.DISCHARGE:
        if encounter is None:
            raise ValidationFailed(
                "La lettera di dimissione si scrive per un ricovero: sceglilo.",
                code="encounter_required",
                field="encounter_id",
            )
        if encounter.kind == "outpatient":
            raise ValidationFailed(
                "Per un accesso ambulatoriale si scrive il referto ambulatoriale, non la "
                "lettera di dimissione.",
                code="letter_encounter_kind",
                field="encounter_id",
            )
        end = encounter.discharged_at or _day_bounds(timezone.localdate())[1]
        return Period(encounter=encounter, start=encounter.admitted_at, end=end)
    if kind is LetterKind.OUTPATIENT and encounter is not None:
        start, end = _day_bounds(timezone.localtime(encounter.admitted_at).date())
        return Period(encounter=encounter, start=start, end=end)
    start, end = _day_bounds(_the_day(day))
    if encounter is None and kind is LetterKind.DIARY:
        encounter = (
            encounters.filter(admitted_at__lte=end)
            .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=start))
            .order_by("-admitted_at")
            .first()
        )
    return Period(encounter=encounter, start=start, end=end)


# --- the facts ------------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _encounter_facts(encounter: Encounter | None) -> lf.EncounterFacts | None:
    if encounter is None:
        return None
    return lf.EncounterFacts(
        id=encounter.pk,
        kind=encounter.kind,
        kind_label=str(encounter.get_kind_display()),
        ward=encounter.ward.name,
        admitted_at=_local(encounter.admitted_at),
        discharged_at=_local(encounter.discharged_at) if encounter.discharged_at else None,
    )


def _diagnoses(patient_id: int) -> tuple[lf.DiagnosisFacts, ...]:
    """The diagnoses, each with its current computed staging when one is signed (as the
    chart's header shows it), else the stage written with the diagnosis."""
    rows = list(
        Diagnosis.objects.filter(patient_id=patient_id)
        .select_related("primary_site")
        .order_by("-diagnosed_on", "-pk")[:20]
    )
    computed: dict[int, DiagnosisStaging] = {}
    for staging in DiagnosisStaging.objects.filter(diagnosis__in=rows).order_by("number"):
        computed[staging.diagnosis_id] = staging  # the highest number wins
    return tuple(
        lf.DiagnosisFacts(
            id=d.pk,
            icd9=d.primary_site.code,
            label=d.primary_site.description_it,
            histotype=d.histotype,
            morphology_icdo3=d.morphology_icdo3,
            grade=d.grade,
            stage=computed[d.pk].stage if d.pk in computed else d.stage,
            staging_system=(stage_text(computed[d.pk]) if d.pk in computed else d.staging_system),
            biomarkers="; ".join(
                f"{b.get('marker', '')}: {b.get('result', '')}".strip(": ") for b in d.biomarkers
            ),
            metastases=", ".join(str(m) for m in d.metastases),
            diagnosed_on=d.diagnosed_on,
        )
        for d in rows
    )


def _anamnesis(patient_id: int, encounter: Encounter | None) -> tuple[lf.TextFacts, ...]:
    found: list[lf.TextFacts] = []
    current = (
        AnamnesisVersion.objects.filter(patient_id=patient_id)
        .select_related("author")
        .order_by("-number")
        .first()
    )
    if current is not None:
        for section in anamnesis.Section:
            text = getattr(current, section.value)
            if text:
                found.append(
                    lf.TextFacts(
                        source=f"records.anamnesis:{current.pk}",
                        label=anamnesis.SECTION_LABELS_IT[section],
                        text=text,
                        author=author_name(current.author),
                    )
                )
    if encounter is not None:
        for note in (
            AnamnesisNote.objects.filter(patient_id=patient_id, encounter=encounter)
            .select_related("author")
            .order_by("noted_on", "pk")
        ):
            found.append(
                lf.TextFacts(
                    source=f"records.anamnesis_note:{note.pk}",
                    label=f"Raccordo anamnestico del {note.noted_on:%d/%m/%Y}",
                    text=note.text,
                    author=author_name(note.author),
                )
            )
    return tuple(found)


def _allergies(patient_id: int) -> lf.AllergyFacts:
    summary = allergy_summary(patient_id=patient_id)
    return lf.AllergyFacts(
        state=summary.state.value,
        text=summary.text,
        items=tuple(
            (
                a.id,
                a.substance,
                REACTION_LABELS_IT[a.reaction],
                SEVERITY_LABELS_IT[a.severity],
            )
            for a in summary.active
        ),
    )


def _diary(patient_id: int, start: datetime, end: datetime) -> tuple[lf.TextFacts, ...]:
    rows = (
        DiaryEntry.objects.filter(
            patient_id=patient_id,
            superseded_by__isnull=True,
            written_at__gte=start,
            written_at__lte=end,
        )
        .select_related("author")
        .order_by("written_at", "pk")
    )
    return tuple(
        lf.TextFacts(
            source=f"records.diary_entry:{e.pk}",
            label=str(e.get_kind_display()),
            text=e.text,
            at=_local(e.written_at),
            author=author_name(e.author),
        )
        for e in rows
    )


def _vitals(patient_id: int, start: datetime, end: datetime) -> tuple[lf.VitalsFacts, ...]:
    rows = VitalSigns.objects.filter(
        patient_id=patient_id, measured_at__gte=start, measured_at__lte=end
    ).order_by("measured_at", "pk")

    def dec(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return tuple(
        lf.VitalsFacts(
            id=v.pk,
            at=_local(v.measured_at),
            values={vital: dec(getattr(v, vital.value)) for vital in Vital},
        )
        for v in rows
    )


def _labs(patient_id: int, start: datetime, end: datetime) -> tuple[lf.LabFacts, ...]:
    rows = LabResult.objects.filter(
        patient_id=patient_id, collected_at__gte=start, collected_at__lte=end
    ).order_by("collected_at", "analyte", "pk")
    return tuple(
        lf.LabFacts(
            id=r.pk,
            at=_local(r.collected_at),
            analyte=r.analyte,
            value=r.value,
            unit=r.unit,
            reference_low=r.reference_low,
            reference_high=r.reference_high,
            flag=r.flag,
        )
        for r in rows
    )


def _reports(patient: Patient, start: date, end: date) -> tuple[lf.ReportFacts, ...]:
    """The current version of each report performed in the period (those about a masked
    encounter left out), oldest first."""
    rows = current_reports(patient).filter(performed_on__gte=start, performed_on__lte=end)
    return tuple(
        lf.ReportFacts(
            id=r.pk,
            kind=r.kind,
            kind_label=report_rules.KIND_LABELS_IT[report_rules.ReportKind(r.kind)],
            loinc=r.loinc,
            performed_on=r.performed_on,
            title=report_rules.summary(
                report_rules.ReportKind(r.kind), modality_code=r.modality, examination=r.examination
            ),
            issuer=r.issuer,
            reporting_clinician=r.reporting_clinician,
            accession=r.accession,
            conclusion=r.conclusion,
            morphology_icdo3=r.morphology_icdo3,
            corrected=r.supersedes_id is not None,
        )
        for r in rows.order_by("performed_on", "recorded_at", "pk")
    )


def _performance(
    patient_id: int, start: datetime, end: datetime
) -> tuple[lf.PerformanceFacts, ...]:
    rows = PerformanceStatus.objects.filter(patient_id=patient_id, assessed_on__lte=end.date())
    within = list(rows.filter(assessed_on__gte=start.date()).order_by("assessed_on", "pk"))
    if not within:  # none in the period: the latest before it
        within = list(rows.order_by("-assessed_on", "-pk")[:1])
    return tuple(
        lf.PerformanceFacts(id=p.pk, scale=p.scale, value=p.value, assessed_on=p.assessed_on)
        for p in within
    )


def _therapies(user: User, patient_id: int, start: date, end: date) -> tuple[lf.TherapyFacts, ...]:
    given: dict[int, tuple[Decimal, bool]] = {}
    for dose in doses_given(patient_id=patient_id):
        amount, finished = given.get(dose.order_item_id, (Decimal(0), True))
        given[dose.order_item_id] = (amount + dose.amount_given, finished and dose.finished)
    orders = (
        patient_orders(user=user, patient_id=patient_id)
        .exclude(state__in=[OrderState.CANCELLED.value, OrderState.DRAFT.value])
        .filter(items__scheduled_date__gte=start, items__scheduled_date__lte=end)
        .distinct()
        .prefetch_related("items__ingredient")
    )
    found = []
    for order in sorted(orders, key=lambda o: (o.start_date, o.pk)):
        lines = tuple(
            lf.TherapyLine(
                item_id=item.pk,
                ingredient=item.ingredient.name_it or item.ingredient.name_en,
                ingredient_code=item.ingredient.code,
                dose=item.final_dose,
                unit=item.amount_unit,
                route=str(item.get_route_display()),
                scheduled_on=item.scheduled_date,
                given=given[item.pk][0] if item.pk in given else None,
                given_finished=given[item.pk][1] if item.pk in given else False,
            )
            for item in sorted(order.items.all(), key=lambda i: (i.scheduled_date, i.sequence))
            if start <= item.scheduled_date <= end and item.status == "active"
        )
        found.append(
            lf.TherapyFacts(
                order_id=order.pk,
                regimen=order.regimen_version.name,
                cycle=order.cycle_number,
                start_date=order.start_date,
                state_label=STATE_LABELS_IT[OrderState(order.state)],
                lines=lines,
            )
        )
    return tuple(found)


def _toxicities(
    user: User,
    patient_id: int,
    start: date,
    end: date,
    *,
    workstation: Workstation,
    channel: str,
) -> tuple[lf.ToxicityFacts, ...]:
    rows = patient_toxicities(
        user=user, patient_id=patient_id, since=start, workstation=workstation, channel=channel
    )
    return tuple(
        lf.ToxicityFacts(
            id=t.pk,
            term=t.term.term,
            meddra_code=t.term.meddra_code,
            grade=t.grade,
            onset=t.onset_date,
            resolution=t.resolution_date,
            attribution=str(t.get_attribution_display()),
            serious=t.serious,
        )
        for t in sorted(rows, key=lambda t: (t.onset_date, t.pk))
        if t.onset_date <= end
    )


def chart_facts(
    *,
    user: User,
    patient_id: int,
    kind: LetterKind,
    encounter_id: int | None = None,
    day: date | None = None,
    workstation: Workstation = None,
    channel: str = "web",
) -> lf.ChartFacts:
    """Everything a letter of ``kind`` prints, read from the chart. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    period = letter_period(patient=patient, kind=kind, encounter_id=encounter_id, day=day)
    start, end = _local(period.start), _local(period.end)
    lab_start = (
        start - timedelta(days=OUTPATIENT_LAB_DAYS) if kind is LetterKind.OUTPATIENT else start
    )
    hidden: list[str] = []
    therapies = None
    if user.has_perm(VIEW_ORDERS):
        therapies = _therapies(user, patient.pk, start.date(), end.date())
    else:
        hidden.append("terapie")
    toxicities = None
    if user.has_perm(VIEW_TOXICITY):
        toxicities = _toxicities(
            user, patient.pk, start.date(), end.date(), workstation=workstation, channel=channel
        )
    else:
        hidden.append("tossicità")
    facts = lf.ChartFacts(
        patient=lf.PatientFacts(
            id=patient.pk,
            surname=patient.surname,
            given_names=patient.given_names,
            sex=patient.sex,
            date_of_birth=patient.date_of_birth,
            mrn=patient.mrn,
            codice_fiscale=patient.codice_fiscale,
        ),
        encounter=_encounter_facts(period.encounter),
        period_start=start,
        period_end=end,
        diagnoses=_diagnoses(patient.pk),
        anamnesis=_anamnesis(patient.pk, period.encounter),
        allergies=_allergies(patient.pk),
        diary=_diary(patient.pk, start, end),
        vitals=_vitals(patient.pk, start, end),
        labs=_labs(patient.pk, lab_start, end),
        reports=_reports(patient, lab_start.date(), end.date()),
        performance=_performance(patient.pk, start, end),
        therapies=therapies,
        toxicities=toxicities,
        hidden=tuple(hidden),
    )
    _log(
        user,
        patient.pk,
        f"cartella clinica ({rules.KIND_LABELS_IT[kind].lower()})",
        workstation,
        channel,
    )
    return facts
