"""CMV-DNA and EBV-DNA loads after a transplant: units, log10 change, trend, thresholds.

A result is one of three kinds: quantified (a number with its unit), detected below the
assay's lower limit of quantification ("< LLOQ", "positivo non quantificabile") or not
detected. Only quantified results have a log10 value; a change that involves an
unquantified result is reported as a kind of change (new detection, cleared), not as a
number.

Units are kept explicit. The WHO International Standard unit is IU/mL; copies/mL are
converted to IU/mL only with the **assay's** conversion factor, which the laboratory
states (the factor differs between assays: there is no universal one). Without a factor
a copies/mL result is compared only with other copies/mL results of the same assay.

A significant change is one of at least 0.5 log10 (about three-fold): smaller changes
lie within the biological and inter-assay variability of quantitative PCR. Source:
Kotton CN et al., "The Third International Consensus Guidelines on the Management of
Cytomegalovirus in Solid-organ Transplantation", Transplantation 2018;102:900-931
(viral load monitoring: changes below 0.5 log10 may not be biologically meaningful);
the same rule is used for EBV-DNA here. The thresholds for pre-emptive therapy are the
hospital's (ECIL-7, Ljungman P et al., Lancet Infect Dis 2019;19:e260-e272, leaves them
to each centre and assay): they are data (:class:`Threshold`), never constants in code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal

SIGNIFICANT_LOG10_CHANGE = Decimal("0.5")
MAX_LOAD = Decimal("1e12")  # copies or IU per mL: above is a typing error
MAX_CONVERSION_FACTOR = Decimal(1000)
LOG10_PLACES = Decimal("0.01")


class Virus(StrEnum):
    CMV = "cmv"
    EBV = "ebv"


class Unit(StrEnum):
    IU_ML = "IU/mL"
    COPIES_ML = "copies/mL"


class Kind(StrEnum):
    QUANTIFIED = "quantified"
    BELOW_LLOQ = "below_lloq"
    NOT_DETECTED = "not_detected"


class Change(StrEnum):
    SIGNIFICANT_RISE = "significant_rise"
    SIGNIFICANT_FALL = "significant_fall"
    STABLE = "stable"  # both quantified, |Δ| < 0.5 log10
    NEW_DETECTION = "new_detection"  # from not detected / < LLOQ to quantified
    CLEARED = "cleared"  # from quantified to not detected / < LLOQ
    UNQUANTIFIED = "unquantified"  # neither is quantified
    NOT_COMPARABLE = "not_comparable"  # copies/mL without a factor vs another unit


@dataclass(frozen=True)
class Load:
    """One viral-load result. ``value`` only when quantified; ``lloq`` optional."""

    virus: Virus
    sampled_on: date
    kind: Kind
    unit: Unit = Unit.IU_ML
    value: Decimal | None = None
    lloq: Decimal | None = None
    # IU per copy, stated by the laboratory for its assay (IU/mL = copies/mL × factor).
    iu_per_copy: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind is Kind.QUANTIFIED:
            if self.value is None:
                raise ValidationFailed(
                    "Carica virale quantificata senza valore: indica il numero.",
                    code="viral_load_missing",
                    field="value",
                )
            ensure_decimal(
                self.value,
                field="viral_load",
                label="Carica virale",
                maximum=MAX_LOAD,
                minimum=Decimal(1),
            )
        elif self.value is not None:
            raise ValidationFailed(
                "Un risultato «non rilevato» o «sotto il limite di quantificazione» "
                "non ha un valore numerico.",
                code="viral_load_value_unexpected",
                field="value",
            )
        if self.lloq is not None:
            ensure_decimal(
                self.lloq, field="lloq", label="Limite di quantificazione", maximum=MAX_LOAD
            )
            if self.value is not None and self.value < self.lloq:
                raise ValidationFailed(
                    "Il valore è sotto il limite di quantificazione del test: registralo "
                    "come «sotto LLOQ».",
                    code="viral_load_below_lloq",
                    field="value",
                )
        if self.iu_per_copy is not None:
            ensure_decimal(
                self.iu_per_copy,
                field="iu_per_copy",
                label="Fattore copie→UI",
                maximum=MAX_CONVERSION_FACTOR,
                minimum=Decimal("0.0001"),
            )
            if self.unit is Unit.IU_ML:
                raise ValidationFailed(
                    "Il fattore di conversione si indica solo per un risultato in copie/mL.",
                    code="iu_per_copy_unexpected",
                    field="iu_per_copy",
                )

    @property
    def iu_ml(self) -> Decimal | None:
        """The value in IU/mL, or ``None`` (not quantified, or copies without a factor)."""
        if self.value is None:
            return None
        if self.unit is Unit.IU_ML:
            return self.value
        return self.value * self.iu_per_copy if self.iu_per_copy is not None else None

    def comparable_value(self, other: Load) -> tuple[Decimal, Decimal] | None:
        """Both values in one unit: IU/mL when both convert, else the shared raw unit."""
        a, b = self.iu_ml, other.iu_ml
        if a is not None and b is not None:
            return a, b
        if self.value is not None and other.value is not None and self.unit == other.unit:
            return self.value, other.value
        return None


def log10_load(value: Decimal) -> Decimal:
    """log10 of a load (exact decimal arithmetic), to 2 places."""
    return value.log10().quantize(LOG10_PLACES)


def _raw_change(earlier: Load, later: Load) -> Decimal | None:
    pair = earlier.comparable_value(later)
    if pair is None:
        return None
    return pair[1].log10() - pair[0].log10()


def log10_change(earlier: Load, later: Load) -> Decimal | None:
    """log10(later) − log10(earlier) to 2 places, or ``None`` when not both quantified and
    comparable. The classification compares the unrounded change with 0.5."""
    delta = _raw_change(earlier, later)
    return None if delta is None else delta.quantize(LOG10_PLACES)


def classify_change(earlier: Load, later: Load) -> Change:
    """The kind of change between two results of the same virus."""
    if earlier.virus != later.virus:
        raise ValidationFailed(
            "Non si confrontano cariche di virus diversi.",
            code="viral_load_virus_mismatch",
            field="virus",
        )
    quantified = (earlier.kind is Kind.QUANTIFIED, later.kind is Kind.QUANTIFIED)
    if quantified == (False, False):
        return Change.UNQUANTIFIED
    if quantified == (False, True):
        return Change.NEW_DETECTION
    if quantified == (True, False):
        return Change.CLEARED
    delta = _raw_change(earlier, later)
    if delta is None:
        return Change.NOT_COMPARABLE
    if delta >= SIGNIFICANT_LOG10_CHANGE:
        return Change.SIGNIFICANT_RISE
    if delta <= -SIGNIFICANT_LOG10_CHANGE:
        return Change.SIGNIFICANT_FALL
    return Change.STABLE


@dataclass(frozen=True)
class Threshold:
    """A hospital-set threshold for pre-emptive therapy (data, not code)."""

    virus: Virus
    value: Decimal
    unit: Unit = Unit.IU_ML
    label: str = ""

    def __post_init__(self) -> None:
        ensure_decimal(
            self.value, field="threshold", label="Soglia", maximum=MAX_LOAD, minimum=Decimal(1)
        )

    def reached_by(self, load: Load) -> bool | None:
        """Whether ``load`` is at or above the threshold; ``None`` when units don't compare."""
        if load.virus != self.virus:
            return None
        if load.kind is not Kind.QUANTIFIED:
            return False
        if self.unit is Unit.IU_ML:
            value = load.iu_ml
        else:
            value = load.value if load.unit is Unit.COPIES_ML else None
        if value is None:
            return None
        return value >= self.value


@dataclass(frozen=True)
class TrendRow:
    """One row of the trend table: a result, its log10, the change from the previous one."""

    load: Load
    log10: Decimal | None
    delta_log10: Decimal | None
    change: Change | None
    threshold_reached: bool | None
    crosses_threshold: bool  # reached now, not reached by the previous result


def trend(loads: Sequence[Load], threshold: Threshold | None = None) -> list[TrendRow]:
    """The series of one virus, oldest first, with the changes and the threshold crossings."""
    ordered = sorted(loads, key=lambda r: r.sampled_on)
    viruses = {r.virus for r in ordered}
    if len(viruses) > 1:
        raise ValidationFailed(
            "Una serie contiene un solo virus.", code="viral_load_virus_mismatch", field="virus"
        )
    rows: list[TrendRow] = []
    previous: Load | None = None
    previous_reached: bool | None = None
    for load in ordered:
        reached = threshold.reached_by(load) if threshold is not None else None
        rows.append(
            TrendRow(
                load=load,
                log10=log10_load(load.value) if load.value is not None else None,
                delta_log10=log10_change(previous, load) if previous is not None else None,
                change=classify_change(previous, load) if previous is not None else None,
                threshold_reached=reached,
                crosses_threshold=bool(reached) and not previous_reached,
            )
        )
        previous, previous_reached = load, reached
    return rows
