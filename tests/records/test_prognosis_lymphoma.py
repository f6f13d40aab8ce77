"""IPI, aaIPI, R-IPI, FLIPI, MIPI against hand calculations from the published formulas
(arithmetic in each test), their thresholds, and invariants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.records.domain.errors import ClinicalInputMissing, ClinicalInputOutOfRange
from corsia.records.domain.prognosis.lymphoma import (
    IpiGroup,
    RIpiGroup,
    ThreeTierGroup,
    age_adjusted_ipi,
    flipi,
    ipi,
    mipi,
    mipi_group,
    r_ipi,
)

IPI_BASE: dict[str, Any] = {
    "age_years": 50,
    "ldh": 200,
    "ldh_uln": 250,
    "ecog_ps": 1,
    "ann_arbor": 2,
    "extranodal_sites": 1,
}


def test_ipi_counts_one_point_per_adverse_factor() -> None:
    # Given age 65 (>60: 1), LDH 300 > ULN 250 (1), ECOG 1 (0), stage III (1), 2 extranodal (1)
    result = ipi(age_years=65, ldh=300, ldh_uln=250, ecog_ps=1, ann_arbor=3, extranodal_sites=2)
    # Then 1 + 1 + 0 + 1 + 1 = 4: high risk; R-IPI 4 ≥ 3: poor
    assert result.value == 4
    assert result.group is IpiGroup.HIGH
    assert result.group_label == "Alto"
    assert result.reference.short == "Shipp 1993"
    assert [p.points for p in result.points] == [1, 1, 0, 1, 1]
    revised = r_ipi(result)
    assert (revised.value, revised.group) == (Decimal(4), RIpiGroup.POOR)
    assert revised.reference.short == "Sehn 2007"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, 0),
        ({"age_years": 60}, 0),  # "> 60": 60 scores nothing
        ({"age_years": 61}, 1),
        ({"ldh": 250}, 0),  # equal to the upper limit is not elevated
        ({"ldh": 251}, 1),
        ({"ecog_ps": 2}, 1),
        ({"ann_arbor": 3}, 1),
        ({"extranodal_sites": 2}, 1),
    ],
)
def test_ipi_thresholds(change: dict[str, Any], expected: int) -> None:
    assert ipi(**(IPI_BASE | change)).value == expected


@pytest.mark.parametrize(
    ("factors", "ipi_group", "r_ipi_group"),
    [
        (0, IpiGroup.LOW, RIpiGroup.VERY_GOOD),
        (1, IpiGroup.LOW, RIpiGroup.GOOD),
        (2, IpiGroup.LOW_INTERMEDIATE, RIpiGroup.GOOD),
        (3, IpiGroup.HIGH_INTERMEDIATE, RIpiGroup.POOR),
        (4, IpiGroup.HIGH, RIpiGroup.POOR),
        (5, IpiGroup.HIGH, RIpiGroup.POOR),
    ],
)
def test_ipi_and_r_ipi_groups(factors: int, ipi_group: IpiGroup, r_ipi_group: RIpiGroup) -> None:
    adverse = [
        {"age_years": 70},
        {"ldh": 400},
        {"ecog_ps": 3},
        {"ann_arbor": 4},
        {"extranodal_sites": 3},
    ]
    inputs = dict(IPI_BASE)
    for change in adverse[:factors]:
        inputs |= change
    result = ipi(**inputs)
    assert (result.value, result.group) == (Decimal(factors), ipi_group)
    assert r_ipi(result).group is r_ipi_group


@pytest.mark.parametrize(
    ("ldh", "ecog_ps", "ann_arbor", "value", "group"),
    [
        (200, 0, 1, 0, IpiGroup.LOW),
        (300, 0, 1, 1, IpiGroup.LOW_INTERMEDIATE),
        (300, 2, 1, 2, IpiGroup.HIGH_INTERMEDIATE),
        (300, 2, 3, 3, IpiGroup.HIGH),
    ],
)
def test_age_adjusted_ipi(
    ldh: int, ecog_ps: int, ann_arbor: int, value: int, group: IpiGroup
) -> None:
    result = age_adjusted_ipi(ldh=ldh, ldh_uln=250, ecog_ps=ecog_ps, ann_arbor=ann_arbor)
    assert (result.value, result.group) == (Decimal(value), group)


def test_r_ipi_only_regroups_the_full_ipi() -> None:
    adjusted = age_adjusted_ipi(ldh=300, ldh_uln=250, ecog_ps=2, ann_arbor=3)
    with pytest.raises(ValueError, match="regroups the IPI"):
        r_ipi(adjusted)


def test_a_missing_input_is_refused_with_the_field_and_an_italian_message() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        ipi(**(IPI_BASE | {"ecog_ps": None}))
    assert caught.value.code == "clinical_input_missing"
    assert caught.value.field == "ecog_ps"
    assert caught.value.message == "Dato mancante: Performance status ECOG."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ecog_ps": 5}, "ecog_ps"),
        ({"ann_arbor": 0}, "ann_arbor"),
        ({"age_years": 17}, "age_years"),
        ({"ldh": 0}, "ldh"),
        ({"ldh_uln": 10}, "ldh_uln"),
        ({"extranodal_sites": -1}, "extranodal_sites"),
        ({"ecog_ps": True}, "ecog_ps"),
    ],
)
def test_out_of_range_inputs_are_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ClinicalInputOutOfRange) as caught:
        ipi(**(IPI_BASE | change))
    assert caught.value.code == "clinical_input_out_of_range"
    assert caught.value.field == field


@given(
    age=st.integers(18, 110),
    older=st.integers(0, 10),
    ldh=st.integers(50, 2000),
    ecog_ps=st.integers(0, 4),
    stage=st.integers(1, 4),
    sites=st.integers(0, 10),
)
def test_ipi_never_falls_with_age_and_stays_in_its_groups(
    *, age: int, older: int, ldh: int, ecog_ps: int, stage: int, sites: int
) -> None:
    inputs = {"ldh": ldh, "ldh_uln": 250, "ecog_ps": ecog_ps, "ann_arbor": stage}
    younger = ipi(age_years=age, extranodal_sites=sites, **inputs)
    elder = ipi(age_years=age + older, extranodal_sites=sites, **inputs)
    assert 0 <= younger.value <= elder.value <= 5
    assert younger.group in IpiGroup
    assert r_ipi(younger).group in RIpiGroup


def test_flipi_worked_example() -> None:
    # Given age 62 (1), stage IV (1), Hb 11.5 < 12 (1), 5 nodal areas > 4 (1), LDH normal (0)
    result = flipi(
        age_years=62,
        ann_arbor=4,
        haemoglobin_g_dl=Decimal("11.5"),
        nodal_areas=5,
        ldh=200,
        ldh_uln=250,
    )
    # Then 4 points: high risk (≥ 3)
    assert result.value == 4
    assert result.group is ThreeTierGroup.HIGH
    assert result.reference.short == "Solal-Céligny 2004"


@pytest.mark.parametrize(
    ("hb", "areas", "stage", "value", "group"),
    [
        (Decimal(12), 4, 2, 0, ThreeTierGroup.LOW),  # Hb 12 is not < 12; 4 areas not > 4
        (Decimal("11.9"), 4, 2, 1, ThreeTierGroup.LOW),
        (Decimal("11.9"), 5, 2, 2, ThreeTierGroup.INTERMEDIATE),
        (Decimal("11.9"), 5, 3, 3, ThreeTierGroup.HIGH),
    ],
)
def test_flipi_thresholds_and_groups(
    hb: Decimal, areas: int, stage: int, value: int, group: ThreeTierGroup
) -> None:
    result = flipi(
        age_years=60, ann_arbor=stage, haemoglobin_g_dl=hb, nodal_areas=areas, ldh=250, ldh_uln=250
    )
    assert (result.value, result.group) == (Decimal(value), group)


@given(
    age=st.integers(18, 110),
    stage=st.integers(1, 4),
    hb=st.decimals(Decimal(3), Decimal(18), places=1),
    less_hb=st.decimals(Decimal(0), Decimal(5), places=1),
    areas=st.integers(0, 15),
    ldh=st.integers(50, 2000),
)
def test_flipi_never_falls_as_haemoglobin_falls_and_stays_in_its_groups(
    *, age: int, stage: int, hb: Decimal, less_hb: Decimal, areas: int, ldh: int
) -> None:
    common: dict[str, Any] = {
        "age_years": age,
        "ann_arbor": stage,
        "nodal_areas": areas,
        "ldh": ldh,
        "ldh_uln": 250,
    }
    base = flipi(haemoglobin_g_dl=hb, **common)
    worse = flipi(haemoglobin_g_dl=max(hb - less_hb, Decimal(2)), **common)
    assert Decimal(0) <= base.value <= worse.value <= 5
    assert worse.group in ThreeTierGroup


def test_mipi_low_risk_hand_calculation() -> None:
    # Given age 50, ECOG 1, LDH = ULN, WBC 10 × 10⁹/L = 10 000 × 10⁶/L
    result = mipi(age_years=50, ecog_ps=1, ldh=200, ldh_uln=200, wbc_10e9_l=10)
    # Then 0.03535 × 50 = 1.7675; ECOG ≤ 1: 0; 1.367 × log10(1) = 0;
    # 0.9393 × log10(10000) = 0.9393 × 4 = 3.7572; total 5.5247 < 5.7: low
    assert result.value == Decimal("5.5247")
    assert result.group is ThreeTierGroup.LOW
    assert result.reference.short == "Hoster 2008"


def test_mipi_high_risk_hand_calculation() -> None:
    # Given age 70, ECOG 2, LDH 400 / ULN 200 = 2, WBC 100 × 10⁹/L = 100 000 × 10⁶/L
    result = mipi(age_years=70, ecog_ps=2, ldh=400, ldh_uln=200, wbc_10e9_l=100)
    # Then 0.03535 × 70 = 2.4745; + 0.6978; + 1.367 × log10(2) = 1.367 × 0.30103 = 0.41151;
    # + 0.9393 × 5 = 4.6965; total 8.2803 ≥ 6.2: high
    assert result.value == Decimal("8.2803")
    assert result.group is ThreeTierGroup.HIGH


@pytest.mark.parametrize(
    ("age", "value", "group"),
    [
        # ECOG 0, LDH = ULN, WBC 10: 0.03535 × age + 3.7572
        (54, Decimal("5.6661"), ThreeTierGroup.LOW),  # 1.9089 + 3.7572
        (55, Decimal("5.7015"), ThreeTierGroup.INTERMEDIATE),  # 1.94425 + 3.7572 = 5.70145
        (69, Decimal("6.1964"), ThreeTierGroup.INTERMEDIATE),  # 2.43915 + 3.7572 = 6.19635
        (70, Decimal("6.2317"), ThreeTierGroup.HIGH),  # 2.4745 + 3.7572
    ],
)
def test_mipi_around_its_cut_offs(age: int, value: Decimal, group: ThreeTierGroup) -> None:
    result = mipi(age_years=age, ecog_ps=0, ldh=200, ldh_uln=200, wbc_10e9_l=10)
    assert (result.value, result.group) == (Decimal(value), group)


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (Decimal("5.6999"), ThreeTierGroup.LOW),
        (Decimal("5.7"), ThreeTierGroup.INTERMEDIATE),
        (Decimal("6.1999"), ThreeTierGroup.INTERMEDIATE),
        (Decimal("6.2"), ThreeTierGroup.HIGH),
    ],
)
def test_mipi_cut_offs_are_exact(value: Decimal, group: ThreeTierGroup) -> None:
    assert mipi_group(value) is group


@given(
    age=st.integers(18, 110),
    ecog_ps=st.integers(0, 4),
    ldh=st.integers(50, 5000),
    more_ldh=st.integers(0, 500),
    wbc=st.decimals(Decimal("0.5"), Decimal(500), places=1),
    more_wbc=st.decimals(Decimal(0), Decimal(100), places=1),
)
def test_mipi_rises_with_ldh_and_white_cells(
    *, age: int, ecog_ps: int, ldh: int, more_ldh: int, wbc: Decimal, more_wbc: Decimal
) -> None:
    low = mipi(age_years=age, ecog_ps=ecog_ps, ldh=ldh, ldh_uln=250, wbc_10e9_l=wbc)
    high = mipi(
        age_years=age, ecog_ps=ecog_ps, ldh=ldh + more_ldh, ldh_uln=250, wbc_10e9_l=wbc + more_wbc
    )
    assert low.value <= high.value
    assert high.group in ThreeTierGroup


def test_mipi_refuses_a_missing_white_cell_count() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        mipi(age_years=60, ecog_ps=0, ldh=200, ldh_uln=200, wbc_10e9_l=None)
    assert caught.value.field == "wbc_10e9_l"
