"""Kaplan–Meier survival with its confidence band and the numbers at risk.

The estimator is statsmodels' ``SurvfuncRight`` (product-limit estimate, Greenwood standard
error, median with the Brookmeyer–Crowley interval on the complementary log-log scale):
nothing here re-implements it. The pointwise 95% band is the log(-log) transform of the
library's Greenwood error (Kalbfleisch–Prentice; R's ``conf.type="log-log"``), which stays
inside [0, 1]. Times are whole days (or any unit the caller chooses, the same for every
observation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class SurvivalObservation:
    """One patient: ``time`` from the origin (e.g. start of the line) to the event or to the
    last news of them, ``event`` True when the event happened (death, progression), False
    when the observation is censored."""

    time: float
    event: bool


@dataclass(frozen=True, slots=True)
class SurvivalStep:
    """The curve just after ``time``: survival, its 95% band, at risk and events there."""

    time: float
    survival: float
    lower: float
    upper: float
    at_risk: int
    events: int


@dataclass(frozen=True, slots=True)
class AtRisk:
    time: float
    at_risk: int


@dataclass(frozen=True, slots=True)
class KaplanMeier:
    patients: int
    events: int
    censored: int
    steps: tuple[SurvivalStep, ...]
    median: float | None  # None: the curve never reaches 0.5
    median_lower: float | None
    median_upper: float | None  # None: not reached (the upper limit is infinite)

    def survival_at(self, time: float) -> float:
        """The estimate at ``time`` (right-continuous step: an event at ``time`` counts)."""
        value = 1.0
        for step in self.steps:
            if step.time > time:
                break
            value = step.survival
        return value

    def band_at(self, time: float) -> tuple[float, float]:
        band = (1.0, 1.0)
        for step in self.steps:
            if step.time > time:
                break
            band = (step.lower, step.upper)
        return band

    def at_risk_at(
        self, times: Sequence[float], observations: Sequence[SurvivalObservation]
    ) -> tuple[AtRisk, ...]:
        """Patients still followed (no event nor censoring before ``t``) at each time: the
        table printed under the curve."""
        return tuple(AtRisk(t, sum(1 for o in observations if o.time >= t)) for t in times)


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) or math.isinf(value) else float(value)


def _log_log_band(survival: float, se: float) -> tuple[float, float]:
    if survival >= 1.0 or survival <= 0.0 or se == 0.0 or math.isnan(se):
        return (survival, survival)
    theta = Z_95 * se / (survival * math.log(survival))
    return (survival ** math.exp(-theta), survival ** math.exp(theta))


def kaplan_meier(observations: Sequence[SurvivalObservation]) -> KaplanMeier:
    """The Kaplan–Meier estimate of ``observations`` (at least one)."""
    if not observations:
        raise ValueError("no observations")
    if any(o.time < 0 for o in observations):
        raise ValueError("negative time")
    import numpy as np

    # (heavy import, only when used)
    from statsmodels.duration.survfunc import SurvfuncRight  # type: ignore[import-untyped]

    times = [float(o.time) for o in observations]
    status = [1 if o.event else 0 for o in observations]
    events = sum(status)
    fit = SurvfuncRight(times, status)
    steps = []
    for i, t in enumerate(fit.surv_times):
        s = float(fit.surv_prob[i])
        lower, upper = _log_log_band(s, float(fit.surv_prob_se[i]))
        steps.append(
            SurvivalStep(
                time=float(t),
                survival=s,
                lower=lower,
                upper=upper,
                at_risk=int(fit.n_risk[i]),
                events=int(fit.n_events[i]),
            )
        )
    median = median_lower = median_upper = None
    if events and min(st.survival for st in steps) <= 0.5:
        median = _finite(fit.quantile(0.5))
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at a curve reaching 0
            low, high = fit.quantile_ci(0.5)
        median_lower, median_upper = _finite(low), _finite(high)
    return KaplanMeier(
        patients=len(observations),
        events=events,
        censored=len(observations) - events,
        steps=tuple(steps),
        median=median,
        median_lower=median_lower,
        median_upper=median_upper,
    )
