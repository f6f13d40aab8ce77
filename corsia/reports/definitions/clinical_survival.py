"""Survival and response where the chart records them: overall survival and
progression-free survival from the start of the first treatment line, by Kaplan–Meier
(statsmodels) with its 95% band, the numbers at risk, and the best response per line.

The cohort: patients whose first treatment line (recorded in the chart's course) started
in the period (of the regimen filter: the first line of that regimen). Death is a line
ended for death; progression a response evaluated PD (RECIST, Lugano) or PMD, or a line
ended for progression. A patient without the event is censored at the last news of them
on or before the period's last day: the latest of the lines' ends, the response
evaluations and the attended accesses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from corsia.agenda.selectors_statistics import last_access_days
from corsia.records.selectors_statistics import LineStat, lines_for_statistics
from corsia.reports.definitions.clinical_common import (
    AREA,
    PERMISSION,
    ClinicalFilters,
    filters_of,
    keep,
    scope_of,
)
from corsia.reports.domain.clinical.survival import (
    AtRisk,
    KaplanMeier,
    SurvivalObservation,
    kaplan_meier,
)
from corsia.reports.domain.clinical.survival_chart import SurvivalChart, survival_chart
from corsia.reports.domain.clinical.tallies import Count, count_by
from corsia.reports.domain.definition import (
    ChartSpec,
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
    rows_tuple,
)
from corsia.reports.domain.registry import register

DAYS_PER_MONTH = 30.4375
RESPONSE_LABELS = {
    "cr": "Risposta completa (CR)",
    "pr": "Risposta parziale (PR)",
    "sd": "Malattia stabile (SD)",
    "non_cr_non_pd": "Né CR né PD",
    "pd": "Progressione (PD)",
    "": "non valutata",
}


@dataclass(frozen=True, slots=True)
class SurvivalCurve:
    endpoint: str  # "os" | "pfs"
    km: KaplanMeier | None  # None: no patient in the cohort
    at_risk: tuple[AtRisk, ...]
    chart: SurvivalChart | None
    observations: tuple[SurvivalObservation, ...]  # months


@dataclass(frozen=True, slots=True)
class SurvivalReport:
    patients: int
    os: SurvivalCurve
    pfs: SurvivalCurve
    best_response: tuple[Count, ...]  # of the cohort's first lines
    patient_ids: tuple[int, ...] = ()


def _months(first: date, last: date) -> float:
    return round((last - first).days / DAYS_PER_MONTH, 4)


def _curve(endpoint: str, observations: list[SurvivalObservation]) -> SurvivalCurve:
    if not observations:
        return SurvivalCurve(endpoint, None, (), None, ())
    km = kaplan_meier(observations)
    longest = max(o.time for o in observations)
    step = 3.0 if longest <= 24 else 6.0 if longest <= 60 else 12.0
    t_max = max(step, step * (int(longest // step) + 1))
    times = [i * step for i in range(int(t_max // step) + 1)]
    chart = survival_chart(
        km, censor_times=[o.time for o in observations if not o.event], t_max=t_max, x_step=step
    )
    return SurvivalCurve(
        endpoint, km, km.at_risk_at(times, observations), chart, tuple(observations)
    )


def _cohort(filters: ClinicalFilters) -> tuple[dict[int, LineStat], dict[int, list[LineStat]]]:
    """The cohort (each patient's first line, started in the period) and every patient's
    lines."""
    scope = scope_of(filters)
    lines = lines_for_statistics(started_until=filters.last)
    by_patient: dict[int, list[LineStat]] = {}
    for line in lines:
        by_patient.setdefault(line.patient_id, []).append(line)
    cohort: dict[int, LineStat] = {}
    for patient_id, own in by_patient.items():
        candidates = [ln for ln in own if not filters.regimen or ln.regimen_code == filters.regimen]
        if not candidates:
            continue
        first = min(candidates, key=lambda ln: (ln.started_on, ln.number))
        if first.started_on in filters.period and keep(patient_id, scope):
            cohort[patient_id] = first
    return cohort, by_patient


def _best_responses(cohort: dict[int, LineStat]) -> tuple[Count, ...]:
    return tuple(
        count_by(
            cohort.values(),
            lambda ln: RESPONSE_LABELS.get(ln.best_response, ln.best_response) or "",
        )
    )


@dataclass(frozen=True, slots=True)
class BestResponses:
    patients: int
    best_response: tuple[Count, ...]  # of the cohort's first lines
    patient_ids: tuple[int, ...] = ()


def best_responses(filters: ClinicalFilters) -> BestResponses:
    """The best response of the cohort's first lines, as ``survival`` counts them, without
    the survival curves (nor their statistics library)."""
    cohort, _ = _cohort(filters)
    return BestResponses(len(cohort), _best_responses(cohort), tuple(sorted(cohort)))


def survival(filters: ClinicalFilters) -> SurvivalReport:
    cohort, by_patient = _cohort(filters)
    last_access = last_access_days(patient_ids=list(cohort), until=filters.last)
    os_obs: list[SurvivalObservation] = []
    pfs_obs: list[SurvivalObservation] = []
    for patient_id, first in sorted(cohort.items()):
        later = [ln for ln in by_patient[patient_id] if ln.started_on >= first.started_on]
        death = min((ln.ended_on for ln in later if ln.died and ln.ended_on), default=None)
        if death is not None and death > filters.last:
            death = None
        progression = min((ln.progressed_on for ln in later if ln.progressed_on), default=None)
        if progression is not None and progression > filters.last:
            progression = None
        news = [first.started_on]
        news += [ln.ended_on for ln in later if ln.ended_on and ln.ended_on <= filters.last]
        news += [ln.last_evaluated_on for ln in later if ln.last_evaluated_on]
        if patient_id in last_access:
            news.append(last_access[patient_id])
        last_news = min(max(d for d in news if d <= filters.last), filters.last)
        if death is not None:
            os_obs.append(SurvivalObservation(_months(first.started_on, death), True))
        else:
            os_obs.append(SurvivalObservation(_months(first.started_on, last_news), False))
        pfs_event = min((d for d in (death, progression) if d is not None), default=None)
        if pfs_event is not None:
            pfs_obs.append(SurvivalObservation(_months(first.started_on, pfs_event), True))
        else:
            pfs_obs.append(SurvivalObservation(_months(first.started_on, last_news), False))
    return SurvivalReport(
        len(cohort),
        _curve("os", os_obs),
        _curve("pfs", pfs_obs),
        _best_responses(cohort),
        tuple(sorted(cohort)),
    )


# --- the definitions ------------------------------------------------------------------------

ENDPOINTS = {
    "os": "Sopravvivenza globale (OS)",
    "pfs": "Sopravvivenza libera da progressione (PFS)",
}


def _pct(value: float) -> Decimal:
    return Decimal(str(round(value * 100, 1)))


def _curve_rows(curve: SurvivalCurve) -> list[tuple[Value, ...]]:
    """The life table: one row at 0 and one per time an event or a censoring happened."""
    km = curve.km
    if km is None:
        return []
    times = sorted({o.time for o in curve.observations})
    rows: list[tuple[Value, ...]] = [
        (Decimal(0), len(curve.observations), 0, 0, Decimal(100), Decimal(100), Decimal(100))
    ]
    for t in times:
        at_risk = sum(1 for o in curve.observations if o.time >= t)
        events = sum(1 for o in curve.observations if o.time == t and o.event)
        censored = sum(1 for o in curve.observations if o.time == t and not o.event)
        low, high = km.band_at(t)
        rows.append(
            (
                Decimal(str(round(t, 2))),
                at_risk,
                events,
                censored,
                _pct(km.survival_at(t)),
                _pct(low),
                _pct(high),
            )
        )
    return rows


def _it(value: float) -> str:
    """One decimal with the Italian comma."""
    return f"{value:.1f}".replace(".", ",")


def _notes(curve: SurvivalCurve) -> tuple[str, ...]:
    km = curve.km
    if km is None:
        return ("Nessun paziente nel periodo scelto.",)
    if km.median is None:
        median = "mediana non raggiunta"
    else:
        upper = "non raggiunto" if km.median_upper is None else _it(km.median_upper)
        lower = "—" if km.median_lower is None else _it(km.median_lower)
        median = f"mediana {_it(km.median)} mesi (IC 95% {lower}–{upper})"
    at_risk = " · ".join(f"{r.time:g} mesi: {r.at_risk}".replace(".", ",") for r in curve.at_risk)
    return (
        f"{km.patients} pazienti, {km.events} eventi, {km.censored} censurati; {median}.",
        f"Numeri a rischio — {at_risk}.",
        "Kaplan–Meier (statsmodels SurvfuncRight), banda di confidenza puntuale al 95% "
        "su scala log(-log); tempo in mesi dall'inizio della prima linea.",
    )


def _survival_run(endpoint: str) -> Callable[[Params, Progress], ReportResult]:
    def run(params: Params, progress: Progress) -> ReportResult:
        report = survival(filters_of(params))
        curve = report.os if endpoint == "os" else report.pfs
        return ReportResult(
            columns=(
                Column("months", "Mesi", ColumnType.DECIMAL, source="records.TreatmentLine"),
                Column("at_risk", "A rischio", ColumnType.INTEGER),
                Column("events", "Eventi", ColumnType.INTEGER),
                Column("censored", "Censurati", ColumnType.INTEGER),
                Column("survival", "Sopravvivenza", ColumnType.PERCENT),
                Column("lower", "IC 95% inferiore", ColumnType.PERCENT),
                Column("upper", "IC 95% superiore", ColumnType.PERCENT),
            ),
            rows=rows_tuple(_curve_rows(curve)),
            chart=ChartSpec(
                "step", "months", ("survival", "lower", "upper", "censored"), ENDPOINTS[endpoint]
            ),
            notes=_notes(curve),
            patient_ids=frozenset(report.patient_ids),
        )

    return run


def _response_run(params: Params, progress: Progress) -> ReportResult:
    report = best_responses(filters_of(params))
    return ReportResult(
        columns=(
            Column(
                "response",
                "Migliore risposta",
                source="records.ResponseEvaluation (RECIST 1.1, Lugano 2014)",
            ),
            Column("patients", "Pazienti", ColumnType.INTEGER),
        ),
        rows=rows_tuple([(c.label, c.count) for c in report.best_response]),
        chart=ChartSpec("bar", "response", ("patients",), "Migliore risposta alla prima linea"),
        notes=(f"Pazienti con la prima linea iniziata nel periodo: {report.patients}.",),
        patient_ids=frozenset(report.patient_ids),
    )


for _endpoint, _title in ENDPOINTS.items():
    register(
        ReportDefinition(
            code=f"clinical_survival_{_endpoint}",
            title=_title,
            description="Curva di Kaplan–Meier con banda di confidenza al 95% e numeri a "
            "rischio, dei pazienti la cui prima linea di terapia è iniziata nel periodo.",
            permission=PERMISSION,
            area=AREA,
            filters=frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG}),
            run=_survival_run(_endpoint),
            holds_patient_data=True,
        )
    )
register(
    ReportDefinition(
        code="clinical_best_response",
        title="Migliore risposta alla prima linea",
        description="La migliore risposta valutata (RECIST 1.1, Lugano 2014) dei pazienti la "
        "cui prima linea è iniziata nel periodo.",
        permission=PERMISSION,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG}),
        run=_response_run,
        holds_patient_data=True,
    )
)
