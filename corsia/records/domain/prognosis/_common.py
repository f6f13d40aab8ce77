"""Inputs several prognostic scores share, validated once: age, ECOG, LDH against its
upper limit of normal, Ann Arbor stage."""

from __future__ import annotations

from decimal import Decimal

from corsia.records.domain.inputs import number_in_range, whole_in_range

ZERO = Decimal(0)
ONE = Decimal(1)


def adult_age(age_years: int | None) -> int:
    """Adult scores: 18–120 years."""
    return whole_in_range(age_years, field="age_years", label="Età", low=18, high=120, unit="anni")


def ecog(value: int | None) -> int:
    return whole_in_range(value, field="ecog_ps", label="Performance status ECOG", low=0, high=4)


def ann_arbor_stage(value: int | None) -> int:
    return whole_in_range(value, field="ann_arbor", label="Stadio Ann Arbor", low=1, high=4)


def ldh_ratio(ldh: Decimal | int | None, ldh_uln: Decimal | int | None) -> Decimal:
    """LDH divided by the laboratory's upper limit of normal (both U/L)."""
    value = number_in_range(ldh, field="ldh", label="LDH", low=1, high=100000, unit="U/L")
    uln = number_in_range(
        ldh_uln, field="ldh_uln", label="Limite superiore LDH", low=50, high=2000, unit="U/L"
    )
    return value / uln


def point(condition: bool) -> Decimal:
    return ONE if condition else ZERO
