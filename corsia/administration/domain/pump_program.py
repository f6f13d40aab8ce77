"""The programming packet an infusion pump receives: drug, dose, volume, duration, rate.

Pure arithmetic on ``Decimal``. The rate is ``volume / duration`` in mL/h, rounded half-up to
0.1 mL/h (the resolution of volumetric pumps); the packet is refused when the numbers are
zero, negative, inconsistent or outside the pump's range. ``rate_check`` is the independent
check the pump (and the simulator) applies: rate x duration must give back the volume
within the rounding of the rate plus a relative tolerance.

The dose travels to the pump coded in mg (HL7 RXG-17/18, MDC_DIM_MILLI_G): a dose in
another unit (UI, U, mL) is refused (``pump_dose_unit``) rather than sent as if it were
mg; the caller states the unit of the dose, there is no default.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed

PUMP_DOSE_UNIT = "mg"  # the only dose unit the programme codes (see hl7_pcd.UNIT_MG)
RATE_STEP = Decimal("0.1")
RATE_MIN = Decimal("0.1")
RATE_MAX = Decimal("999.9")
VOLUME_MAX_ML = Decimal("5000")
DURATION_MAX_MIN = 14 * 24 * 60  # two weeks: longer is a data-entry error, not an infusion
# The rate is rounded to 0.1 mL/h, so rate x duration may differ from the volume by up to
# 0.05 mL/h x duration; on top of that we accept 1 % (pump accuracy is ±5 %).
RELATIVE_TOLERANCE = Decimal("0.01")
CONCENTRATION_TOLERANCE = Decimal("0.01")


class PumpProgramRefused(ValidationFailed):
    code = "pump_program_refused"


@dataclass(frozen=True)
class PumpLimits:
    """Settings of the ward's pumps (drug-library limits are the pump's own business)."""

    rate_min_ml_h: Decimal = RATE_MIN
    rate_max_ml_h: Decimal = RATE_MAX
    volume_max_ml: Decimal = VOLUME_MAX_ML
    duration_max_min: int = DURATION_MAX_MIN


@dataclass(frozen=True)
class PumpProgramPacket:
    """What is sent to the pump. ``concentration_mg_ml`` is dose / volume of the final bag."""

    drug_code: str
    drug_name: str
    dose_mg: Decimal
    volume_ml: Decimal
    duration_min: int
    rate_ml_h: Decimal
    concentration_mg_ml: Decimal
    dose_unit: str = PUMP_DOSE_UNIT  # always mg: other units are refused before a packet


def _positive(value: Decimal, *, field: str, label: str) -> None:
    if not value.is_finite() or value <= 0:
        raise PumpProgramRefused(
            f"{label} deve essere maggiore di zero (ricevuto {value}).",
            code=f"{field}_not_positive",
            field=field,
        )


def rate_for(*, volume_ml: Decimal, duration_min: int) -> Decimal:
    """mL/h, rounded half-up to 0.1 mL/h."""
    exact = volume_ml * Decimal(60) / Decimal(duration_min)
    return exact.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def rate_tolerance_ml(*, volume_ml: Decimal, duration_min: int) -> Decimal:
    rounding = (RATE_STEP / 2) * Decimal(duration_min) / Decimal(60)
    return rounding + volume_ml * RELATIVE_TOLERANCE


def rate_check(*, rate_ml_h: Decimal, volume_ml: Decimal, duration_min: int) -> Decimal:
    """Volume the rate delivers over the duration minus the ordered volume, if acceptable.

    Raises :class:`PumpProgramRefused` (``rate_volume_mismatch``) otherwise.
    """
    _positive(rate_ml_h, field="rate_ml_h", label="La velocità")
    _positive(volume_ml, field="volume_ml", label="Il volume")
    if duration_min <= 0:
        raise PumpProgramRefused(
            "La durata deve essere maggiore di zero.",
            code="duration_min_not_positive",
            field="duration_min",
        )
    delivered = rate_ml_h * Decimal(duration_min) / Decimal(60)
    difference = delivered - volume_ml
    allowed = rate_tolerance_ml(volume_ml=volume_ml, duration_min=duration_min)
    if abs(difference) > allowed:
        raise PumpProgramRefused(
            f"La velocità {rate_ml_h} mL/h per {duration_min} min infonde "
            f"{delivered.quantize(Decimal('0.1'))} mL invece di {volume_ml} mL.",
            code="rate_volume_mismatch",
            field="rate_ml_h",
            details={"delivered_ml": str(delivered), "volume_ml": str(volume_ml)},
        )
    return difference


def pump_program_compute(
    *,
    drug_code: str,
    drug_name: str,
    dose_mg: Decimal,
    dose_unit: str,
    volume_ml: Decimal,
    duration_min: int,
    concentration_mg_ml: Decimal | None = None,
    limits: PumpLimits | None = None,
) -> PumpProgramPacket:
    """The packet for one infusion, or a refusal naming the wrong number.

    ``dose_mg`` is the dose in ``dose_unit``; anything but mg is refused (the programme
    would label it mg)."""
    limits = limits or PumpLimits()
    if dose_unit != PUMP_DOSE_UNIT:
        raise PumpProgramRefused(
            f"La dose è in {dose_unit or 'unità non indicata'}: la pompa riceve dosi in mg e "
            "non deve mostrarla come mg. Programmare la pompa a mano (volume e velocità).",
            code="pump_dose_unit",
            field="dose_unit",
        )
    if not drug_code.strip() or not drug_name.strip():
        raise PumpProgramRefused(
            "Il farmaco deve essere indicato (codice e nome).", code="drug_missing", field="drug"
        )
    _positive(dose_mg, field="dose_mg", label="La dose")
    _positive(volume_ml, field="volume_ml", label="Il volume")
    if duration_min <= 0:
        raise PumpProgramRefused(
            "La durata deve essere maggiore di zero.",
            code="duration_min_not_positive",
            field="duration_min",
        )
    if volume_ml > limits.volume_max_ml:
        raise PumpProgramRefused(
            f"Il volume {volume_ml} mL supera il massimo di {limits.volume_max_ml} mL.",
            code="volume_too_large",
            field="volume_ml",
        )
    if duration_min > limits.duration_max_min:
        raise PumpProgramRefused(
            f"La durata {duration_min} min supera il massimo di {limits.duration_max_min} min.",
            code="duration_too_long",
            field="duration_min",
        )
    concentration = dose_mg / volume_ml
    if concentration_mg_ml is not None:
        _positive(concentration_mg_ml, field="concentration_mg_ml", label="La concentrazione")
        if abs(concentration_mg_ml - concentration) > concentration * CONCENTRATION_TOLERANCE:
            raise PumpProgramRefused(
                f"La concentrazione {concentration_mg_ml} mg/mL non corrisponde a dose/volume "
                f"({concentration.quantize(Decimal('0.0001'))} mg/mL).",
                code="concentration_mismatch",
                field="concentration_mg_ml",
            )
    rate = rate_for(volume_ml=volume_ml, duration_min=duration_min)
    if rate < limits.rate_min_ml_h:
        raise PumpProgramRefused(
            f"La velocità calcolata {rate} mL/h è sotto il minimo della pompa "
            f"({limits.rate_min_ml_h} mL/h).",
            code="rate_too_low",
            field="rate_ml_h",
        )
    if rate > limits.rate_max_ml_h:
        raise PumpProgramRefused(
            f"La velocità calcolata {rate} mL/h supera il massimo della pompa "
            f"({limits.rate_max_ml_h} mL/h): verificare volume e durata.",
            code="rate_too_high",
            field="rate_ml_h",
        )
    rate_check(rate_ml_h=rate, volume_ml=volume_ml, duration_min=duration_min)
    return PumpProgramPacket(
        drug_code=drug_code.strip(),
        drug_name=drug_name.strip(),
        dose_mg=dose_mg,
        volume_ml=volume_ml,
        duration_min=duration_min,
        rate_ml_h=rate,
        concentration_mg_ml=concentration.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
    )
