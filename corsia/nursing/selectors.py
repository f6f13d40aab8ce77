"""Reads of the nursing record. Every read of a patient's data writes the access log;
what was recorded during a masked stay hidden from the reader is left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.nursing.domain import gordon, trend
from corsia.nursing.domain.scales import ScaleDefinition
from corsia.nursing.models import (
    Assessment,
    MonitoringEntry,
    NursingAnamnesis,
    NursingNote,
    Scale,
)
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import in_hidden_stay, outside_hidden_stays, patient_get

VIEW = "nursing.view_nursing"
_M = TypeVar("_M", NursingAnamnesis, NursingNote, MonitoringEntry)
TREND_LIMIT = 500
# the latest assessments of each scale that its trend shows (chart and table); the others
# are a link away, in the paged list of every assessment (issue 27)
TREND_POINTS = 30


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    ensure_patient_in_scope(user, patient_id)
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


# --- scales (reference data, no patient) ----------------------------------------------------


def scales_in_use(*, user: User) -> list[Scale]:
    """The scales offered for a new assessment (one version per code)."""
    require_permission(user, VIEW)
    return list(Scale.objects.filter(active=True).order_by("name"))


def scales_all(*, user: User) -> list[Scale]:
    """Every scale version, in use or withdrawn (the catalogue page)."""
    require_permission(user, VIEW)
    return list(Scale.objects.select_related("defined_by").order_by("name", "code", "-version"))


def scale_get(*, user: User, scale_id: int) -> Scale:
    require_permission(user, VIEW)
    scale = Scale.objects.select_related("defined_by").filter(pk=scale_id).first()
    if scale is None:
        raise NotFound("Scala non trovata.", code="scale_not_found")
    return scale


def scale_in_use(*, user: User, code: str) -> Scale:
    require_permission(user, VIEW)
    scale = Scale.objects.filter(code=code[:40], active=True).first()
    if scale is None:
        raise NotFound("Scala non trovata o non in uso.", code="scale_not_found")
    return scale


# --- one patient's assessments --------------------------------------------------------------


def _assessments(patient_id: int, user: User) -> QuerySet[Assessment]:
    rows = Assessment.objects.filter(patient_id=patient_id)
    return (
        outside_hidden_stays(rows, user=user, field="assessed_at", patient_id=patient_id)
        .select_related("scale", "recorded_by")
        .order_by("-assessed_at", "-pk")
    )


def _current(rows: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return rows.filter(superseded_by__isnull=True)


def patient_assessments(
    *,
    user: User,
    patient_id: int,
    scale_code: str | None = None,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> QuerySet[Assessment]:
    """The patient's assessments, newest first (assessed at, then id: a total order the
    index ``nursing_assessment_patient`` serves), for a page of them (``core.paging``;
    before issue 27, the newest 500 and the rest unreachable): the current versions, or
    every version (corrected ones too) with ``include_history``; of one scale with
    ``scale_code``. Written to the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = _assessments(patient.pk, user)
    if not include_history:
        rows = _current(rows)
    if scale_code:
        rows = rows.filter(scale__code=scale_code[:40])
    _log(user, patient.pk, "valutazioni con scale (infermieristica)", workstation, channel)
    return rows


@dataclass(frozen=True)
class ScaleTrend:
    """One scale's assessments of the patient (current versions, newest first)."""

    code: str
    name: str
    purpose: str
    higher_is_worse: bool
    assessments: list[Assessment]  # the latest TREND_POINTS
    panel: trend.TrendPanel | None
    total: int  # the scale's current assessments in all

    @property
    def more(self) -> int:
        """The older assessments the trend leaves out (in the paged list)."""
        return self.total - len(self.assessments)

    @property
    def latest(self) -> Assessment:
        return self.assessments[0]

    @property
    def previous(self) -> Assessment | None:
        return self.assessments[1] if len(self.assessments) > 1 else None


def _trend(
    definition: ScaleDefinition, name: str, rows: list[Assessment], total: int
) -> ScaleTrend:
    points = [
        trend.Point(at=a.assessed_at, total=a.total, level=a.band_level, band=a.band_label)
        for a in rows
    ]
    return ScaleTrend(
        code=definition.code,
        name=name,
        purpose=definition.purpose,
        higher_is_worse=definition.higher_is_worse,
        assessments=rows,
        panel=trend.panel(definition, points),
        total=total,
    )


def patient_scale_trends(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[ScaleTrend]:
    """Per scale assessed, its trend over time: its latest ``TREND_POINTS`` assessments
    and how many it has in all (the scale of the latest assessment gives the axis; a
    version change keeps its own rows' scores as written). Every scale ever assessed has
    its trend, whatever the history (before issue 27: the newest 500 assessments of any
    scale, and a scale assessed before them lost its trend). One statement."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    by_scale = [F("scale__code")]
    rows = (
        _current(_assessments(patient.pk, user))
        .annotate(
            _n=Window(
                RowNumber(),
                partition_by=by_scale,
                order_by=[F("assessed_at").desc(), F("pk").desc()],
            ),
            _total=Window(Count("pk"), partition_by=by_scale),
        )
        .filter(_n__lte=TREND_POINTS)
    )
    by_code: dict[str, list[Assessment]] = {}
    totals: dict[str, int] = {}
    for row in rows:
        by_code.setdefault(row.scale.code, []).append(row)
        totals[row.scale.code] = row._total  # the window's count
    trends = [
        _trend(rows[0].scale.parsed(), rows[0].scale.name, rows, totals[code])
        for code, rows in by_code.items()
    ]
    _log(user, patient.pk, "andamento delle scale (infermieristica)", workstation, channel)
    return sorted(trends, key=lambda t: t.name)


def assessment_get(
    *, user: User, assessment_id: int, workstation: Workstation = None, channel: str = "web"
) -> Assessment:
    """One assessment (any version), with what corrected it, if anything."""
    require_permission(user, VIEW)
    row = (
        Assessment.objects.select_related("scale", "recorded_by", "patient", "supersedes")
        .filter(pk=assessment_id)
        .first()
    )
    if row is not None and in_hidden_stay(user=user, patient_id=row.patient_id, at=row.assessed_at):
        row = None  # within a masked stay hidden from the user: as if it did not exist
    if row is None:
        raise NotFound("Valutazione non trovata.", code="assessment_not_found")
    ensure_patient_in_scope(user, row.patient_id)
    _log(user, row.patient_id, "valutazione con scala (dettaglio)", workstation, channel)
    return row


def assessment_corrected_by(*, assessment: Assessment) -> Assessment | None:
    """The correction of an assessment already read (no new access-log row)."""
    return Assessment.objects.filter(supersedes=assessment).first()


def patient_has_assessments(*, patient_id: int) -> bool:
    """Whether any assessment names the patient (a yes or no, no clinical data: for the
    demo's idempotent load)."""
    return Assessment.objects.filter(patient_id=patient_id).exists()


# --- anamnesis, care diary, monitoring ------------------------------------------------------


@dataclass(frozen=True)
class WrittenRecord:
    """The anamnesis in force, the care diary and the monitoring of a patient."""

    anamnesis: NursingAnamnesis | None
    notes: list[NursingNote]
    monitoring: list[MonitoringEntry]

    @property
    def anamnesis_patterns(self) -> list[tuple[gordon.Pattern, str]]:
        texts = self.anamnesis.patterns if self.anamnesis is not None else {}
        return [(p, texts.get(p.code, "")) for p in gordon.PATTERNS]


def _written(model: type[_M], patient_id: int, user: User) -> QuerySet[_M]:
    rows = model.objects.filter(patient_id=patient_id)
    return (
        outside_hidden_stays(rows, user=user, field="written_at", patient_id=patient_id)
        .select_related("author")
        .order_by("-written_at", "-pk")
    )


def patient_written_record(
    *,
    user: User,
    patient_id: int,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> WrittenRecord:
    """The anamnesis in force, the care-diary entries and the monitoring (newest first;
    current versions unless ``include_history``)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    anamnesis = (
        _written(NursingAnamnesis, patient.pk, user).filter(superseded_by__isnull=True).first()
    )
    notes = _written(NursingNote, patient.pk, user)
    entries = _written(MonitoringEntry, patient.pk, user)
    if not include_history:
        notes = notes.filter(superseded_by__isnull=True)
        entries = entries.filter(superseded_by__isnull=True)
    record = WrittenRecord(
        anamnesis=anamnesis, notes=list(notes[:TREND_LIMIT]), monitoring=list(entries[:TREND_LIMIT])
    )
    _log(user, patient.pk, "anamnesi, diario e monitoraggi (infermieristica)", workstation, channel)
    return record
