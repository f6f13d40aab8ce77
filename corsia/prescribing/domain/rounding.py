"""Rounding of a calculated dose and dose banding.

Rounding is ROUND_HALF_UP (a dose exactly half-way goes up: 312.5 mg to the 5 mg
step gives 315 mg), either to a number of decimals or to a step in mg or in mL of
the reconstituted product (the latter needs the concentration). A rounded dose is
never more than half a step from the calculated one.

Dose banding (as in the NHS national dose-banding tables): a table of bands
[lower, upper) each with its standard dose; the calculated dose falling in a band is
replaced by the band's dose when the deviation does not exceed the table's maximum.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.provenance import Step, format_input
from corsia.prescribing.domain.quantity import AmountUnit, conversion_factor


class StepUnit(StrEnum):
    """The unit of a rounding step: an amount (converted to the dose's unit before rounding,
    so a 0.5 g step rounds a mg dose to 500 mg) or mL of the reconstituted product."""

    MG = "mg"
    G = "g"
    MCG = "mcg"
    UI = "UI"
    U = "U"
    ML = "mL"


@dataclass(frozen=True)
class RoundingRule:
    """Exactly one of ``decimals`` or ``step``; ``step_unit`` mL needs a concentration."""

    decimals: int | None = None
    step: Decimal | None = None
    step_unit: StepUnit = StepUnit.MG

    def __post_init__(self) -> None:
        if (self.decimals is None) == (self.step is None):
            raise ValidationFailed(
                "Regola di arrotondamento: indicare i decimali oppure il passo, non entrambi.",
                code="rounding_rule_invalid",
                field="rounding",
            )
        if self.decimals is not None and not 0 <= self.decimals <= 4:
            raise ValidationFailed(
                "Decimali di arrotondamento ammessi: da 0 a 4.",
                code="rounding_rule_invalid",
                field="rounding.decimals",
            )
        if self.step is not None and not (self.step.is_finite() and self.step > 0):
            raise ValidationFailed(
                "Il passo di arrotondamento deve essere positivo.",
                code="rounding_rule_invalid",
                field="rounding.step",
            )

    def describe(self) -> str:
        if self.decimals is not None:
            return f"{self.decimals} decimali"
        assert self.step is not None
        return f"passo {format_input(self.step)} {self.step_unit.value}"


def round_half_up_to_step(value: Decimal, step: Decimal) -> Decimal:
    """The multiple of ``step`` nearest to ``value``, halves going up."""
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def round_dose(
    dose: Decimal,
    rule: RoundingRule,
    *,
    concentration_mg_per_ml: Decimal | None = None,
    unit: AmountUnit = AmountUnit.MG,
) -> Step:
    """The dose (in ``unit``) rounded by ``rule``, with its provenance.

    A step in another unit is converted to ``unit`` first (0.5 g -> 500 mg); a step in a
    unit that does not convert (mg for a dose in UI) is refused, never applied as is.
    A step in mL is for a mg dose (the concentration is in mg/mL) or a dose in mL.
    """
    if rule.decimals is not None:
        value = dose.quantize(Decimal(1).scaleb(-rule.decimals), rounding=ROUND_HALF_UP)
        expression = f"arrotonda({format_input(dose)}, {rule.decimals} decimali)"
    elif rule.step_unit is not StepUnit.ML or unit is AmountUnit.ML:
        assert rule.step is not None
        step_unit = AmountUnit(rule.step_unit.value)
        try:
            step = rule.step * conversion_factor(step_unit, unit)
        except ValidationFailed:
            raise ValidationFailed(
                f"Passo di arrotondamento in {step_unit.value}: non applicabile a una dose "
                f"in {unit.value}.",
                code="rounding_unit_incompatible",
                field="rounding.step_unit",
            ) from None
        value = round_half_up_to_step(dose, step)
        converted = "" if step_unit is unit else f" = {format_input(step)} {unit.value}"
        expression = (
            f"arrotonda({format_input(dose)}, passo {format_input(rule.step)} "
            f"{step_unit.value}{converted})"
        )
    else:
        assert rule.step is not None
        if unit is not AmountUnit.MG:
            raise ValidationFailed(
                f"Arrotondamento al volume: la concentrazione è in mg/mL, la dose in {unit.value}.",
                code="rounding_unit_incompatible",
                field="rounding.step_unit",
            )
        if concentration_mg_per_ml is None or concentration_mg_per_ml <= 0:
            raise ValidationFailed(
                "Per arrotondare al volume serve la concentrazione (mg/mL) del prodotto.",
                code="concentration_required",
                field="concentration_mg_per_ml",
            )
        volume = round_half_up_to_step(dose / concentration_mg_per_ml, rule.step)
        value = volume * concentration_mg_per_ml
        expression = (
            f"arrotonda({format_input(dose)} / {format_input(concentration_mg_per_ml)} mg/mL, "
            f"passo {format_input(rule.step)} mL) × {format_input(concentration_mg_per_ml)}"
        )
    return Step(
        label="Dose arrotondata",
        formula="arrotondamento ROUND_HALF_UP",
        expression=expression,
        value=value,
        unit=unit.value,
        places=max(2, rule.decimals or 0),
        note=rule.describe(),
    )


@dataclass(frozen=True)
class DoseBand:
    # in the banding's ``unit`` (mg unless the table says otherwise)
    lower_mg: Decimal  # inclusive
    upper_mg: Decimal  # exclusive
    dose_mg: Decimal


@dataclass(frozen=True)
class DoseBanding:
    bands: tuple[DoseBand, ...]
    max_deviation_pct: Decimal = Decimal(5)
    unit: AmountUnit = AmountUnit.MG

    def converted_to(self, unit: AmountUnit) -> DoseBanding:
        """The same table in ``unit`` (a g table used for a mg dose is scaled by 1,000);
        a table in a unit that does not convert is refused."""
        if unit is self.unit:
            return self
        try:
            factor = conversion_factor(self.unit, unit)
        except ValidationFailed:
            raise ValidationFailed(
                f"Fasce di dose in {self.unit.value}: non applicabili a una dose in {unit.value}.",
                code="banding_unit_incompatible",
                field="banding",
            ) from None
        return DoseBanding(
            bands=tuple(
                DoseBand(b.lower_mg * factor, b.upper_mg * factor, b.dose_mg * factor)
                for b in self.bands
            ),
            max_deviation_pct=self.max_deviation_pct,
            unit=unit,
        )

    def __post_init__(self) -> None:
        ordered = sorted(self.bands, key=lambda band: band.lower_mg)
        for band in ordered:
            if not (0 <= band.lower_mg < band.upper_mg) or band.dose_mg <= 0:
                raise ValidationFailed(
                    "Fascia di dose non valida: serve 0 ≤ inizio < fine e dose positiva.",
                    code="dose_band_invalid",
                    field="banding",
                )
        for first, second in itertools.pairwise(ordered):
            if second.lower_mg < first.upper_mg:
                raise ValidationFailed(
                    "Le fasce di dose si sovrappongono.", code="dose_band_overlap", field="banding"
                )


@dataclass(frozen=True)
class BandedDose:
    calculated_mg: Decimal
    band: DoseBand
    deviation_pct: Decimal  # (banded − calculated) / calculated × 100
    step: Step


def deviation_pct(calculated: Decimal, final: Decimal) -> Decimal:
    return (final - calculated) / calculated * 100


def band_dose(
    dose: Decimal, banding: DoseBanding, *, unit: AmountUnit = AmountUnit.MG
) -> BandedDose | None:
    """The band dose for ``dose`` (in ``unit``), or None when no band holds it within the
    deviation. The table is converted to ``unit`` first."""
    banding = banding.converted_to(unit)
    for band in banding.bands:
        if band.lower_mg <= dose < band.upper_mg:
            deviation = deviation_pct(dose, band.dose_mg)
            if abs(deviation) > banding.max_deviation_pct:
                return None
            step = Step(
                label="Dose in fascia",
                formula="dose standard della fascia [inizio, fine)",
                expression=(
                    f"fascia [{format_input(band.lower_mg)}, {format_input(band.upper_mg)}) "
                    f"→ {format_input(band.dose_mg)}"
                ),
                value=band.dose_mg,
                unit=unit.value,
                note=f"scostamento {deviation.quantize(Decimal('0.01'), ROUND_HALF_UP)} %",
            )
            return BandedDose(dose, band, deviation, step)
    return None
