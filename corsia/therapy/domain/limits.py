"""The dose checks of a ward prescription (pure), as chemotherapy's where they apply.

* **Maximum single dose** of the drug archive (``ActiveIngredient.max_single_dose``):
  a dose above it is blocked (``max_dose_exceeded``) unless the physician records why.
* **Maximum daily dose** (``data/daily_maxima.csv``, from the SmPCs it names): the most
  the patient could receive in one day from every active prescription of the same
  ingredient — each dose × the doses a day brings (the times of a scheduled drug, one
  for a single dose, the maximum per 24 hours of an as-needed one) — is blocked above
  it (``daily_max_exceeded``) unless the physician records why. A scheduled paracetamol
  1 g × 3 with an as-needed 1 g up to 2 a day is 5 g: above 4 g.
* **Renal function**: where the table gives a clearance threshold and the patient's
  Cockcroft–Gault clearance is below it, a warning with the SmPC's advice (it informs,
  it does not block: the adjustment is the physician's).

Quantities convert between mass units (g, mg, mcg) only; a limit in another dimension
than the dose (mg against mL) is not compared and says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, amount_unit, convertible

MAX_DOSE = "max_dose_exceeded"
DAILY_MAX = "daily_max_exceeded"
LIMIT_CHECKS = (MAX_DOSE, DAILY_MAX)

# the dose units a ward prescription takes (mass, units, volume)
DOSE_UNITS = ("mg", "g", "mcg", "UI", "mL")
MAX_DOSE_VALUE = Decimal(1_000_000)


def ensure_dose(value: Decimal | None, unit: str) -> Quantity:
    """A positive, finite dose in a known unit."""
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or value <= 0
        or value > MAX_DOSE_VALUE
    ):
        raise ValidationFailed(
            "Indica una dose maggiore di zero.", code="dose_invalid", field="dose"
        )
    if unit not in DOSE_UNITS:
        raise ValidationFailed(
            f"Unità di dose «{unit[:10]}» non prevista ({', '.join(DOSE_UNITS)}).",
            code="dose_unit_invalid",
            field="dose_unit",
        )
    if value.as_tuple().exponent < -4:  # type: ignore[operator]  # finite: an int exponent
        raise ValidationFailed(
            "La dose ha al massimo 4 decimali.", code="dose_invalid", field="dose"
        )
    return Quantity(value, amount_unit(unit))


@dataclass(frozen=True)
class DailyMaximum:
    ingredient: str  # archive code
    max_daily: Quantity | None
    renal_threshold_ml_min: Decimal | None
    renal_advice: str
    source: str


def daily_maxima_from_csv(text: str) -> dict[str, DailyMaximum]:
    """The table ``data/daily_maxima.csv``: ingredient, max_daily, unit,
    renal_threshold_ml_min, renal_advice, source."""
    found: dict[str, DailyMaximum] = {}
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            limit = (
                Quantity(Decimal(row["max_daily"]), amount_unit(row["unit"]))
                if row["max_daily"]
                else None
            )
            threshold = (
                Decimal(row["renal_threshold_ml_min"]) if row["renal_threshold_ml_min"] else None
            )
        except (InvalidOperation, ValidationFailed) as error:
            raise ValueError(f"daily_maxima.csv, riga {n}: {error}") from error
        found[row["ingredient"]] = DailyMaximum(
            ingredient=row["ingredient"],
            max_daily=limit,
            renal_threshold_ml_min=threshold,
            renal_advice=row["renal_advice"],
            source=row["source"],
        )
    return found


@dataclass(frozen=True)
class Block:
    code: str  # one of LIMIT_CHECKS
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Warning:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class DailyAmount:
    """One active prescription's share of a day: ``dose`` × ``doses_per_day``."""

    dose: Quantity
    doses_per_day: int

    def total(self) -> Quantity:
        return Quantity(self.dose.value * self.doses_per_day, self.dose.unit)


def _text(q: Quantity) -> str:
    value = q.value.normalize()
    text = format(value, "f").replace(".", ",")
    return f"{text} {q.unit.value}"


def max_single_block(dose: Quantity, limit: Quantity | None, *, drug: str) -> Block | None:
    if limit is None or not convertible(dose.unit, limit.unit):
        return None
    if dose > limit:
        return Block(
            MAX_DOSE,
            f"{drug}: la dose {_text(dose)} supera la dose singola massima {_text(limit)}.",
        )
    return None


def daily_total(amounts: Iterable[DailyAmount], unit: AmountUnit) -> Quantity | None:
    """The sum in ``unit`` of the amounts that convert to it (``None`` when none does)."""
    total = Decimal(0)
    counted = False
    for amount in amounts:
        if convertible(amount.dose.unit, unit):
            total += amount.total().to(unit).value
            counted = True
    return Quantity(total, unit) if counted else None


def daily_max_block(
    amounts: Iterable[DailyAmount], maximum: DailyMaximum | None, *, drug: str
) -> Block | None:
    """``amounts``: this prescription and every other active one of the same ingredient."""
    if maximum is None or maximum.max_daily is None:
        return None
    total = daily_total(amounts, maximum.max_daily.unit)
    if total is None or total <= maximum.max_daily:
        return None
    return Block(
        DAILY_MAX,
        f"{drug}: fino a {_text(total)} al giorno con le prescrizioni attive, oltre la dose "
        f"massima giornaliera {_text(maximum.max_daily)} ({maximum.source}).",
    )


def renal_warning(
    clearance_ml_min: Decimal | None, maximum: DailyMaximum | None, *, drug: str
) -> Warning | None:
    if maximum is None or maximum.renal_threshold_ml_min is None or clearance_ml_min is None:
        return None
    if clearance_ml_min >= maximum.renal_threshold_ml_min:
        return None
    value = clearance_ml_min.quantize(Decimal(1))
    return Warning(
        "renal_adjustment",
        f"{drug}: clearance della creatinina {value} mL/min, sotto "
        f"{maximum.renal_threshold_ml_min.normalize()} mL/min: {maximum.renal_advice}",
    )


def pending_blocks(blocks: Iterable[Block], overridden: Mapping[str, str]) -> list[Block]:
    """The blocks no override reason (by check code) lifts."""
    return [b for b in blocks if not overridden.get(b.code, "").strip()]


def ensure_blocks_lifted(blocks: list[Block], *, override_reason: str) -> None:
    """A dose over a hard limit is refused unless the physician writes why."""
    if blocks and not override_reason.strip():
        first = blocks[0]
        raise ValidationFailed(
            " ".join(b.message for b in blocks)
            + " Per prescriverla comunque indicare il motivo del superamento.",
            code=first.code,
            field="override_reason",
            details={"blocks": [b.as_json() for b in blocks]},
        )
