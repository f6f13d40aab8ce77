"""Safety checks around a dose: weight change, cumulative lifetime dose, final dose reason.

DOMAIN.md safety rules 3, 4 and 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.errors import CumulativeDoseExceeded
from corsia.prescribing.domain.patient import check_range
from corsia.prescribing.domain.provenance import format_input, format_result

WEIGHT_CHANGE_RECALC_PCT = Decimal(10)


@dataclass(frozen=True)
class WeightChange:
    previous_kg: Decimal
    current_kg: Decimal
    change_pct: Decimal  # signed, relative to the previous weight
    threshold_pct: Decimal
    recalculation_required: bool


def weight_change_check(
    *,
    previous_kg: Decimal,
    current_kg: Decimal,
    threshold_pct: Decimal = WEIGHT_CHANGE_RECALC_PCT,
) -> WeightChange:
    """A change of ``threshold_pct`` % or more (up or down) since the last cycle forces
    the doses to be recalculated (rule 4)."""
    check_range("weight_kg", previous_kg)
    check_range("weight_kg", current_kg)
    change = (current_kg - previous_kg) / previous_kg * 100
    return WeightChange(
        previous_kg=previous_kg,
        current_kg=current_kg,
        change_pct=change,
        threshold_pct=threshold_pct,
        recalculation_required=abs(change) >= threshold_pct,
    )


class CumulativeBasis(StrEnum):
    MG = "mg"
    MG_M2 = "mg/m2"


@dataclass(frozen=True)
class CumulativeLimit:
    """Lifetime limit of a drug (e.g. doxorubicin 450 mg/m², bleomycin 400 000 UI):
    the regimen or drug library supplies the number, not the code."""

    limit: Decimal
    basis: CumulativeBasis = CumulativeBasis.MG
    warn_at_pct: Decimal = Decimal(90)

    def __post_init__(self) -> None:
        if not self.limit > 0:
            raise ValidationFailed(
                "Il limite cumulativo deve essere positivo.",
                code="cumulative_limit_invalid",
                field="cumulative_limit",
            )


@dataclass(frozen=True)
class CumulativeCheck:
    previous: Decimal
    this_dose: Decimal
    total: Decimal
    limit: CumulativeLimit
    pct_of_limit: Decimal
    near_limit: bool


def cumulative_dose_check(
    *, drug: str, previous: Decimal, this_dose: Decimal, limit: CumulativeLimit
) -> CumulativeCheck:
    """previous + this dose against the lifetime limit, in the limit's basis.

    Exceeding it blocks the order (rule 5): CumulativeDoseExceeded.
    """
    if previous < 0:
        raise ValidationFailed(
            "La dose cumulativa precedente non può essere negativa.",
            code="previous_cumulative_out_of_range",
            field="previous_cumulative",
        )
    total = previous + this_dose
    pct = total / limit.limit * 100
    unit = limit.basis.value.replace("m2", "m²")
    if total > limit.limit:
        raise CumulativeDoseExceeded(
            f"Dose cumulativa di {drug} oltre il limite: {format_result(previous, 2)} + "
            f"{format_result(this_dose, 2)} = {format_result(total, 2)} {unit} "
            f"(limite {format_input(limit.limit)} {unit}).",
            field="previous_cumulative",
            details={"total": str(total), "limit": str(limit.limit), "basis": limit.basis.value},
        )
    return CumulativeCheck(
        previous=previous,
        this_dose=this_dose,
        total=total,
        limit=limit,
        pct_of_limit=pct,
        near_limit=pct >= limit.warn_at_pct,
    )


def final_dose_check(
    *, calculated_mg: Decimal, final_mg: Decimal, reason: str | None, unit: str = "mg"
) -> Decimal:
    """A final dose that differs from the calculated one needs a reason (rule 3).

    ``calculated_mg`` is the dose the engine proposes (after the drug's rounding and
    cap), both in ``unit`` (the line's amount unit: mg, UI, U, mL). Returns the
    deviation in % (0 when equal). The hard limits of the final dose are
    ``limits.final_dose_blocks``.
    """
    if not (final_mg.is_finite() and final_mg > 0):
        raise ValidationFailed(
            "La dose finale deve essere maggiore di zero.",
            code="final_dose_out_of_range",
            field="final_dose",
        )
    if final_mg == calculated_mg:
        return Decimal(0)
    if reason is None or not reason.strip():
        raise ValidationFailed(
            f"La dose finale ({format_input(final_mg)} {unit}) differisce dalla dose "
            f"calcolata ({format_result(calculated_mg, 2)} {unit}): indicare il motivo.",
            code="final_dose_reason_required",
            field="final_dose_reason",
        )
    return (final_mg - calculated_mg) / calculated_mg * 100
