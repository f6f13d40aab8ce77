"""Preparation timing (capitolato §21): from take-in-charge to release, from release to the
start of the administration, and end to end — the median and the 90th and 95th
percentiles in minutes (nearest rank, ``domain/stats.py``). Read through compounding's
``selectors_reports.preparation_times`` and administration's ``given.administration_starts_us``
(the administration's label is the preparation's)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from corsia.administration.given import administration_starts_us
from corsia.compounding.selectors_reports import preparation_times
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
from corsia.reports.domain.stats import percentile
from corsia.reports.permissions import PHARMACY

TENTH = Decimal("0.1")


def _minutes(seconds: int) -> Decimal:
    return (Decimal(seconds) / 60).quantize(TENTH, ROUND_HALF_UP)


def _seconds(start_us: int, end_us: int) -> int:
    """Whole seconds from one instant to the other, truncated toward zero (as
    ``int(timedelta.total_seconds())``, the same float division)."""
    return int((end_us - start_us) / 10**6)


def _row(stage: str, seconds: list[int]) -> tuple[Value, ...]:
    """The count and the percentiles: taken on the seconds, then brought to minutes
    (a non-decreasing map, so the rank picks the same value)."""
    seconds.sort()  # once: each percentile's own sort then finds it in order
    chosen = [percentile(seconds, p) for p in (50, 90, 95)]
    return (stage, len(seconds), *(None if s is None else _minutes(s) for s in chosen))


def _run(params: Params, progress: Progress) -> ReportResult:
    since, until = period(params)
    preps = preparation_times(since=since, until=until, ingredient_id=params.drug_id)
    given = administration_starts_us(labels=[p.label_code for p in preps])
    to_release: list[int] = []
    to_bedside: list[int] = []
    end_to_end: list[int] = []
    for prep in preps:
        started = given.get(prep.label_code)
        if prep.released_us is not None:
            to_release.append(_seconds(prep.taken_us, prep.released_us))
            if started is not None:
                to_bedside.append(_seconds(prep.released_us, started))
        if started is not None:
            end_to_end.append(_seconds(prep.taken_us, started))
    return ReportResult(
        columns=(
            Column("stage", "Fase"),
            Column("count", "Preparazioni", ColumnType.INTEGER),
            Column("p50", "Mediana", ColumnType.DECIMAL, "min"),
            Column("p90", "90° percentile", ColumnType.DECIMAL, "min"),
            Column("p95", "95° percentile", ColumnType.DECIMAL, "min"),
        ),
        rows=(
            _row("Dalla presa in carico al rilascio", to_release),
            _row("Dal rilascio all'inizio della somministrazione", to_bedside),
            _row("Dalla presa in carico alla somministrazione", end_to_end),
        ),
        notes=(
            f"Preparazioni prese in carico nel periodo: {len(preps)}.",
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
