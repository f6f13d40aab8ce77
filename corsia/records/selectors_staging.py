"""Reads of the structured staging and the prognostic scores; every read of a patient's
data writes the access log. The chart's header and timeline take the current stage and the
latest scores from here (``stage_of``, ``staging_events``, ``score_events``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.patients.selectors import patient_get
from corsia.records.domain import input_forms
from corsia.records.domain.prognosis.catalogue import SCORES
from corsia.records.domain.staging.catalogue import SYSTEMS
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import Diagnosis, DiagnosisStaging, PrognosticAssessment
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.patients.models import Patient

VIEW = "records.view_chart"
HISTORY_LIMIT = 200


def system_label(code: str) -> str:
    found = SYSTEMS.get(code)
    return found.label if found is not None else code


def score_label(code: str) -> str:
    found = SCORES.get(code)
    return found.label if found is not None else code


def staging_inputs_shown(staging: DiagnosisStaging) -> list[tuple[str, str]]:
    found = SYSTEMS.get(staging.system)
    return input_forms.shown(found.inputs, staging.inputs) if found is not None else []


def score_inputs_shown(row: PrognosticAssessment) -> list[tuple[str, str]]:
    found = SCORES.get(row.score)
    return input_forms.shown(found.inputs, row.inputs) if found is not None else []


@dataclass(frozen=True)
class DiagnosisStagings:
    diagnosis: Diagnosis
    stagings: list[DiagnosisStaging]  # newest first

    @property
    def current(self) -> DiagnosisStaging | None:
        return self.stagings[0] if self.stagings else None

    @property
    def version(self) -> int:
        """The number a new staging's form is built from (0: none yet)."""
        return self.stagings[0].number if self.stagings else 0


@dataclass(frozen=True)
class StagingView:
    patient: Patient
    diagnoses: list[DiagnosisStagings]  # newest diagnosis first


def _diagnoses(patient_ids: set[int]) -> list[Diagnosis]:
    return list(
        Diagnosis.objects.filter(patient_id__in=patient_ids)
        .select_related("primary_site")
        .order_by("-diagnosed_on", "-pk")[:50]
    )


def _stagings(patient_ids: set[int]) -> list[DiagnosisStaging]:
    return list(
        DiagnosisStaging.objects.filter(patient_id__in=patient_ids)
        .select_related("author")
        .order_by("-number")[:HISTORY_LIMIT]
    )


def staging_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> StagingView:
    """The patient's diagnoses, each with its stagings newest first. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    ids = {patient_id, patient.pk}
    diagnoses = _diagnoses(ids)
    by_diagnosis: dict[int, list[DiagnosisStaging]] = {}
    for staging in _stagings(ids):
        by_diagnosis.setdefault(staging.diagnosis_id, []).append(staging)
    access_log_record(
        user=user, patient_id=patient.pk, what="stadiazione", workstation=workstation,
        channel=channel,
    )  # fmt: skip
    return StagingView(
        patient=patient,
        diagnoses=[DiagnosisStagings(d, by_diagnosis.get(d.pk, [])) for d in diagnoses],
    )


@dataclass(frozen=True)
class ScoresView:
    patient: Patient
    assessments: list[PrognosticAssessment]  # newest first
    diagnoses: list[Diagnosis]  # what an assessment may refer to


def scores_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> ScoresView:
    """The patient's prognostic assessments, newest first. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    ids = {patient_id, patient.pk}
    assessments = list(
        PrognosticAssessment.objects.filter(patient_id__in=ids)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-pk")[:HISTORY_LIMIT]
    )
    diagnoses = _diagnoses(ids)
    access_log_record(
        user=user, patient_id=patient.pk, what="punteggi prognostici", workstation=workstation,
        channel=channel,
    )  # fmt: skip
    return ScoresView(patient=patient, assessments=assessments, diagnoses=diagnoses)


# --- for the chart (its read is logged by chart_view) ------------------------------------------


def current_staging(diagnosis_id: int) -> DiagnosisStaging | None:
    """The diagnosis's current staging (the highest version), or none."""
    return DiagnosisStaging.objects.filter(diagnosis_id=diagnosis_id).order_by("-number").first()


def stage_text(staging: DiagnosisStaging) -> str:
    """What the header shows beside the stage: "cT2a N1 M0 · TNM 8ª ed. – Polmone (...) ·
    clinico (c), 02/12/2026"; the label too where it says more than "Stadio IIB"
    ("Stadio IIA, bulky (...)", "R-ISS II")."""
    parts = []
    if staging.stage_label != f"Stadio {staging.stage}":
        parts.append(staging.stage_label)
    if staging.categories:
        parts.append(staging.categories)
    parts.append(system_label(staging.system))
    parts.append(f"{staging.get_criterion_display()}, {staging.staged_on:%d/%m/%Y}")
    return " · ".join(parts)


def chart_stagings_query(patient_id: int) -> QuerySet[DiagnosisStaging]:
    """The patient's stagings, newest first, for the chart's timeline (one statement with
    the chart's other reads: ``selectors_chart``)."""
    return (
        DiagnosisStaging.objects.filter(patient_id=patient_id)
        .select_related("author")
        .order_by("-number")[:HISTORY_LIMIT]
    )


def chart_scores_query(patient_id: int) -> QuerySet[PrognosticAssessment]:
    """The patient's prognostic scores, newest first, for the chart's timeline."""
    return (
        PrognosticAssessment.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")[:HISTORY_LIMIT]
    )


def staging_events(patient_id: int, stagings: list[DiagnosisStaging]) -> list[TimelineEvent]:
    url = reverse("records:staging", args=[patient_id])
    return [
        TimelineEvent(
            at=s.signed_at,
            kind=EventKind.DIAGNOSIS,
            title=f"Stadiazione: {s.stage_label}",
            detail=" · ".join(x for x in (s.categories, system_label(s.system)) if x),
            author=author_name(s.author),
            url=url,
            sequence=s.pk,
        )
        for s in stagings
    ]


def score_events(patient_id: int, scores: list[PrognosticAssessment]) -> list[TimelineEvent]:
    url = reverse("records:scores", args=[patient_id])
    return [
        TimelineEvent(
            at=a.recorded_at,
            kind=EventKind.DIAGNOSIS,
            title=f"{score_label(a.score)}: {a.value.normalize():f} – {a.risk_group_label}",
            detail=a.reference,
            author=author_name(a.recorded_by),
            url=url,
            sequence=a.pk,
        )
        for a in scores
    ]
