"""The JSON shapes of the hospital's follow-up settings (viral thresholds, trough ranges).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from decimal import Decimal

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, BoundedInt, Reason
from corsia.transplant.models.followup import TroughTarget, ViralThreshold


class ViralThresholdIn(Schema):
    value: Amount
    unit: str = Field(default="IU/mL", max_length=10)
    label: str = Field(default="", max_length=200)
    reason: Reason


class ViralThresholdOut(Schema):
    virus: str
    value: Decimal
    unit: str
    label: str


class TroughTargetIn(Schema):
    drug: str = Field(max_length=12)
    from_day: BoundedInt
    to_day: BoundedInt
    low: Amount
    high: Amount
    window_minutes: BoundedInt = 60
    reason: Reason


class TroughTargetOut(Schema):
    id: int
    drug: str
    from_day: int
    to_day: int
    low: Decimal
    high: Decimal
    window_minutes: int


class HospitalSettingsOut(Schema):
    viral_thresholds: list[ViralThresholdOut]
    trough_targets: list[TroughTargetOut]


def threshold_out(t: ViralThreshold) -> ViralThresholdOut:
    return ViralThresholdOut(virus=t.virus, value=t.value, unit=t.unit, label=t.label)


def trough_out(t: TroughTarget) -> TroughTargetOut:
    return TroughTargetOut(
        id=t.pk, drug=t.drug, from_day=t.from_day, to_day=t.to_day, low=t.low, high=t.high,
        window_minutes=t.window_minutes,
    )  # fmt: skip
