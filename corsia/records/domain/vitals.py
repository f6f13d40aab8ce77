"""Vital signs: what a reading may be (hard limits) and when it deserves attention (soft
flags). Pure.

Hard limits refuse a value no living patient shows, almost always a typing slip (37.5 typed
375, 120 typed 1200); nothing is saved. They are deliberately wide: a value inside them but
extreme is recorded and flagged, never refused.

=================  =========  ==========  =============================================
parameter          unit       hard limit  reason
=================  =========  ==========  =============================================
systolic BP        mmHg       40–300      below 40 no cuff reading; 300 above any crisis
diastolic BP       mmHg       20–200      and always below the systolic
heart rate         bpm        20–300      extreme bradycardia / supraventricular tachycardia
temperature        °C         25.0–45.0   deep accidental hypothermia / lethal hyperthermia
respiratory rate   breaths/m  2–80        agonal breathing / neonatal tachypnoea
SpO2               %          0–100       a saturation, by definition
pain               NRS        0–10        the numeric rating scale's own range
=================  =========  ==========  =============================================

Soft flags follow the bands scored 0 by the National Early Warning Score 2 (Royal College
of Physicians, *National Early Warning Score (NEWS) 2: Standardising the assessment of
acute-illness severity in the NHS*, London 2017, chart 1): respiratory rate 12–20,
SpO2 ≥ 96 % (scale 1), systolic 111–219 mmHg, heart rate 51–90 bpm, temperature
36.1–38.0 °C. The diastolic is not scored by NEWS2: flagged outside 50–89 mmHg (89: below
the grade-1 hypertension threshold of 90 mmHg, 2018 ESC/ESH guidelines, Eur Heart J
2018;39:3021). Pain ≥ 4 on the NRS is flagged (moderate or worse; the WHO analgesic
ladder's step 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed


class Vital(StrEnum):
    SYSTOLIC = "systolic_bp"
    DIASTOLIC = "diastolic_bp"
    HEART_RATE = "heart_rate"
    TEMPERATURE = "temperature_c"
    RESPIRATORY_RATE = "respiratory_rate"
    SPO2 = "spo2"
    PAIN = "pain_nrs"


@dataclass(frozen=True)
class VitalSpec:
    label_it: str
    unit: str
    low: Decimal  # hard limits, inclusive
    high: Decimal
    normal_low: Decimal | None  # soft flags: outside [normal_low, normal_high] is flagged
    normal_high: Decimal | None
    decimals: int  # 1 for the temperature, whole numbers otherwise


D = Decimal
SPECS: dict[Vital, VitalSpec] = {
    Vital.SYSTOLIC: VitalSpec("Pressione sistolica", "mmHg", D(40), D(300), D(111), D(219), 0),
    Vital.DIASTOLIC: VitalSpec("Pressione diastolica", "mmHg", D(20), D(200), D(50), D(89), 0),
    Vital.HEART_RATE: VitalSpec("Frequenza cardiaca", "bpm", D(20), D(300), D(51), D(90), 0),
    Vital.TEMPERATURE: VitalSpec("Temperatura", "°C", D(25), D(45), D("36.1"), D("38.0"), 1),
    Vital.RESPIRATORY_RATE: VitalSpec(
        "Frequenza respiratoria", "atti/min", D(2), D(80), D(12), D(20), 0
    ),
    Vital.SPO2: VitalSpec("Saturazione (SpO₂)", "%", D(0), D(100), D(96), None, 0),
    Vital.PAIN: VitalSpec("Dolore (NRS)", "/10", D(0), D(10), None, D(3), 0),
}


class Flag(LabelledCode):
    LOW = "low", "basso"
    HIGH = "high", "alto"


FLAG_LABELS_IT = Flag.labels_it()


def _number(raw: object, vital: Vital) -> Decimal:
    spec = SPECS[vital]
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"{spec.label_it}: valore non numerico.", code="vital_invalid", field=vital.value
        ) from None
    if not value.is_finite():
        raise ValidationFailed(
            f"{spec.label_it}: valore non numerico.", code="vital_invalid", field=vital.value
        )
    return value


def checked_value(vital: Vital, raw: object) -> Decimal:
    """The reading rounded to its precision, or ValidationFailed (``vital_out_of_range``)
    with the Italian message naming the limits."""
    spec = SPECS[vital]
    value = _number(raw, vital)
    if spec.decimals == 0 and value != value.to_integral_value():
        raise ValidationFailed(
            f"{spec.label_it}: indica un numero intero.", code="vital_invalid", field=vital.value
        )
    if not spec.low <= value <= spec.high:
        raise ValidationFailed(
            f"{spec.label_it} {value} {spec.unit} fuori dai limiti fisiologici "
            f"({spec.low}–{spec.high} {spec.unit}): controlla il valore.",
            code="vital_out_of_range",
            field=vital.value,
        )
    return value.quantize(Decimal(1).scaleb(-spec.decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VitalReading:
    """One set of vital signs taken together; any may be missing, not all."""

    systolic_bp: Decimal | None = None
    diastolic_bp: Decimal | None = None
    heart_rate: Decimal | None = None
    temperature_c: Decimal | None = None
    respiratory_rate: Decimal | None = None
    spo2: Decimal | None = None
    pain_nrs: Decimal | None = None

    def value(self, vital: Vital) -> Decimal | None:
        found: Decimal | None = getattr(self, vital.value)
        return found

    def is_empty(self) -> bool:
        return all(self.value(v) is None for v in Vital)


def checked_reading(raw: dict[Vital, object | None]) -> VitalReading:
    """Every value within its hard limits, the systolic above the diastolic, at least one
    value; otherwise ValidationFailed (the first problem found, on its field)."""
    values: dict[str, Decimal | None] = {}
    for vital in Vital:
        given = raw.get(vital)
        empty = given is None or (isinstance(given, str) and not given.strip())
        values[vital.value] = None if empty else checked_value(vital, given)
    reading = VitalReading(**values)
    if reading.is_empty():
        raise ValidationFailed(
            "Indica almeno un parametro vitale.", code="vitals_empty", field="systolic_bp"
        )
    systolic, diastolic = reading.systolic_bp, reading.diastolic_bp
    if (systolic is None) != (diastolic is None):
        raise ValidationFailed(
            "Indica sia la pressione sistolica sia la diastolica.",
            code="blood_pressure_incomplete",
            field="diastolic_bp" if diastolic is None else "systolic_bp",
        )
    if systolic is not None and diastolic is not None and systolic <= diastolic:
        raise ValidationFailed(
            "La pressione sistolica deve essere maggiore della diastolica.",
            code="blood_pressure_inverted",
            field="systolic_bp",
        )
    return reading


def flag(vital: Vital, value: Decimal | None) -> Flag | None:
    """Soft flag: LOW/HIGH outside the normal band (module docstring), else None."""
    if value is None:
        return None
    spec = SPECS[vital]
    if spec.normal_low is not None and value < spec.normal_low:
        return Flag.LOW
    if spec.normal_high is not None and value > spec.normal_high:
        return Flag.HIGH
    return None


def flags(reading: VitalReading) -> dict[Vital, Flag]:
    found = {v: flag(v, reading.value(v)) for v in Vital}
    return {v: f for v, f in found.items() if f is not None}
