"""What a prognostic score returns: the value, the risk group, the points of each factor
and the published source, as frozen values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from corsia.records.domain.bands import Band, band

G = TypeVar("G", bound=StrEnum)


@dataclass(frozen=True)
class Reference:
    """A published source: ``short`` for labels ("Shipp 1993"), ``citation`` in full."""

    short: str
    citation: str


@dataclass(frozen=True)
class Points:
    """One factor's contribution: stable English ``factor``, Italian ``label``."""

    factor: str
    label: str
    points: Decimal


@dataclass(frozen=True)
class ScoreResult(Generic[G]):
    """A computed score. ``value`` is the score (points, or the formula's result rounded
    to four decimals); ``group`` was decided on the unrounded value."""

    score: str
    value: Decimal
    group: G
    group_label: str
    reference: Reference
    points: tuple[Points, ...] = ()


FOUR_PLACES = Decimal("0.0001")


def four_places(value: Decimal) -> Decimal:
    """A formula's result as reported: four decimals, halves rounded up."""
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def points_score(
    score: str,
    points: tuple[Points, ...],
    *,
    groups: Sequence[Band[G]],
    labels: Mapping[G, str],
    reference: Reference,
) -> ScoreResult[G]:
    """A points score: the factors' points added up, the group read from the published
    table ``groups``."""
    total = sum((p.points for p in points), Decimal(0))
    group = band(total, groups)
    return ScoreResult(score, total, group, labels[group], reference, points)


def formula_score(
    score: str,
    value: Decimal,
    terms: tuple[Points, ...],
    *,
    groups: Sequence[Band[G]],
    labels: Mapping[G, str],
    reference: Reference,
) -> ScoreResult[G]:
    """A continuous formula's result: the group decided on the unrounded ``value``, the
    value and each term reported to four decimals."""
    group = band(value, groups)
    return ScoreResult(
        score,
        four_places(value),
        group,
        labels[group],
        reference,
        tuple(Points(t.factor, t.label, four_places(t.points)) for t in terms),
    )


@dataclass(frozen=True)
class StageResult:
    """A stage: ``system`` the stable English id of the classification, ``stage`` the
    published designation ("IIIA", "4S", "IIBE"), ``label`` Italian, ``categories`` what it
    was computed from, as written in the chart ("T2a N1 M0")."""

    system: str
    stage: str
    label: str
    reference: Reference
    categories: str = ""
