"""The patient's measures a dose is computed from, refused when not physiological.

Accepted ranges (outside them the value is a typing or unit error, not a patient):

==========================  =====================  ===========================
field                       accepted               code when refused
==========================  =====================  ===========================
``weight_kg``               0 < w ≤ 400            ``weight_out_of_range``
``height_cm``               30 ≤ h ≤ 250           ``height_out_of_range``
``age_years``               0 ≤ a ≤ 120            ``age_out_of_range``
``serum_creatinine_mg_dl``  0 < c ≤ 25             ``creatinine_out_of_range``
``measured_gfr_ml_min``     0 < g ≤ 300            ``gfr_out_of_range``
==========================  =====================  ===========================

The creatinine upper bound (25 mg/dL, beyond end-stage renal disease values) catches
a value typed in µmol/L (e.g. 80) into the mg/dL field, which would otherwise
silently give a tiny clearance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal
    low_inclusive: bool
    code: str
    label_it: str
    unit: str

    def contains(self, value: Decimal) -> bool:
        above_low = value >= self.low if self.low_inclusive else value > self.low
        return above_low and value <= self.high

    def describe(self) -> str:
        low = "≥" if self.low_inclusive else ">"
        return f"{low} {self.low} e ≤ {self.high} {self.unit}"


RANGES: dict[str, Range] = {
    "weight_kg": Range(Decimal(0), Decimal(400), False, "weight_out_of_range", "Peso", "kg"),
    "height_cm": Range(Decimal(30), Decimal(250), True, "height_out_of_range", "Altezza", "cm"),
    "age_years": Range(Decimal(0), Decimal(120), True, "age_out_of_range", "Età", "anni"),
    "serum_creatinine_mg_dl": Range(
        Decimal(0), Decimal(25), False, "creatinine_out_of_range", "Creatinina sierica", "mg/dL"
    ),
    "measured_gfr_ml_min": Range(
        Decimal(0), Decimal(300), False, "gfr_out_of_range", "GFR misurato", "mL/min"
    ),
}


def check_range(field: str, value: Decimal) -> Decimal:
    """``value`` if within the physiological range of ``field``, else ValidationFailed."""
    limits = RANGES[field]
    if not value.is_finite() or not limits.contains(value):
        raise ValidationFailed(
            f"{limits.label_it} fuori dall'intervallo fisiologico: {value} {limits.unit} "
            f"(ammesso {limits.describe()}).",
            code=limits.code,
            field=field,
            details={"value": str(value), "low": str(limits.low), "high": str(limits.high)},
        )
    return value


@dataclass(frozen=True)
class PatientMeasures:
    """Today's measures; constructing one with an out-of-range value raises ValidationFailed."""

    sex: Sex
    age_years: Decimal
    height_cm: Decimal
    weight_kg: Decimal
    serum_creatinine_mg_dl: Decimal | None = None
    measured_gfr_ml_min: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sex, Sex):
            raise ValidationFailed(
                "Sesso non valido: indicare F o M.", code="sex_invalid", field="sex"
            )
        for name in ("weight_kg", "height_cm", "age_years"):
            check_range(name, getattr(self, name))
        for name in ("serum_creatinine_mg_dl", "measured_gfr_ml_min"):
            value = getattr(self, name)
            if value is not None:
                check_range(name, value)
