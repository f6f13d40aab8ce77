"""Reads of the pathology, imaging and consultation reports. Every read of a patient's
reports writes the access log; a report about a masked (oscurato) encounter is left out of
every list, the timeline, the API and the letters, like the encounter itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_get, visible_encounters
from corsia.records.domain import reports as rules
from corsia.records.domain.reports import ReportKind
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import ClinicalReport
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.patients.models import Patient

VIEW = "records.view_chart"
LIST_LIMIT = 1000
TIMELINE_LIMIT = 200


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    ensure_patient_in_scope(user, patient_id)
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


def visible_reports(patient: Patient) -> QuerySet[ClinicalReport]:
    """The patient's reports (every version), those about a masked encounter left out."""
    return (
        ClinicalReport.objects.filter(patient_id=patient.pk)
        .filter(Q(encounter__isnull=True) | Q(encounter__in=visible_encounters(patient)))
        .select_related("recorded_by", "supersedes")
    )


def current_reports(patient: Patient) -> QuerySet[ClinicalReport]:
    """The visible reports no correction has replaced."""
    return visible_reports(patient).filter(superseded_by__isnull=True)


def _superseded_ids(patient: Patient) -> set[int]:
    return {
        pk
        for pk in ClinicalReport.objects.filter(
            patient_id=patient.pk, supersedes__isnull=False
        ).values_list("supersedes_id", flat=True)
        if pk is not None
    }


@dataclass(frozen=True)
class ReportRow:
    report: ClinicalReport
    superseded: bool  # a correction replaced it: shown, marked, not correctable

    @property
    def title(self) -> str:
        r = self.report
        return rules.summary(
            ReportKind(r.kind), modality_code=r.modality, examination=r.examination
        )


@dataclass(frozen=True)
class ReportsView:
    patient: Patient
    rows: list[ReportRow]  # newest examination first, every version
    kind: ReportKind | None  # the filter applied


def patient_reports(
    *,
    user: User,
    patient_id: int,
    kind: ReportKind | None = None,
    workstation: Workstation = None,
    channel: str = "web",
) -> ReportsView:
    """The patient's reports, newest first (by the day of the examination), corrected
    versions included and marked superseded; optionally of one kind. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = visible_reports(patient)
    if kind is not None:
        rows = rows.filter(kind=kind.value)
    replaced = _superseded_ids(patient)
    found = [
        ReportRow(report=r, superseded=r.pk in replaced)
        for r in rows.order_by("-performed_on", "-recorded_at", "-pk")[:LIST_LIMIT]
    ]
    _log(user, patient.pk, "referti", workstation, channel)
    return ReportsView(patient=patient, rows=found, kind=kind)


def report_get(
    *,
    user: User,
    patient_id: int,
    report_id: int,
    workstation: Workstation = None,
    channel: str = "web",
) -> ReportRow:
    """One report (any version) of the patient, for its correction form: another
    patient's, or one about a masked encounter, is not found. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    found = visible_reports(patient).filter(pk=report_id).first()
    if found is None:
        raise NotFound("Referto non trovato.", code="report_not_found")
    _log(user, patient.pk, f"referto {found.pk}", workstation, channel)
    return ReportRow(report=found, superseded=found.pk in _superseded_ids(patient))


def chart_reports_query(patient: Patient) -> QuerySet[ClinicalReport]:
    """The current version of each report the chart's timeline shows, newest first."""
    return current_reports(patient).order_by("-recorded_at", "-pk")[:TIMELINE_LIMIT]


def report_events(patient: Patient, reports: list[ClinicalReport]) -> list[TimelineEvent]:
    """The current version of each report, for the chart's timeline (the chart's read is
    logged by the chart). Dated by the signature; the examination's day is in the title."""
    url = reverse("records:reports", args=[patient.pk])
    found = []
    for r in reports:
        title = rules.summary(
            ReportKind(r.kind), modality_code=r.modality, examination=r.examination
        )
        detail = r.conclusion
        if r.supersedes is not None:
            earlier = timezone.localtime(r.supersedes.recorded_at)
            detail += f"\n[correzione del referto registrato il {earlier:%d/%m/%Y}: "
            detail += f"{r.correction_reason}]"
        found.append(
            TimelineEvent(
                at=r.recorded_at,
                kind=EventKind.REPORT,
                title=f"{title} del {r.performed_on:%d/%m/%Y} ({r.issuer})",
                detail=detail,
                author=author_name(r.recorded_by),
                url=url,
                sequence=r.pk,
            )
        )
    return found
