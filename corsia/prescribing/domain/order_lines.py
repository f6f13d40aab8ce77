"""The lines of a chemotherapy order, as values: unit mapping, reductions, schedule,
tablets to dispense. No database, no clock.

A regimen component's dose unit (``mg/m2``, ``mcg/kg``, ``UI``…) is one of the dose
engine's units: every absolute dose is computed by the same audited engine and expressed
in the unit the pharmacy measures (mg for any mass, UI, U, mL); the component's maximum
keeps the unit the regimen declared it in and the engine converts it before comparing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.assessment import BodyAssessment
from corsia.prescribing.domain.dose import DoseComponent, DoseUnit, compute_dose
from corsia.prescribing.domain.errors import DoseLimitExceeded
from corsia.prescribing.domain.provenance import format_input
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, amount_unit
from corsia.regimens.domain.spec import ABSOLUTE_UNIT


@dataclass(frozen=True)
class EngineUnit:
    unit: DoseUnit  # what the engine computes with (it converts mcg and g to mg itself)
    amount_unit: AmountUnit  # the unit of the absolute dose (mg, UI, U, mL)
    declared_unit: AmountUnit  # the unit the regimen writes the component's maximum in


def engine_unit(unit: str) -> EngineUnit:
    try:
        dose_unit = DoseUnit(unit)
        declared = amount_unit(ABSOLUTE_UNIT[unit])
    except (ValueError, KeyError):
        raise ValidationFailed(
            f"Unità di dose «{unit}» non gestita dal calcolo delle dosi.",
            code="dose_unit_unknown",
            field="dose_unit",
        ) from None
    return EngineUnit(dose_unit, dose_unit.engine_unit, declared)


@dataclass(frozen=True)
class EngineDose:
    """One line's dose as the engine gives it: a blocked dose is kept (uncapped, without
    its limits) with the block's code and message, which only an override releases."""

    calculated: Decimal
    uncapped: Decimal | None
    capped: bool
    amount_unit: str
    provenance: str
    warnings: list[dict[str, str]]
    block_code: str
    block_message: str
    # the dose before the regimen's rounding or banding (None: none was applied)
    unrounded: Decimal | None = None
    # the weight a per-kg line used: basis applied ("" when no weight), kg, adjusted factor
    weight_basis: str = ""
    dosing_weight_kg: Decimal | None = None
    adjusted_weight_factor: Decimal | None = None


def engine_dose(
    component: DoseComponent,
    body: BodyAssessment,
    mapping: EngineUnit,
    *,
    previous_cumulative: Decimal | None = None,
) -> EngineDose:
    """Run the engine on ``component``; on a block, run it again without the limits."""
    block_code = block_message = ""
    try:
        result = compute_dose(component, body, previous_cumulative=previous_cumulative)
    except DoseLimitExceeded as error:
        block_code, block_message = error.code, error.message
        relaxed = DoseComponent(
            drug=component.drug,
            dose=component.dose,
            unit=component.unit,
            rounding=component.rounding,
            weight_basis=component.weight_basis,
            adjusted_weight_factor=component.adjusted_weight_factor,
        )
        result = compute_dose(relaxed, body)
    warnings = [{"code": w.code, "message": w.message} for w in result.warnings]
    if block_code:
        warnings.append({"code": block_code, "message": block_message})
    return EngineDose(
        calculated=result.dose,
        uncapped=result.uncapped if result.capped else None,
        capped=result.capped,
        amount_unit=mapping.amount_unit.value,
        provenance=result.render(),
        warnings=warnings,
        block_code=block_code,
        block_message=block_message,
        unrounded=result.calculated if (result.rounded or result.banded is not None) else None,
        weight_basis=result.weight.basis.value if result.weight is not None else "",
        dosing_weight_kg=(
            result.weight.kg.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if result.weight is not None
            else None
        ),
        adjusted_weight_factor=result.weight.factor if result.weight is not None else None,
    )


def regimen_maximum(max_dose: Decimal | None, dose_unit: str) -> Quantity | None:
    """A regimen component's maximum with its unit: the regimen declares it in the unit of
    the absolute dose its per-unit dose implies (dactinomycin 45 mcg/kg, maximum 2000 ->
    2,000 mcg; methotrexate 12 g/m², maximum 20 -> 20 g), never in the engine's mg."""
    if max_dose is None:
        return None
    return Quantity(max_dose, engine_unit(dose_unit).declared_unit)


DISPLAY_UNITS: dict[str, str] = {
    "mg/m2": "mg/m²",
    "g/m2": "g/m²",
    "mcg/m2": "mcg/m²",
    "UI/m2": "UI/m²",
    "U/m2": "U/m²",
    "mL/m2": "mL/m²",
}


def display_unit(unit: str) -> str:
    return DISPLAY_UNITS.get(unit, unit)


MAX_REDUCTION_PCT = Decimal(100)


def reduced_dose(calculated: Decimal, reduction_pct: Decimal, *, decimals: int = 2) -> Decimal:
    """The dose after a reduction of ``reduction_pct`` % (0 = none), half-up to ``decimals``.

    Worked example: oxaliplatin 85 mg/m² x 1.80 m² = 153 mg, reduced by 20 % ->
    153 x 0.80 = 122.40 mg.
    """
    if not reduction_pct.is_finite() or reduction_pct < 0 or reduction_pct >= MAX_REDUCTION_PCT:
        raise ValidationFailed(
            f"Riduzione non valida: {format_input(reduction_pct)} % "
            "(ammessa da 0 a meno di 100 %).",
            code="reduction_out_of_range",
            field="reduction_percent",
        )
    exponent = Decimal(1).scaleb(-decimals)
    value = calculated * (MAX_REDUCTION_PCT - reduction_pct) / MAX_REDUCTION_PCT
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def ensure_reason(reason: str | None, *, what: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(f"{what}: indicare il motivo.", code="reason_required", field=field)
    return text


def cycle_dates(start: date, days: Iterable[int]) -> dict[int, date]:
    """Day N of the cycle falls N-1 days after its start (day 1 = the start date)."""
    result: dict[int, date] = {}
    for day in days:
        if day < 1:
            raise ValidationFailed(
                f"Giorno del ciclo non valido: {day}.", code="cycle_day_invalid", field="day"
            )
        result[day] = start + timedelta(days=day - 1)
    return result


@dataclass(frozen=True)
class TabletPlan:
    per_dose: tuple[tuple[Decimal, int], ...]  # (strength, count) for one administration
    dose_given: Decimal  # what those tablets add up to
    deviation_pct: Decimal  # (given - prescribed) / prescribed x 100
    tablets_per_dose: int
    administrations: int

    @property
    def total_tablets(self) -> dict[Decimal, int]:
        return {strength: count * self.administrations for strength, count in self.per_dose}


MAX_TABLETS_PER_DOSE = 20


def tablets_for(
    dose: Decimal, strengths: Sequence[Decimal], *, administrations: int = 1
) -> TabletPlan:
    """The tablets for one oral dose from the strengths in stock (tablets are not split).

    Chooses the combination closest to the dose; on a tie the one not above it, then the
    fewest tablets. E.g. capecitabine 1,650 mg with 500 and 150 mg tablets:
    3 x 500 + 1 x 150 = 1,650 mg exactly (4 tablets).
    """
    if not (dose.is_finite() and dose > 0):
        raise ValidationFailed("Dose orale non valida.", code="dose_out_of_range", field="dose")
    usable = sorted({s for s in strengths if s > 0}, reverse=True)
    if not usable:
        raise ValidationFailed(
            "Nessun dosaggio in compresse disponibile per questo farmaco.",
            code="no_tablet_strength",
            field="strengths",
        )
    if administrations < 1:
        raise ValidationFailed(
            "Numero di somministrazioni non valido.", code="administrations_invalid"
        )
    best: tuple[tuple[Decimal, bool, int], tuple[int, ...]] | None = None

    def explore(index: int, counts: tuple[int, ...], total: Decimal, tablets: int) -> None:
        nonlocal best
        if index == len(usable):
            if tablets == 0:
                return
            key = (abs(total - dose), total > dose, tablets)
            if best is None or key < best[0]:
                best = (key, counts)
            return
        strength = usable[index]
        limit = MAX_TABLETS_PER_DOSE - tablets
        top = min(limit, int((dose * Decimal("1.5")) // strength) + 1)
        for count in range(top, -1, -1):
            explore(index + 1, (*counts, count), total + strength * count, tablets + count)

    explore(0, (), Decimal(0), 0)
    if best is None:  # pragma: no cover - a positive strength always yields a candidate
        raise ValidationFailed("Nessuna combinazione di compresse.", code="no_tablet_strength")
    counts = best[1]
    per_dose = tuple((s, c) for s, c in zip(usable, counts, strict=True) if c)
    given = sum((s * c for s, c in per_dose), Decimal(0))
    return TabletPlan(
        per_dose=per_dose,
        dose_given=given,
        deviation_pct=((given - dose) / dose * 100).quantize(Decimal("0.01")),
        tablets_per_dose=sum(c for _, c in per_dose),
        administrations=administrations,
    )
