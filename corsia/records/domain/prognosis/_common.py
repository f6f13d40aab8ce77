"""Inputs several prognostic scores share: age, ECOG, Ann Arbor stage."""

from __future__ import annotations

from decimal import Decimal

from corsia.records.domain.inputs import whole_in_range

ZERO = Decimal(0)
ONE = Decimal(1)


def adult_age(age_years: int | None) -> int:
    """Adult scores: 18–120 years."""
    return whole_in_range(age_years, field="age_years", label="Età", low=18, high=120, unit="anni")


def ecog(value: int | None) -> int:
    return whole_in_range(value, field="ecog_ps", label="Performance status ECOG", low=0, high=4)


def ann_arbor_stage(value: int | None) -> int:
    return whole_in_range(value, field="ann_arbor", label="Stadio Ann Arbor", low=1, high=4)


def point(condition: bool) -> Decimal:
    return ONE if condition else ZERO
