"""Preparation timing (capitolato §21): from take-in-charge to release, from release to the
start of the administration, and end to end — the median and the 90th and 95th
percentiles in minutes (nearest rank, as ``domain/stats.py``'s ``percentile``). One read:
compounding's ``selectors_reports.preparation_timing``, whose counts and percentiles (in
whole seconds) PostgreSQL computes over the preparation's own instants — the first start
of its administration is kept on the preparation by the bedside's service."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from corsia.compounding.selectors_reports import StageSeconds, preparation_timing
from corsia.reports.definitions.pharmacy import AREA, period
from corsia.reports.domain.definition import (
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
)
from corsia.reports.domain.registry import register
from corsia.reports.permissions import PHARMACY

TENTH = Decimal("0.1")


def _minutes(seconds: int) -> Decimal:
    return (Decimal(seconds) / 60).quantize(TENTH, ROUND_HALF_UP)


def _row(stage: str, seconds: StageSeconds) -> tuple[Value, ...]:
    """The count and the percentiles: taken on the whole seconds, then brought to minutes
    (a non-decreasing map, so the rank picks the same value)."""
    chosen = (seconds.p50, seconds.p90, seconds.p95)
    return (stage, seconds.count, *(None if s is None else _minutes(s) for s in chosen))


def _run(params: Params, progress: Progress) -> ReportResult:
    since, until = period(params)
    timing = preparation_timing(since=since, until=until, ingredient_id=params.drug_id)
    return ReportResult(
        columns=(
            Column("stage", "Fase"),
            Column("count", "Preparazioni", ColumnType.INTEGER),
            Column("p50", "Mediana", ColumnType.DECIMAL, "min"),
            Column("p90", "90° percentile", ColumnType.DECIMAL, "min"),
            Column("p95", "95° percentile", ColumnType.DECIMAL, "min"),
        ),
        rows=(
            _row("Dalla presa in carico al rilascio", timing.to_release),
            _row("Dal rilascio all'inizio della somministrazione", timing.to_bedside),
            _row("Dalla presa in carico alla somministrazione", timing.end_to_end),
        ),
        notes=(
            f"Preparazioni prese in carico nel periodo: {timing.preparations}.",
            "Presa in carico: creazione della preparazione (compounding.Preparation."
            "created_at); rilascio: released_at; somministrazione: il primo inizio "
            "registrato al letto con l'etichetta della preparazione. Percentili per rango "
            "più vicino.",
        ),
    )


TIMING = register(
    ReportDefinition(
        code="pharmacy_timing",
        title="Tempi di allestimento",
        description=(
            "Quanto passa dalla presa in carico al rilascio e dal rilascio alla "
            "somministrazione: mediana, 90° e 95° percentile in minuti."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.DRUG}),
        run=_run,
    )
)
