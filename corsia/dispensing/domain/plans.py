"""What a therapy plan (piano terapeutico) still covers.

A plan authorises ``daily_units`` a day from ``valid_from`` to ``valid_to`` (both
included). Its ceiling is the units it states, else the daily units × the days of its
validity rounded up to a whole unit (a half tablet a day for 5 days is 3 tablets: the
last half cannot be dispensed as half a tablet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from corsia.core.domain.errors import ValidationFailed


class PlanExceeded(ValidationFailed):
    code = "plan_exceeded"


class PlanNotValid(ValidationFailed):
    code = "plan_not_valid"


@dataclass(frozen=True)
class PlanTerms:
    daily_units: Decimal
    valid_from: date
    valid_to: date
    max_units: int | None = None


def validity_days(terms: PlanTerms) -> int:
    return (terms.valid_to - terms.valid_from).days + 1


def plan_ceiling(terms: PlanTerms) -> int:
    """The units the plan authorises in all."""
    if terms.max_units is not None:
        return terms.max_units
    total = terms.daily_units * validity_days(terms)
    return int(total.to_integral_value(rounding=ROUND_CEILING))


def remaining_units(terms: PlanTerms, dispensed_units: int) -> int:
    """Units still dispensable under the plan (never below zero)."""
    return max(plan_ceiling(terms) - dispensed_units, 0)


def require_plan_covers(terms: PlanTerms, *, day: date, dispensed_units: int, units: int) -> None:
    """Refuse a dispensing on ``day`` outside the plan's validity (``plan_not_valid``) or
    beyond what it still covers (``plan_exceeded``)."""
    if day < terms.valid_from:
        raise PlanNotValid(
            f"Il piano terapeutico è valido dal {terms.valid_from:%d/%m/%Y}.",
            details={"valid_from": terms.valid_from.isoformat()},
        )
    if day > terms.valid_to:
        raise PlanNotValid(
            f"Il piano terapeutico è scaduto il {terms.valid_to:%d/%m/%Y}: serve un piano rinnovato.",
            code="plan_expired",
            details={"valid_to": terms.valid_to.isoformat()},
        )
    left = remaining_units(terms, dispensed_units)
    if units > left:
        raise PlanExceeded(
            f"Il piano terapeutico copre ancora {left} unità: non se ne possono dispensare {units}.",
            details={"remaining_units": left, "requested_units": units},
        )
