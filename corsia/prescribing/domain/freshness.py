"""How old a measure may be to compute a dose from it, and which renal value wins.

A dose is only as good as the measures it is computed from: a GFR measured two months
ago must not win over this morning's creatinine (a carboplatin AUC 6 of 810 mg instead
of about 313 mg). So:

* each measure has a maximum age for dosing (hospital settings, overridable per
  regimen): renal function (creatinine or measured GFR) before an AUC dose, weight,
  height (longer for adults, shorter for children, who grow);
* of the creatinine and the measured GFR, the NEWER one is the renal function used
  (the older one is ignored, and said so);
* a measure older than its maximum age refuses the dose (``measure_stale``) naming the
  measure and its date; a measure newer than the one the doses used refuses the
  confirmation and the pharmacist's validation (``measures_changed_recalculate``).

Pure: the clock (``now``) and the dates are passed in; dates are shown as given (the
caller passes them in local time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed


class Measure(LabelledCode):
    HEIGHT = "height_cm", "altezza"
    WEIGHT = "weight_kg", "peso"
    CREATININE = "serum_creatinine_mg_dl", "creatinina sierica"
    MEASURED_GFR = "measured_gfr_ml_min", "GFR misurato"


MEASURE_LABELS_IT: dict[Measure, str] = Measure.labels_it()
RENAL = frozenset({Measure.CREATININE, Measure.MEASURED_GFR})


class MeasureStale(ValidationFailed):
    """A measure too old to compute a dose from."""

    code = "measure_stale"


@dataclass(frozen=True)
class Dated:
    value: Decimal
    measured_at: datetime


@dataclass(frozen=True)
class MaxAges:
    """The oldest a measure may be to dose from (hospital settings, regimen overrides)."""

    renal: timedelta = timedelta(hours=72)
    weight: timedelta = timedelta(days=7)
    height_adult: timedelta = timedelta(days=365)
    height_child: timedelta = timedelta(days=90)

    def __post_init__(self) -> None:
        for name in ("renal", "weight", "height_adult", "height_child"):
            if getattr(self, name) <= timedelta(0):
                raise ValidationFailed(
                    "L'età massima di una misura per il dosaggio deve essere positiva.",
                    code="max_age_invalid",
                    field=name,
                )

    def of(self, measure: Measure, *, child: bool) -> timedelta:
        if measure in RENAL:
            return self.renal
        if measure is Measure.WEIGHT:
            return self.weight
        return self.height_child if child else self.height_adult

    def describe(self) -> list[str]:
        return [
            f"Età massima funzione renale (dosi AUC): {_span(self.renal)}",
            f"Età massima peso: {_span(self.weight)}",
            f"Età massima altezza: adulti {_span(self.height_adult)}, "
            f"bambini {_span(self.height_child)}",
        ]


def _span(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    if hours % 24 or hours < 72:
        return f"{hours} h"
    return f"{hours // 24} giorni"


def when_text(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class StaleMeasure:
    """A measure found too old: the refusal to raise when a dose needs it."""

    measure: Measure
    measured_at: datetime
    max_age: timedelta

    def error(self, *, what: str = "il calcolo delle dosi") -> MeasureStale:
        label = MEASURE_LABELS_IT[self.measure]
        return MeasureStale(
            f"Misura «{label}» del {when_text(self.measured_at)} troppo vecchia per "
            f"{what} (ammessa al più {_span(self.max_age)}): registrare un valore "
            "recente e ricalcolare.",
            field=self.measure.value,
            details={
                "measure": self.measure.value,
                "measured_at": self.measured_at.isoformat(),
                "max_age_hours": int(self.max_age.total_seconds() // 3600),
            },
        )


def stale(
    measure: Measure, measured_at: datetime, *, now: datetime, max_ages: MaxAges, child: bool
) -> StaleMeasure | None:
    """The measure if it is older than its maximum age at ``now``, else None."""
    limit = max_ages.of(measure, child=child)
    if now - measured_at > limit:
        return StaleMeasure(measure, measured_at, limit)
    return None


def newest_renal(
    creatinine: Dated | None, measured_gfr: Dated | None
) -> tuple[Measure | None, str]:
    """Which renal value the doses use: the newer of the two (the creatinine on a tie,
    the usual same-day lab value); and a note naming the one ignored, if any."""
    if creatinine is None and measured_gfr is None:
        return None, ""
    if measured_gfr is None:
        return Measure.CREATININE, ""
    if creatinine is None:
        return Measure.MEASURED_GFR, ""
    if measured_gfr.measured_at > creatinine.measured_at:
        return Measure.MEASURED_GFR, (
            f"Creatinina del {when_text(creatinine.measured_at)} non usata: il GFR misurato "
            f"del {when_text(measured_gfr.measured_at)} è più recente."
        )
    return Measure.CREATININE, (
        f"GFR misurato del {when_text(measured_gfr.measured_at)} non usato: la creatinina "
        f"del {when_text(creatinine.measured_at)} è più recente."
    )


@dataclass(frozen=True)
class NewerMeasure:
    measure: Measure
    used_at: datetime | None
    newer_at: datetime
    used_value: Decimal | None
    newer_value: Decimal


def newer_measures_error(newer: list[NewerMeasure], *, stage: str) -> ValidationFailed:
    """The refusal when measures newer than the doses' exist (recalculation needed)."""
    parts = [
        f"{MEASURE_LABELS_IT[n.measure]} {n.newer_value} del {when_text(n.newer_at)}" for n in newer
    ]
    return ValidationFailed(
        f"Dopo il calcolo delle dosi sono state registrate nuove misure ({'; '.join(parts)}): "
        f"ricalcolare le dosi prima di {stage}.",
        code="measures_changed_recalculate",
        field=newer[0].measure.value,
        details={"measures": [n.measure.value for n in newer]},
    )
