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

from dataclasses import dataclass
from datetime import date

from corsia.agenda.selectors_statistics import last_access_days
from corsia.records.selectors_statistics import LineStat, lines_for_statistics
from corsia.reports.definitions.clinical_common import ClinicalFilters, keep, scope_of
from corsia.reports.domain.clinical.survival import (
    AtRisk,
    KaplanMeier,
    SurvivalObservation,
    kaplan_meier,
)
from corsia.reports.domain.clinical.survival_chart import SurvivalChart, survival_chart
from corsia.reports.domain.clinical.tallies import Count, count_by

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


def survival(filters: ClinicalFilters) -> SurvivalReport:
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
    responses = count_by(
        cohort.values(), lambda ln: RESPONSE_LABELS.get(ln.best_response, ln.best_response) or ""
    )
    return SurvivalReport(
        len(cohort), _curve("os", os_obs), _curve("pfs", pfs_obs), tuple(responses)
    )
