"""Neutrophil and platelet engraftment days, computed from the daily counts.

* **Neutrophils**: the first of 3 consecutive days with ANC ≥ 0.5 × 10⁹/L.
* **Platelets**: the first of 3 (or 7, ``run_days``) consecutive days with platelets
  ≥ 20 × 10⁹/L, with no platelet transfusion in the 7 days before that first day
  (days d−7 … d−1) nor during the run itself (a transfused count proves nothing).

Sources: EBMT Handbook (2019), ch. "Engraftment"; CIBMTR Forms Instructions, form 2100
"Hematopoietic recovery". Both count from the post-transplant nadir: a count that never
fell below the threshold after day 0 (residual cells of a reduced-intensity
conditioning) is reported as "never below", not as engraftment on day 0.

Rules of the series: a count is keyed by its day relative to day 0, one count a day
(the caller keeps the day's first or lowest, its choice); counts before day 0 are
ignored; a day without a count breaks the consecutive run; transfusions are days too,
and one given before day 0 still counts for the 7 days that follow it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.days import MAX_DAYS, ensure_not_before_day_zero
from corsia.transplant.domain.measures import ensure_decimal

ANC_THRESHOLD = Decimal("0.5")  # × 10⁹/L
PLATELET_THRESHOLD = Decimal(20)  # × 10⁹/L
NEUTROPHIL_RUN = 3
TRANSFUSION_FREE_DAYS = 7
MAX_COUNT = Decimal(5000)  # × 10⁹/L: above it a count is a typing error


class Status(StrEnum):
    ENGRAFTED = "engrafted"
    NOT_YET = "not_yet"  # fell below the threshold, no qualifying run yet
    NEVER_BELOW = "never_below"  # never fell below the threshold after day 0


@dataclass(frozen=True)
class Engraftment:
    status: Status
    day: int | None = None  # the first day of the qualifying run, when engrafted


def _series(counts: Mapping[int, Decimal], *, field: str, label: str) -> dict[int, Decimal]:
    checked: dict[int, Decimal] = {}
    for day, value in counts.items():
        if isinstance(day, bool) or not isinstance(day, int) or abs(day) > MAX_DAYS:
            raise ValidationFailed(
                f"{label}: giorno non valido ({day!s:.10}).", code="count_day_invalid", field=field
            )
        checked[day] = ensure_decimal(value, field=field, label=label, maximum=MAX_COUNT)
    return {day: value for day, value in checked.items() if day >= 0}


def _first_run(
    counts: dict[int, Decimal],
    threshold: Decimal,
    run_days: int,
    usable: frozenset[int] | None = None,
    first_nadir_mark: int | None = None,
) -> Engraftment:
    """The first day starting ``run_days`` consecutive days ≥ ``threshold`` after a nadir.

    ``usable``: the days whose count may stand in a run (not transfusion-tainted); the
    others still show a nadir (a count below) but never start or extend a run.
    ``first_nadir_mark``: a day from which the nadir is known without a count (the
    first platelet transfusion on or after day 0).
    """
    nadir_seen = False
    run_start: int | None = None
    previous: int | None = None
    for day in sorted(counts):
        good = counts[day] >= threshold and (usable is None or day in usable)
        if counts[day] < threshold or (first_nadir_mark is not None and day >= first_nadir_mark):
            nadir_seen = True
        if not nadir_seen or not good:
            run_start = None
        elif run_start is None or previous != day - 1:
            run_start = day
        previous = day
        if run_start is not None and day - run_start + 1 >= run_days:
            return Engraftment(
                Status.ENGRAFTED,
                ensure_not_before_day_zero(run_start, field="engraftment", what="Attecchimento"),
            )
    return Engraftment(Status.NOT_YET if nadir_seen else Status.NEVER_BELOW)


def neutrophil_engraftment(anc: Mapping[int, Decimal]) -> Engraftment:
    """The neutrophil engraftment day from the ANC (× 10⁹/L) keyed by day."""
    counts = _series(anc, field="anc", label="Neutrofili (×10⁹/L)")
    return _first_run(counts, ANC_THRESHOLD, NEUTROPHIL_RUN)


def platelet_engraftment(
    platelets: Mapping[int, Decimal], *, transfusion_days: Iterable[int] = (), run_days: int = 3
) -> Engraftment:
    """The platelet engraftment day from the counts (× 10⁹/L) keyed by day.

    A transfusion after day 0 also marks the nadir: a patient who needed platelets has
    fallen below the threshold even if no count below it was recorded.
    """
    if run_days not in (3, 7):
        raise ValidationFailed(
            "Il periodo di conferma dell'attecchimento piastrinico è di 3 o 7 giorni.",
            code="platelet_run_invalid",
            field="run_days",
        )
    counts = _series(platelets, field="platelets", label="Piastrine (×10⁹/L)")
    transfused = set()
    for day in transfusion_days:
        if isinstance(day, bool) or not isinstance(day, int) or abs(day) > MAX_DAYS:
            raise ValidationFailed(
                "Giorno di trasfusione non valido.",
                code="transfusion_day_invalid",
                field="transfusion_days",
            )
        transfused.add(day)
    # a day is usable when no transfusion fell on it or in the 7 days before it; a run's
    # first day thus has none in d-7 … d-1 and the run none within it
    usable = frozenset(
        day
        for day in counts
        if not any(day - back in transfused for back in range(TRANSFUSION_FREE_DAYS + 1))
    )
    first_mark = min((day for day in transfused if day >= 0), default=None)
    return _first_run(counts, PLATELET_THRESHOLD, run_days, usable, first_mark)
