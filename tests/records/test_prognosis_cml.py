"""Sokal and ELTS against hand calculations of the published formulas, cut-offs, invariants."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.records.domain.errors import ClinicalInputMissing, ClinicalInputOutOfRange
from corsia.records.domain.prognosis.cml import (
    CmlRiskGroup,
    cml_at_diagnosis,
    elts,
    elts_group,
    sokal,
    sokal_group,
)


def test_sokal_high_risk_hand_calculation() -> None:
    # Given age 53, spleen 10 cm, platelets 700 × 10⁹/L, blood blasts 2 %
    result = sokal(
        cml_at_diagnosis(age_years=53, spleen_cm=10, platelets_10e9_l=700, blood_blasts_pct=2)
    )
    # Then the exponent is 0.0116 × (53 − 43.4) = 0.11136
    #   + 0.0345 × (10 − 7.51) = 0.085905
    #   + 0.188 × ((700/700)² − 0.563) = 0.188 × 0.437 = 0.082156
    #   + 0.0887 × (2 − 2.10) = −0.00887
    #   = 0.270551, and exp(0.270551) = 1.3107 > 1.2: high
    assert result.value == Decimal(str(round(math.exp(0.270551), 4)))
    assert result.value == Decimal("1.3107")
    assert result.group is CmlRiskGroup.HIGH
    assert result.reference.short == "Sokal 1984"
    assert [p.points for p in result.points] == [
        Decimal("0.1114"),
        Decimal("0.0859"),
        Decimal("0.0822"),
        Decimal("-0.0089"),
    ]


def test_sokal_low_risk_hand_calculation() -> None:
    # Given age 30, no splenomegaly, platelets 300, no blasts
    result = sokal(
        cml_at_diagnosis(age_years=30, spleen_cm=0, platelets_10e9_l=300, blood_blasts_pct=0)
    )
    # Then 0.0116 × (30 − 43.4) = −0.15544; 0.0345 × (0 − 7.51) = −0.259095;
    # 0.188 × ((300/700)² − 0.563) = 0.188 × (0.183673 − 0.563) = −0.071313;
    # 0.0887 × (0 − 2.10) = −0.18627; sum −0.672118; exp(−0.672118) = 0.5106 < 0.8: low
    assert result.value == Decimal("0.5106")
    assert result.group is CmlRiskGroup.LOW


@pytest.mark.parametrize(
    ("risk", "group"),
    [
        (Decimal("0.7999"), CmlRiskGroup.LOW),
        (Decimal("0.8"), CmlRiskGroup.INTERMEDIATE),
        (Decimal("1.2"), CmlRiskGroup.INTERMEDIATE),
        (Decimal("1.2001"), CmlRiskGroup.HIGH),
    ],
)
def test_sokal_cut_offs(risk: Decimal, group: CmlRiskGroup) -> None:
    assert sokal_group(risk) is group


def test_elts_low_risk_hand_calculation() -> None:
    # Given age 50, no spleen, no blasts, platelets 250
    result = elts(
        cml_at_diagnosis(age_years=50, spleen_cm=0, platelets_10e9_l=250, blood_blasts_pct=0)
    )
    # Then 0.0025 × (50/10)³ = 0.0025 × 125 = 0.3125; 0.4104 × (250/1000)^−0.5 = 0.4104 × 2
    # = 0.8208; total 1.1333 ≤ 1.5680: low
    assert result.value == Decimal("1.1333")
    assert result.group is CmlRiskGroup.LOW
    assert result.reference.short == "Pfirrmann 2016"


def test_elts_intermediate_risk_hand_calculation() -> None:
    # Given age 60, spleen 10 cm, blasts 3 %, platelets 400
    result = elts(
        cml_at_diagnosis(age_years=60, spleen_cm=10, platelets_10e9_l=400, blood_blasts_pct=3)
    )
    # Then 0.0025 × 6³ = 0.54; 0.0615 × 10 = 0.615; 0.1052 × 3 = 0.3156;
    # 0.4104 / √0.4 = 0.4104 / 0.632456 = 0.648898; total 2.119498 ≤ 2.2185: intermediate
    assert result.value == Decimal("2.1195")
    assert result.group is CmlRiskGroup.INTERMEDIATE


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (Decimal("1.5680"), CmlRiskGroup.LOW),
        (Decimal("1.5681"), CmlRiskGroup.INTERMEDIATE),
        (Decimal("2.2185"), CmlRiskGroup.INTERMEDIATE),
        (Decimal("2.2186"), CmlRiskGroup.HIGH),
    ],
)
def test_elts_cut_offs(value: Decimal, group: CmlRiskGroup) -> None:
    assert elts_group(value) is group


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("blood_blasts_pct", 15, ClinicalInputOutOfRange),  # 15 % is no longer chronic phase
        ("blood_blasts_pct", None, ClinicalInputMissing),
        ("spleen_cm", -1, ClinicalInputOutOfRange),
        ("platelets_10e9_l", 0, ClinicalInputOutOfRange),
        ("age_years", None, ClinicalInputMissing),
    ],
)
def test_cml_scores_refuse_bad_inputs(
    field: str, value: int | None, error: type[Exception]
) -> None:
    inputs: dict[str, int | None] = {
        "age_years": 50,
        "spleen_cm": 5,
        "platelets_10e9_l": 300,
        "blood_blasts_pct": 1,
    }
    inputs[field] = value
    with pytest.raises(error):
        cml_at_diagnosis(**inputs)


@given(
    age=st.integers(18, 100),
    spleen=st.integers(0, 30),
    platelets=st.integers(10, 3000),
    blasts=st.integers(0, 14),
    more=st.integers(0, 10),
)
def test_sokal_and_elts_never_fall_when_age_spleen_or_blasts_rise(
    age: int, spleen: int, platelets: int, blasts: int, more: int
) -> None:
    findings = cml_at_diagnosis(
        age_years=age, spleen_cm=spleen, platelets_10e9_l=platelets, blood_blasts_pct=blasts
    )
    worse_findings = cml_at_diagnosis(
        age_years=min(age + more, 120),
        spleen_cm=spleen + more,
        platelets_10e9_l=platelets,
        blood_blasts_pct=min(blasts + more, 14),
    )
    for score in (sokal, elts):
        base = score(findings)
        worse = score(worse_findings)
        assert base.value <= worse.value
        assert worse.group in CmlRiskGroup
