"""The chart's measurements: the vital signs (the table with their flags, the chart panels,
the timeline's events) and the laboratory results (the rows, the timeline's events, the
trends' view), read from this module's tables with the masked stays hidden from the reader
left out. The logged reads (``patient_vitals``, ``lab_view``) are in ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from corsia.core.actors import User
from corsia.patients.selectors import outside_hidden_stays
from corsia.records.domain import labs, vitals, vitals_chart
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    LabResult,
    VitalSigns,
)
from corsia.records.timeline_sources import (
    author_name,
    vitals_summary,
)

if TYPE_CHECKING:
    from corsia.patients.models import Patient


TIMELINE_LIMIT = 200
VITALS_LIMIT = 500


@dataclass(frozen=True)
class VitalsCell:
    value: Decimal | None
    flag: vitals.Flag | None

    @property
    def flag_label(self) -> str:
        return vitals.FLAG_LABELS_IT[self.flag] if self.flag is not None else ""


@dataclass(frozen=True)
class VitalsRow:
    signs: VitalSigns
    cells: list[VitalsCell]


@dataclass(frozen=True)
class VitalsView:
    """The vital signs newest first (the table) and one chart panel per parameter."""

    rows: list[VitalsRow]
    panels: list[vitals_chart.Panel]

    @property
    def columns(self) -> list[vitals.VitalSpec]:
        return [vitals.SPECS[v] for v in vitals.Vital]


def _reading(signs: VitalSigns) -> vitals.VitalReading:
    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    return vitals.VitalReading(**{v.value: dec(getattr(signs, v.value)) for v in vitals.Vital})


def _vitals_rows(patient_id: int, limit: int, user: User) -> list[VitalSigns]:
    return list(_vitals_query(patient_id, user)[:limit])


def _vitals_query(patient_id: int, user: User) -> QuerySet[VitalSigns]:
    """The vital signs shown to ``user``, newest first (the masked stays hidden from them
    left out); a total order (the id last) for paging."""
    rows = VitalSigns.objects.filter(patient_id=patient_id)
    return (
        outside_hidden_stays(rows, user=user, patient_id=patient_id, field="measured_at")
        .select_related("recorded_by")
        .order_by("-measured_at", "-pk")
    )


def _vitals_view(rows: list[VitalSigns]) -> VitalsView:
    table: list[VitalsRow] = []
    series: dict[vitals.Vital, list[tuple[datetime, Decimal]]] = {v: [] for v in vitals.Vital}
    for signs in rows:
        reading = _reading(signs)
        cells = []
        for v in vitals.Vital:
            value = reading.value(v)
            cells.append(VitalsCell(value=value, flag=vitals.flag(v, value)))
            if value is not None:
                series[v].append((signs.measured_at, value))
        table.append(VitalsRow(signs=signs, cells=cells))
    panels = [vitals_chart.panel(v, series[v]) for v in vitals.Vital]
    return VitalsView(rows=table, panels=[p for p in panels if p is not None])


def _vitals_events(rows: list[VitalSigns]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=signs.measured_at,
            kind=EventKind.VITALS,
            title=vitals_summary(_reading(signs)),
            author=author_name(signs.recorded_by),
            sequence=signs.pk,
        )
        for signs in rows
    ]


LAB_LIMIT = 2000


def _lab_rows(patient_id: int, user: User) -> list[LabResult]:
    return list(_lab_query(patient_id, user)[:LAB_LIMIT])


def _lab_query(patient_id: int, user: User) -> QuerySet[LabResult]:
    """The laboratory results shown to ``user``, newest first; a total order."""
    rows = LabResult.objects.filter(patient_id=patient_id)
    return (
        outside_hidden_stays(rows, user=user, patient_id=patient_id, field="collected_at")
        .select_related("recorded_by")
        .order_by("-collected_at", "-pk")
    )


def _lab_events(rows: list[LabResult]) -> list[TimelineEvent]:
    """One event per collection (the results of one sample together)."""
    by_time: dict[datetime, list[LabResult]] = {}
    for row in rows:
        by_time.setdefault(row.collected_at, []).append(row)
    found = []
    for at, results in list(by_time.items())[:TIMELINE_LIMIT]:
        parts = [
            f"{r.analyte} {str(r.value.normalize()).replace('.', ',')} {r.unit}".strip()
            + (f" {r.flag}" if r.flag else "")
            for r in sorted(results, key=lambda r: r.analyte.casefold())
        ]
        found.append(
            TimelineEvent(
                at=at,
                kind=EventKind.LAB,
                title=" · ".join(parts),
                author=author_name(results[0].recorded_by),
                url=reverse("records:labs", args=[results[0].patient_id]),
            )
        )
    return found


@dataclass(frozen=True)
class LabView:
    patient: Patient
    trends: list[labs.Trend]
    results: list[LabResult]  # newest first
