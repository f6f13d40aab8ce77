"""Trough levels of ciclosporin, tacrolimus and sirolimus against the hospital's targets.

The target ranges are the hospital's (they vary with the drug, the regimen, the donor
type and the time since the transplant): they are data, :class:`TargetRange` rows with a
period in days after day 0, never constants here. A level is classified low, in range or
high against the range whose period covers the sample's day (bounds included).

A trough (C0) is the concentration just before the next dose. The sample counts as a
trough when it was drawn before the next dose and no earlier than the hospital's window
before it (e.g. 60 minutes); a sample drawn after the dose, or long before it, is not a
trough and is not classified (``timing``). Whole-blood concentrations in ng/mL
(= µg/L).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal, ensure_int

MAX_LEVEL_NG_ML = Decimal(5000)
MAX_WINDOW_MINUTES = 24 * 60


class Drug(StrEnum):
    CICLOSPORIN = "ciclosporin"
    TACROLIMUS = "tacrolimus"
    SIROLIMUS = "sirolimus"


class Band(StrEnum):
    LOW = "low"
    IN_RANGE = "in_range"
    HIGH = "high"
    NO_TARGET = "no_target"  # no range covers the day
    NOT_A_TROUGH = "not_a_trough"  # the sample's timing does not make it a trough


class Timing(StrEnum):
    TROUGH = "trough"
    AFTER_DOSE = "after_dose"  # drawn after the next dose was given
    TOO_EARLY = "too_early"  # drawn longer before the dose than the window
    DOSE_UNKNOWN = "dose_unknown"  # the time of the next dose is not recorded


@dataclass(frozen=True)
class TargetRange:
    """A hospital-set trough range for a drug over days ``from_day``–``to_day`` (included)."""

    drug: Drug
    from_day: int
    to_day: int
    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        ensure_int(self.from_day, field="from_day", label="Dal giorno", minimum=-100, maximum=36500)
        ensure_int(self.to_day, field="to_day", label="Al giorno", minimum=-100, maximum=36500)
        if self.to_day < self.from_day:
            raise ValidationFailed(
                "Il periodo dell'intervallo bersaglio termina prima di iniziare.",
                code="target_period_inverted",
                field="to_day",
            )
        ensure_decimal(self.low, field="target_low", label="Minimo", maximum=MAX_LEVEL_NG_ML)
        ensure_decimal(self.high, field="target_high", label="Massimo", maximum=MAX_LEVEL_NG_ML)
        if self.high <= self.low:
            raise ValidationFailed(
                "Il massimo dell'intervallo bersaglio deve superare il minimo.",
                code="target_range_inverted",
                field="target_high",
            )

    def covers(self, drug: Drug, day: int) -> bool:
        return self.drug == drug and self.from_day <= day <= self.to_day


def check_targets(ranges: Sequence[TargetRange]) -> None:
    """Refuse two ranges of the same drug whose periods overlap (which one would apply?)."""
    by_drug = sorted(ranges, key=lambda r: (r.drug, r.from_day))
    for a, b in itertools.pairwise(by_drug):
        if a.drug == b.drug and b.from_day <= a.to_day:
            raise ValidationFailed(
                f"Due intervalli bersaglio di {a.drug} si sovrappongono "
                f"(giorni {a.from_day}–{a.to_day} e {b.from_day}–{b.to_day}).",
                code="target_periods_overlap",
                field="from_day",
            )


def trough_timing(
    *, sampled_at: datetime, next_dose_at: datetime | None, window_minutes: int
) -> Timing:
    """Whether a sample is a trough: drawn at most ``window_minutes`` before the next dose."""
    ensure_int(
        window_minutes,
        field="window_minutes",
        label="Finestra (minuti)",
        minimum=1,
        maximum=MAX_WINDOW_MINUTES,
    )
    if next_dose_at is None:
        return Timing.DOSE_UNKNOWN
    if sampled_at.tzinfo is None or next_dose_at.tzinfo is None:
        raise ValidationFailed(
            "Orari senza fuso orario.", code="naive_datetime", field="sampled_at"
        )
    if sampled_at > next_dose_at:
        return Timing.AFTER_DOSE
    if next_dose_at - sampled_at > timedelta(minutes=window_minutes):
        return Timing.TOO_EARLY
    return Timing.TROUGH


@dataclass(frozen=True)
class Classification:
    band: Band
    timing: Timing
    target: TargetRange | None


def classify_level(
    *,
    drug: Drug,
    level_ng_ml: Decimal,
    day: int,
    ranges: Sequence[TargetRange],
    timing: Timing,
) -> Classification:
    """Low / in range / high against the range covering ``day``; bounds are in range.

    A sample that is not a trough is not classified (``NOT_A_TROUGH``); one whose time of
    dose is unknown is classified but keeps ``DOSE_UNKNOWN`` so the page can say so.
    """
    level = ensure_decimal(
        level_ng_ml, field="level", label="Livello (ng/mL)", maximum=MAX_LEVEL_NG_ML
    )
    check_targets(ranges)
    target = next((r for r in ranges if r.covers(drug, day)), None)
    if timing in (Timing.AFTER_DOSE, Timing.TOO_EARLY):
        return Classification(Band.NOT_A_TROUGH, timing, target)
    if target is None:
        return Classification(Band.NO_TARGET, timing, None)
    if level < target.low:
        band = Band.LOW
    elif level > target.high:
        band = Band.HIGH
    else:
        band = Band.IN_RANGE
    return Classification(band, timing, target)
