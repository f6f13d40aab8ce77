"""The hard limits of the dose actually prescribed, and the overrides that lift them.

DOMAIN.md rule 3: a dose above the component's maximum is refused unless an authorised
override with a reason is recorded; rule 5: a cumulative lifetime limit blocks. These
limits are checked on the FINAL dose (computed, reduced or typed by the physician), the
same way for each: a dose typed by hand passes no fewer checks than a computed one.

An override lifts one check for one value: it records the check, the value it
authorised (with its unit), who and why. Changing the dose to another value leaves the
old override in the record but no longer lifts anything; lowering the dose within the
limit clears the block itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from corsia.prescribing.domain.checks import CumulativeBasis, CumulativeLimit, cumulative_dose_check
from corsia.prescribing.domain.errors import CumulativeDoseExceeded, MaxSingleDoseExceeded
from corsia.prescribing.domain.provenance import format_result
from corsia.prescribing.domain.quantity import AmountUnit, Quantity

MAX_DOSE = MaxSingleDoseExceeded.code  # "max_dose_exceeded"
CUMULATIVE_DOSE = CumulativeDoseExceeded.code  # "cumulative_dose_exceeded"
LIMIT_CHECKS = (MAX_DOSE, CUMULATIVE_DOSE)


@dataclass(frozen=True)
class LimitBlock:
    code: str  # one of LIMIT_CHECKS
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class LimitOverride:
    """One authorisation: ``check`` may be exceeded by exactly ``value`` ``unit``."""

    check: str
    value: Decimal
    unit: str
    reason: str
    by_id: int | None
    by: str
    at: str  # ISO 8601, aware
    void: bool = False  # the dose changed to another value after it: it lifts nothing more

    def authorises(self, value: Quantity) -> bool:
        return self.unit == value.unit.value and self.value == value.value

    def covers(self, check: str, value: Quantity) -> bool:
        return not self.void and self.check == check and self.authorises(value)

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "value": format(self.value.normalize(), "f"),
            "unit": self.unit,
            "reason": self.reason,
            "by_id": self.by_id,
            "by": self.by,
            "at": self.at,
            "void": self.void,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LimitOverride:
        return cls(
            check=str(data["check"]),
            value=Decimal(str(data["value"])),
            unit=str(data.get("unit", "mg")),
            reason=str(data.get("reason", "")),
            by_id=data.get("by_id"),
            by=str(data.get("by", "")),
            at=str(data.get("at", "")),
            void=bool(data.get("void", False)),
        )


def final_dose_blocks(
    *,
    drug: str,
    dose: Quantity,
    maximum: Quantity | None,
    cumulative_limit: CumulativeLimit | None = None,
    previous_cumulative: Decimal | None = None,
    bsa_m2: Decimal | None = None,
) -> tuple[LimitBlock, ...]:
    """The hard limits ``dose`` exceeds, each compared in one unit.

    ``maximum`` may be in any unit convertible to the dose's (2,000 mcg against a dose in
    mg); a cumulative limit (mg or mg/m²) applies to a dose in mg only.
    """
    blocks: list[LimitBlock] = []
    if maximum is not None and dose > maximum:
        in_dose_unit = maximum.to(dose.unit)
        limit_text = maximum.text()
        if maximum.unit is not dose.unit:
            limit_text = f"{limit_text} = {in_dose_unit.text()}"
        blocks.append(
            LimitBlock(
                MAX_DOSE,
                f"Dose di {drug} ({format_result(dose.value, 2)} {dose.unit.value}) oltre la "
                f"dose massima di {limit_text}.",
            )
        )
    if (
        cumulative_limit is not None
        and previous_cumulative is not None
        and dose.unit is AmountUnit.MG
    ):
        this_dose = dose.value
        if cumulative_limit.basis is CumulativeBasis.MG_M2:
            if bsa_m2 is None or bsa_m2 <= 0:
                raise ValueError("a cumulative limit in mg/m² needs the BSA")
            this_dose = dose.value / bsa_m2
        try:
            cumulative_dose_check(
                drug=drug, previous=previous_cumulative, this_dose=this_dose, limit=cumulative_limit
            )
        except CumulativeDoseExceeded as error:
            blocks.append(LimitBlock(CUMULATIVE_DOSE, error.message))
    return tuple(blocks)


def void_other_values(
    overrides: Iterable[LimitOverride], dose: Quantity
) -> tuple[LimitOverride, ...]:
    """The overrides, those for another value than ``dose`` made void: once the dose has
    changed, going back to an old value needs a new override."""
    return tuple(o if o.authorises(dose) else replace(o, void=True) for o in overrides)


def pending_blocks(
    blocks: Iterable[LimitBlock], overrides: Iterable[LimitOverride], dose: Quantity
) -> tuple[LimitBlock, ...]:
    """The blocks no override lifts for this very value of the dose."""
    kept = list(overrides)
    return tuple(b for b in blocks if not any(o.covers(b.code, dose) for o in kept))


__all__ = [
    "CUMULATIVE_DOSE",
    "LIMIT_CHECKS",
    "MAX_DOSE",
    "LimitBlock",
    "LimitOverride",
    "final_dose_blocks",
    "pending_blocks",
    "void_other_values",
]
