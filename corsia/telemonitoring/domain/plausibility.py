"""Which values a patient must confirm before they are recorded as true (pure).

A value outside the plausible range of its parameter, a weight that moved more than 10 %
since the previous weight of the last 36 hours, a diastolic not below the systolic, or a
device that flagged its own reading as unreliable is *implausible*: it is stored, never
dropped, and counts (for thresholds and alerts) only once the patient confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from corsia.telemonitoring.domain.parameters import Observation, Parameter, italian_number

# Ranges outside which a home measurement is more likely an error than a value.
PLAUSIBLE: dict[Parameter, tuple[Decimal, Decimal]] = {
    Parameter.SYSTOLIC: (Decimal(60), Decimal(260)),
    Parameter.DIASTOLIC: (Decimal(30), Decimal(150)),
    Parameter.MEAN_ARTERIAL: (Decimal(40), Decimal(200)),
    Parameter.HEART_RATE: (Decimal(30), Decimal(220)),
    Parameter.SPO2: (Decimal(70), Decimal(100)),
    Parameter.TEMPERATURE: (Decimal(34), Decimal("42.0")),
    Parameter.WEIGHT: (Decimal(2), Decimal(300)),
}
WEIGHT_DAILY_CHANGE = Decimal("0.10")


@dataclass(frozen=True)
class Doubt:
    parameter: Parameter
    code: str  # stable: out_of_range | weight_change | diastolic_over_systolic | device_flag
    message: str  # Italian, shown to the patient


def _fmt(value: Decimal) -> str:
    return italian_number(value)


def doubts(
    observations: Iterable[Observation],
    *,
    previous_weight: Decimal | None = None,
    device_flags: Iterable[str] = (),
) -> list[Doubt]:
    """The reasons to ask the patient to confirm these values (empty: plausible)."""
    found: list[Doubt] = []
    values = {o.parameter: o.value for o in observations}
    for parameter, value in values.items():
        low, high = PLAUSIBLE[parameter]
        if not low <= value <= high:
            found.append(
                Doubt(
                    parameter,
                    "out_of_range",
                    f"Il valore {_fmt(value)} è fuori dall'intervallo atteso "
                    f"({_fmt(low)}–{_fmt(high)}).",
                )
            )
    systolic, diastolic = values.get(Parameter.SYSTOLIC), values.get(Parameter.DIASTOLIC)
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        found.append(
            Doubt(
                Parameter.DIASTOLIC,
                "diastolic_over_systolic",
                "La pressione minima non è inferiore alla massima.",
            )
        )
    weight = values.get(Parameter.WEIGHT)
    if weight is not None and previous_weight:
        change = abs(weight - previous_weight) / previous_weight
        if change > WEIGHT_DAILY_CHANGE:
            pct = (change * 100).quantize(Decimal(1))
            found.append(
                Doubt(
                    Parameter.WEIGHT,
                    "weight_change",
                    f"Il peso è cambiato del {pct} % rispetto alla pesata precedente "
                    f"({_fmt(previous_weight)} kg).",
                )
            )
    flags = sorted(set(device_flags))
    if flags:
        found.append(
            Doubt(
                next(iter(values)),
                "device_flag",
                "Il dispositivo ha segnalato la misura come non affidabile.",
            )
        )
    return found
