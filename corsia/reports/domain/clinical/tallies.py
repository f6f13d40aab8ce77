"""Counts the clinical statistics share: by a key, by age band and sex, first occurrences in
a period, lengths of stay."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# The bands of the Italian cancer registries' tables (AIRTUM), children apart.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"),
    (18, 39, "18-39"),
    (40, 49, "40-49"),
    (50, 59, "50-59"),
    (60, 69, "60-69"),
    (70, 79, "70-79"),
    (80, None, "80+"),
)
NOT_RECORDED = "non indicato"


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Period:
    """Closed interval of days [first, last]."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("period ends before it starts")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def count_by(rows: Iterable[T], key: Callable[[T], str]) -> list[Count]:
    """How many rows per label (an empty label counts as 'non indicato'), most first, then
    by label."""
    tally = Counter((key(r) or NOT_RECORDED) for r in rows)
    return [Count(label, n) for label, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]


def distinct_count_by(
    rows: Iterable[T], key: Callable[[T], str], who: Callable[[T], int]
) -> list[Count]:
    """How many distinct patients (``who``) per label."""
    seen: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        seen[key(r) or NOT_RECORDED].add(who(r))
    return [
        Count(label, len(ids))
        for label, ids in sorted(seen.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def first_per_patient(
    rows: Iterable[T], who: Callable[[T], int], when: Callable[[T], date]
) -> list[T]:
    """Each patient's earliest row (ties: the first met)."""
    first: dict[int, T] = {}
    for r in rows:
        p = who(r)
        if p not in first or when(r) < when(first[p]):
            first[p] = r
    return [first[p] for p in sorted(first)]


def age_on(born: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int) -> str:
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    raise ValueError("negative age")


@dataclass(frozen=True, slots=True)
class DemographicRow:
    band: str
    female: int
    male: int
    other: int

    @property
    def total(self) -> int:
        return self.female + self.male + self.other


def demographics(people: Iterable[tuple[str, date]], on: date) -> list[DemographicRow]:
    """Patients (sex 'F'/'M'/other, date of birth) by age band on ``on`` and sex, every band
    listed (zeros included) in order."""
    table: dict[str, Counter[str]] = {label: Counter() for _, _, label in AGE_BANDS}
    for sex, born in people:
        table[age_band(age_on(born, on))][sex if sex in ("F", "M") else "X"] += 1
    return [
        DemographicRow(label, table[label]["F"], table[label]["M"], table[label]["X"])
        for _, _, label in AGE_BANDS
    ]


def stay_days(admitted: date, discharged: date) -> int:
    """Days of stay as the hospital discharge record (SDO) counts them: discharge date minus
    admission date; a same-day stay counts 1."""
    return max((discharged - admitted).days, 1)


@dataclass(frozen=True, slots=True)
class StaySummary:
    label: str  # the ward or the kind of stay
    admissions: int  # admitted in the period
    discharges: int  # discharged in the period
    bed_days: int  # of the stays discharged in the period
    mean_days: Decimal | None
    median_days: Decimal | None
    longest_days: int | None


def stay_summary(label: str, admitted_in_period: int, lengths: list[int]) -> StaySummary:
    if not lengths:
        return StaySummary(label, admitted_in_period, 0, 0, None, None, None)
    mean = (Decimal(sum(lengths)) / len(lengths)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    median = Decimal(str(statistics.median(lengths))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return StaySummary(
        label, admitted_in_period, len(lengths), sum(lengths), mean, median, max(lengths)
    )


def group(rows: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    out: dict[K, list[T]] = defaultdict(list)
    for r in rows:
        out[key(r)].append(r)
    return dict(out)
