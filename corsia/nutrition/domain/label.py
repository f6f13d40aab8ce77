"""The content of a bag's label: who and what for, the full composition (each component
with its prescribed amount and its volume, then the totals), the infusion rate in mL/h and
the expiry — compounding time plus the stability the pharmacy states for its bags
(``CORSIA_NUTRITION_STABILITY_HOURS``; its own stability data, per formulation, replace it
when available)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from corsia.nutrition.domain.sheet import Step

_ONE = Decimal("0.1")


@dataclass(frozen=True)
class LabelLine:
    name: str
    prescribed: str  # "15 mmol"
    volume_ml: Decimal


@dataclass(frozen=True)
class Label:
    bag_id: str
    patient: str
    route: str
    volume_ml: Decimal
    rate_ml_h: Decimal
    infusion_hours: Decimal
    lines: tuple[LabelLine, ...]
    expires_at: datetime | None  # None: not compounded yet


def bag_expiry(prepared_at: datetime, stability_hours: int) -> datetime:
    """The label's expiry: compounding time plus the pharmacy's stability."""
    return prepared_at + timedelta(hours=stability_hours)


def _one(value: Decimal) -> Decimal:
    return value.quantize(_ONE, rounding=ROUND_HALF_UP)


def bag_label(
    *,
    bag_id: str,
    patient: str,
    route: str,
    steps: Sequence[Step],
    infusion_hours: Decimal,
    prepared_at: datetime | None,
    stability_hours: int,
) -> Label:
    """The label of a bag, its lines in compounding order; the rate is the total volume
    over the infusion hours, rounded to 0.1 mL/h."""
    volume = sum((s.part.volume_ml for s in steps), Decimal(0))
    return Label(
        bag_id=bag_id,
        patient=patient,
        route=route,
        volume_ml=_one(volume),
        rate_ml_h=_one(volume / infusion_hours),
        infusion_hours=infusion_hours,
        lines=tuple(
            LabelLine(
                s.part.component.name,
                f"{s.part.amount.normalize():f} {s.part.unit.value}",
                _one(s.part.volume_ml),
            )
            for s in steps
        ),
        expires_at=(bag_expiry(prepared_at, stability_hours) if prepared_at is not None else None),
    )
