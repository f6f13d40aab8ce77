"""The bedside checks of a bag that are arithmetic (pure): the pump's rate against the
label's, and the end of the infusion against the bag's volume.

Rate: the nurse types the rate set on the pump; it must be the label's rate within
``tolerance_percent`` of it (inclusive):

    |pump − label| ≤ label × tolerance ÷ 100

e.g. a label of 79.0 mL/h with 5 %: 79.0 × 5 ÷ 100 = 3.95, so 75.1–82.9 mL/h pass
(75.05 and 82.95 are not pump settings at 0.1 mL/h), 75.0 and 83.0 are refused.
Chemotherapy's pump programme (``administration.domain.pump_program.rate_check``) refuses
a mismatch without an override; so does this one: a different rate is a different
prescription (a ramp at the start or the end must be prescribed, not typed).

End: the volume infused is at most the bag's volume plus the same tolerance (more cannot
come out of the bag: a mistyped figure); below the bag's volume minus the tolerance the
infusion was stopped early and the reason is required."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def rate_allowance(label_rate_ml_h: Decimal, tolerance_percent: Decimal) -> Decimal:
    """The largest difference from the label's rate that passes (mL/h)."""
    return label_rate_ml_h * tolerance_percent / Decimal(100)


def rate_matches(
    *, pump_ml_h: Decimal, label_rate_ml_h: Decimal, tolerance_percent: Decimal
) -> bool:
    return abs(pump_ml_h - label_rate_ml_h) <= rate_allowance(label_rate_ml_h, tolerance_percent)


@dataclass(frozen=True)
class EndVerdict:
    """``early``: below the bag's volume minus the tolerance (a reason is required);
    ``too_much``: above the bag's volume plus the tolerance (refused)."""

    early: bool
    too_much: bool


def end_verdict(
    *, infused_ml: Decimal, bag_volume_ml: Decimal, tolerance_percent: Decimal
) -> EndVerdict:
    margin = bag_volume_ml * tolerance_percent / Decimal(100)
    return EndVerdict(
        early=infused_ml < bag_volume_ml - margin,
        too_much=infused_ml > bag_volume_ml + margin,
    )
