"""Alert thresholds per parameter: the defaults, a team's per-patient limits, and the
check of a value against them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.telemonitoring.domain.parameters import LABELS, UNITS, Parameter, italian_number


@dataclass(frozen=True)
class Limits:
    low: Decimal | None
    high: Decimal | None


# Defaults for an adult on chemotherapy, until the team sets the patient's own.
DEFAULT_LIMITS: dict[Parameter, Limits] = {
    Parameter.SYSTOLIC: Limits(Decimal(90), Decimal(180)),
    Parameter.DIASTOLIC: Limits(None, Decimal(110)),
    Parameter.MEAN_ARTERIAL: Limits(None, None),
    Parameter.HEART_RATE: Limits(Decimal(50), Decimal(120)),
    Parameter.SPO2: Limits(Decimal(92), None),
    Parameter.TEMPERATURE: Limits(Decimal("35.5"), Decimal("37.9")),
    Parameter.WEIGHT: Limits(None, None),
}


@dataclass(frozen=True)
class Breach:
    parameter: Parameter
    value: Decimal
    limit: Decimal
    above: bool
    urgent: bool
    message: str  # Italian, for the team's worklist


def check(
    parameter: Parameter, value: Decimal, limits: Limits, *, after_chemotherapy: bool
) -> Breach | None:
    """The breach of ``limits`` by ``value``, or ``None``. A fever (≥ 38 °C) after
    chemotherapy is always urgent (febrile neutropenia until proven otherwise)."""
    if limits.low is not None and limits.low > value:
        above, limit = False, limits.low
    elif limits.high is not None and value > limits.high:
        above, limit = True, limits.high
    else:
        return None
    urgent = parameter is Parameter.TEMPERATURE and above and value >= 38 and after_chemotherapy
    urgent = urgent or (parameter is Parameter.SPO2 and value < 90)
    word = "sopra" if above else "sotto"
    unit = UNITS[parameter]
    return Breach(
        parameter=parameter,
        value=value,
        limit=limit,
        above=above,
        urgent=urgent,
        message=f"{LABELS[parameter]} {italian_number(value)} {unit}: {word} la soglia "
        f"({italian_number(limit)} {unit})",
    )


def validate_limits(low: Decimal | None, high: Decimal | None) -> str | None:
    """The Italian reason ``low``/``high`` cannot be a threshold, or ``None``."""
    if low is None and high is None:
        return "Indica almeno una soglia."
    if low is not None and high is not None and low >= high:
        return "La soglia inferiore deve essere minore di quella superiore."
    for value in (low, high):
        if value is not None and (value < 0 or value > 1000):
            return "Soglia fuori scala."
    return None
