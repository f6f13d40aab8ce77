"""The chart's oncological diagnosis and performance status: the rows (newest first), the
timeline's events, the stage and the latest status of each scale the chart's header shows,
and the diagnosis page's view. The logged reads (``diagnosis_view``, ``diagnosis_get``)
are in ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    Diagnosis,
    PerformanceStatus,
)
from corsia.records.selectors_staging import (
    current_staging,
    stage_text,
)
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.patients.models import Patient


def _stage(newest: Diagnosis | None) -> tuple[str, str]:
    """The newest diagnosis's current computed staging, else the stage written by hand."""
    if newest is None:
        return "", ""
    staging = current_staging(newest.pk)
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
    return list(
        Diagnosis.objects.filter(patient_id=patient_id)
        .select_related("primary_site", "recorded_by")
        .order_by("-diagnosed_on", "-pk")[:50]
    )


def _performance_statuses(patient_id: int) -> list[PerformanceStatus]:
    return list(
        PerformanceStatus.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-pk")[:200]
    )


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
    performance_statuses: list[PerformanceStatus]
