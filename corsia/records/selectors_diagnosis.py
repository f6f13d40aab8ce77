"""The chart's oncological diagnosis and performance status: the rows (newest first), the
timeline's events, the stage and the latest status of each scale the chart's header shows,
and the diagnosis page's view. The logged reads (``diagnosis_view``, ``diagnosis_get``)
are in ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Subquery
from django.urls import reverse

from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    Diagnosis,
    DiagnosisStaging,
    PerformanceStatus,
)
from corsia.records.selectors_staging import stage_text
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.patients.models import Patient


def _stage(newest: Diagnosis | None, staging: DiagnosisStaging | None) -> tuple[str, str]:
    """The newest diagnosis's current computed staging (``staging``: read with it, see
    ``newest_staging_query``), else the stage written by hand."""
    if newest is None:
        return "", ""
    if staging is not None:
        return staging.stage, stage_text(staging)
    return newest.stage, newest.staging_system


def _latest_by_scale(statuses: list[PerformanceStatus]) -> list[str]:
    latest: dict[str, PerformanceStatus] = {}
    for ps in statuses:  # newest first
        latest.setdefault(ps.scale, ps)
    return [_ps_label(latest[s]) for s in ("ecog", "karnofsky", "lansky") if s in latest]


# --- diagnosis and performance status -------------------------------------------------------------


def _diagnoses(patient_id: int) -> list[Diagnosis]:
    return list(_diagnoses_query(patient_id))


def _diagnoses_query(patient_id: int) -> QuerySet[Diagnosis]:
    return (
        Diagnosis.objects.filter(patient_id=patient_id)
        .select_related("primary_site", "recorded_by")
        .order_by("-diagnosed_on", "-pk")[:50]
    )


def newest_staging_query(patient_id: int) -> QuerySet[DiagnosisStaging]:
    """The current staging (the highest version) of the patient's newest diagnosis, the
    diagnosis found by a subquery: one query with the diagnoses, not after them."""
    newest = (
        Diagnosis.objects.filter(patient_id=patient_id)
        .order_by("-diagnosed_on", "-pk")
        .values("pk")[:1]
    )
    return DiagnosisStaging.objects.filter(diagnosis_id=Subquery(newest)).order_by("-number")[:1]


def _performance_statuses(patient_id: int) -> QuerySet[PerformanceStatus]:
    """Every performance status of the patient, newest first (assessed on, then id: a
    total order; the index ``ps_by_patient``), unread: for a page of them (issue 27;
    before, the newest 200 and the rest unreachable)."""
    return (
        PerformanceStatus.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-pk")
    )


def _performance_statuses_query(patient_id: int) -> QuerySet[PerformanceStatus]:
    """The newest 200, for the chart's header (the latest of each scale) and timeline."""
    return _performance_statuses(patient_id)[:200]


def _ps_label(row: PerformanceStatus) -> str:
    name = {"ecog": "ECOG", "karnofsky": "Karnofsky", "lansky": "Lansky"}[row.scale]
    return f"{name} {row.value} ({row.assessed_on:%d/%m/%Y})"


def _diagnosis_events(
    diagnoses: list[Diagnosis], statuses: list[PerformanceStatus]
) -> list[TimelineEvent]:
    found = [
        TimelineEvent(
            at=d.created_at,
            kind=EventKind.DIAGNOSIS,
            title=f"{d.primary_site.code} {d.primary_site.description_it}",
            detail=" · ".join(x for x in (d.histotype, d.stage and f"stadio {d.stage}") if x),
            author=author_name(d.recorded_by),
            url=reverse("records:diagnosis", args=[d.patient_id]),
        )
        for d in diagnoses
    ]
    found.extend(
        TimelineEvent(
            at=ps.recorded_at,
            kind=EventKind.DIAGNOSIS,
            title=f"Performance status: {_ps_label(ps)}",
            author=author_name(ps.recorded_by),
        )
        for ps in statuses
    )
    return found


@dataclass(frozen=True)
class DiagnosisView:
    patient: Patient
    diagnoses: list[Diagnosis]
    performance_statuses: QuerySet[PerformanceStatus]  # every one, unread: page it
