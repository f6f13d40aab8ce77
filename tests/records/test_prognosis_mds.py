"""IPSS, IPSS-R, IPSS-RA and WPSS against hand calculations from the published tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.records.domain.errors import (
    ClinicalInputMissing,
    ClinicalInputOutOfRange,
    ClinicalInputsInconsistent,
)
from corsia.records.domain.prognosis.mds import (
    FiveTierGroup,
    IpssGroup,
    IpssKaryotype,
    IpssRKaryotype,
    ipss,
    ipss_r,
    ipss_r_group,
    ipss_ra,
    wpss,
)

IPSS_BASE: dict[str, Any] = {
    "marrow_blasts_pct": 2,
    "karyotype": IpssKaryotype.GOOD,
    "haemoglobin_g_dl": 12,
    "anc_10e9_l": 3,
    "platelets_10e9_l": 200,
}


def test_ipss_worked_example() -> None:
    # Given blasts 12 % (11–20: 1.5), intermediate karyotype (0.5),
    # Hb 9 < 10 and ANC 1.5 < 1.8 but platelets 150 ≥ 100: 2 cytopenias (0.5)
    result = ipss(
        marrow_blasts_pct=12,
        karyotype="intermediate",
        haemoglobin_g_dl=9,
        anc_10e9_l=Decimal("1.5"),
        platelets_10e9_l=150,
    )
    # Then 1.5 + 0.5 + 0.5 = 2.5: high
    assert result.value == Decimal("2.5")
    assert result.group is IpssGroup.HIGH
    assert result.reference.short == "Greenberg 1997"


@pytest.mark.parametrize(
    ("blasts", "points"),
    [
        (Decimal("4.9"), Decimal(0)),
        (5, Decimal("0.5")),
        (10, Decimal("0.5")),
        (Decimal("10.1"), Decimal("1.5")),
        (20, Decimal("1.5")),
        (21, Decimal("2.0")),
        (30, Decimal("2.0")),
    ],
)
def test_ipss_marrow_blast_bands(blasts: Decimal | int, points: Decimal) -> None:
    assert ipss(**(IPSS_BASE | {"marrow_blasts_pct": blasts})).value == points


@pytest.mark.parametrize(
    ("change", "value", "group"),
    [
        ({}, Decimal(0), IpssGroup.LOW),
        ({"haemoglobin_g_dl": Decimal("9.9")}, Decimal(0), IpssGroup.LOW),  # one cytopenia
        (
            {"haemoglobin_g_dl": Decimal("9.9"), "anc_10e9_l": Decimal("1.79")},
            Decimal("0.5"),
            IpssGroup.INTERMEDIATE_1,
        ),
        ({"haemoglobin_g_dl": 10, "anc_10e9_l": Decimal("1.8")}, Decimal(0), IpssGroup.LOW),
        ({"karyotype": "poor"}, Decimal("1.0"), IpssGroup.INTERMEDIATE_1),
        ({"karyotype": "poor", "marrow_blasts_pct": 5}, Decimal("1.5"), IpssGroup.INTERMEDIATE_2),
        # poor 1.0 + blasts 5 % 0.5 + Hb 9 and platelets 90 (two cytopenias) 0.5 = 2.0
        (
            {
                "karyotype": "poor",
                "marrow_blasts_pct": 5,
                "haemoglobin_g_dl": 9,
                "platelets_10e9_l": 90,
            },
            Decimal("2.0"),
            IpssGroup.INTERMEDIATE_2,
        ),
        ({"karyotype": "poor", "marrow_blasts_pct": 11}, Decimal("2.5"), IpssGroup.HIGH),
    ],
)
def test_ipss_cytopenias_and_groups(
    change: dict[str, Any], value: Decimal, group: IpssGroup
) -> None:
    result = ipss(**(IPSS_BASE | change))
    assert (result.value, result.group) == (value, group)


@given(
    blasts=st.decimals(Decimal(0), Decimal(30), places=1),
    more=st.decimals(Decimal(0), Decimal(30), places=1),
    karyotype=st.sampled_from(IpssKaryotype),
    hb=st.decimals(Decimal(3), Decimal(16), places=1),
    anc=st.decimals(Decimal(0), Decimal(10), places=2),
    platelets=st.integers(0, 600),
)
def test_ipss_never_falls_as_blasts_rise_and_stays_in_its_groups(
    *,
    blasts: Decimal,
    more: Decimal,
    karyotype: IpssKaryotype,
    hb: Decimal,
    anc: Decimal,
    platelets: int,
) -> None:
    common: dict[str, Any] = {
        "karyotype": karyotype,
        "haemoglobin_g_dl": hb,
        "anc_10e9_l": anc,
        "platelets_10e9_l": platelets,
    }
    base = ipss(marrow_blasts_pct=blasts, **common)
    worse = ipss(marrow_blasts_pct=min(blasts + more, Decimal(30)), **common)
    assert Decimal(0) <= base.value <= worse.value <= Decimal("3.5")
    assert worse.group in IpssGroup


def test_ipss_refuses_more_than_30_percent_blasts_and_an_unknown_karyotype() -> None:
    with pytest.raises(ClinicalInputOutOfRange):
        ipss(**(IPSS_BASE | {"marrow_blasts_pct": 31}))
    with pytest.raises(ClinicalInputOutOfRange) as caught:
        ipss(**(IPSS_BASE | {"karyotype": "complex"}))
    assert caught.value.field == "karyotype"


IPSS_R_BASE: dict[str, Any] = {
    "marrow_blasts_pct": 1,
    "karyotype": IpssRKaryotype.VERY_GOOD,
    "haemoglobin_g_dl": 12,
    "platelets_10e9_l": 200,
    "anc_10e9_l": 2,
}


def test_ipss_r_worked_example() -> None:
    # Given good karyotype (1), blasts 3 % (> 2 to < 5: 1), Hb 9 (8 to < 10: 1),
    # platelets 80 (50 to < 100: 0.5), ANC 1.0 (≥ 0.8: 0)
    result = ipss_r(
        marrow_blasts_pct=3,
        karyotype="good",
        haemoglobin_g_dl=9,
        platelets_10e9_l=80,
        anc_10e9_l=1,
    )
    # Then 1 + 1 + 1 + 0.5 + 0 = 3.5: intermediate (> 3 to 4.5)
    assert result.value == Decimal("3.5")
    assert result.group is FiveTierGroup.INTERMEDIATE
    assert result.reference.short == "Greenberg 2012"


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ({"marrow_blasts_pct": 2}, Decimal(0)),
        ({"marrow_blasts_pct": Decimal("2.1")}, Decimal(1)),
        ({"marrow_blasts_pct": Decimal("4.9")}, Decimal(1)),
        ({"marrow_blasts_pct": 5}, Decimal(2)),
        ({"marrow_blasts_pct": 10}, Decimal(2)),
        ({"marrow_blasts_pct": Decimal("10.1")}, Decimal(3)),
        ({"haemoglobin_g_dl": 10}, Decimal(0)),
        ({"haemoglobin_g_dl": Decimal("9.9")}, Decimal(1)),
        ({"haemoglobin_g_dl": 8}, Decimal(1)),
        ({"haemoglobin_g_dl": Decimal("7.9")}, Decimal("1.5")),
        ({"platelets_10e9_l": 100}, Decimal(0)),
        ({"platelets_10e9_l": 99}, Decimal("0.5")),
        ({"platelets_10e9_l": 50}, Decimal("0.5")),
        ({"platelets_10e9_l": 49}, Decimal(1)),
        ({"anc_10e9_l": Decimal("0.8")}, Decimal(0)),
        ({"anc_10e9_l": Decimal("0.79")}, Decimal("0.5")),
        ({"karyotype": "good"}, Decimal(1)),
        ({"karyotype": "intermediate"}, Decimal(2)),
        ({"karyotype": "poor"}, Decimal(3)),
        ({"karyotype": "very_poor"}, Decimal(4)),
    ],
)
def test_ipss_r_bands(change: dict[str, Any], value: Decimal) -> None:
    assert ipss_r(**(IPSS_R_BASE | change)).value == value


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (Decimal("1.5"), FiveTierGroup.VERY_LOW),
        (Decimal(2), FiveTierGroup.LOW),
        (Decimal(3), FiveTierGroup.LOW),
        (Decimal("3.5"), FiveTierGroup.INTERMEDIATE),
        (Decimal("4.5"), FiveTierGroup.INTERMEDIATE),
        (Decimal(5), FiveTierGroup.HIGH),
        (Decimal(6), FiveTierGroup.HIGH),
        (Decimal("6.5"), FiveTierGroup.VERY_HIGH),
    ],
)
def test_ipss_r_cut_offs(value: Decimal, group: FiveTierGroup) -> None:
    assert ipss_r_group(value) is group


def test_ipss_ra_moves_an_older_patient_up_a_group() -> None:
    # Given IPSS-R 3 (intermediate karyotype 2 + blasts 3 % 1) at age 80
    base = ipss_r(**(IPSS_R_BASE | {"karyotype": "intermediate", "marrow_blasts_pct": 3}))
    assert base.value == 3
    result = ipss_ra(ipss_r_result=base, age_years=80)
    # Then 3 + (80 − 70) × (0.05 − 3 × 0.005) = 3 + 10 × 0.035 = 3.35: intermediate, not low
    assert result.value == Decimal("3.3500")
    assert result.group is FiveTierGroup.INTERMEDIATE
    # And at 60: 3 + (−10) × 0.035 = 2.65: low
    assert ipss_ra(ipss_r_result=base, age_years=60).value == Decimal("2.6500")


@given(
    blasts=st.decimals(Decimal(0), Decimal(30), places=1),
    more_blasts=st.decimals(Decimal(0), Decimal(30), places=1),
    hb=st.decimals(Decimal(3), Decimal(16), places=1),
    less_hb=st.decimals(Decimal(0), Decimal(5), places=1),
    platelets=st.integers(1, 600),
    anc=st.decimals(Decimal(0), Decimal(10), places=2),
    karyotype=st.sampled_from(IpssRKaryotype),
)
def test_ipss_r_never_falls_as_blasts_rise_or_haemoglobin_falls(
    *,
    blasts: Decimal,
    more_blasts: Decimal,
    hb: Decimal,
    less_hb: Decimal,
    platelets: int,
    anc: Decimal,
    karyotype: IpssRKaryotype,
) -> None:
    common: dict[str, Any] = {
        "karyotype": karyotype,
        "platelets_10e9_l": platelets,
        "anc_10e9_l": anc,
    }
    base = ipss_r(marrow_blasts_pct=blasts, haemoglobin_g_dl=hb, **common)
    worse = ipss_r(
        marrow_blasts_pct=min(blasts + more_blasts, Decimal(30)),
        haemoglobin_g_dl=max(hb - less_hb, Decimal(2)),
        **common,
    )
    assert Decimal(0) <= base.value <= worse.value <= 10
    assert worse.group in FiveTierGroup


def test_wpss_2007_with_transfusion_dependency() -> None:
    # Given RAEB-1 (2), poor karyotype (2), transfusion dependent (1)
    result = wpss(who_category="raeb_1", karyotype="poor", transfusion_dependent=True)
    # Then 5: very high
    assert result.value == 5
    assert result.group is FiveTierGroup.VERY_HIGH
    assert result.reference.short == "Malcovati 2007"


def test_wpss_2011_severe_anaemia_threshold_depends_on_sex() -> None:
    # Given RCMD (1), good karyotype (0), Hb 8.5 g/dL
    common: dict[str, Any] = {
        "who_category": "rcmd",
        "karyotype": "good",
        "haemoglobin_g_dl": Decimal("8.5"),
    }
    # Then a woman is not severely anaemic (< 8): 1, low; a man is (< 9): 2, intermediate
    female = wpss(sex="female", **common)
    male = wpss(sex="male", **common)
    assert (female.value, female.group) == (Decimal(1), FiveTierGroup.LOW)
    assert (male.value, male.group) == (Decimal(2), FiveTierGroup.INTERMEDIATE)
    assert male.reference.short == "Malcovati 2011"


@pytest.mark.parametrize(
    ("category", "karyotype", "dependent", "group"),
    [
        ("ra", "good", False, FiveTierGroup.VERY_LOW),
        ("rars", "intermediate", False, FiveTierGroup.LOW),
        ("del_5q", "good", True, FiveTierGroup.LOW),
        ("rcmd_rs", "intermediate", False, FiveTierGroup.INTERMEDIATE),
        ("raeb_1", "intermediate", False, FiveTierGroup.HIGH),
        ("raeb_2", "intermediate", False, FiveTierGroup.HIGH),
        ("raeb_2", "poor", False, FiveTierGroup.VERY_HIGH),
        ("raeb_2", "poor", True, FiveTierGroup.VERY_HIGH),
    ],
)
def test_wpss_groups(category: str, karyotype: str, dependent: bool, group: FiveTierGroup) -> None:
    result = wpss(who_category=category, karyotype=karyotype, transfusion_dependent=dependent)
    assert result.group is group


def test_wpss_every_combination_sums_its_points_into_a_defined_group() -> None:
    category_points = {
        "ra": 0,
        "rars": 0,
        "del_5q": 0,
        "rcmd": 1,
        "rcmd_rs": 1,
        "raeb_1": 2,
        "raeb_2": 3,
    }
    karyotype_points = {"good": 0, "intermediate": 1, "poor": 2}
    expected_group = {
        0: FiveTierGroup.VERY_LOW,
        1: FiveTierGroup.LOW,
        2: FiveTierGroup.INTERMEDIATE,
        3: FiveTierGroup.HIGH,
        4: FiveTierGroup.HIGH,
        5: FiveTierGroup.VERY_HIGH,
        6: FiveTierGroup.VERY_HIGH,
    }
    for category, c_points in category_points.items():
        for karyotype, k_points in karyotype_points.items():
            for dependent in (False, True):
                total = c_points + k_points + int(dependent)
                result = wpss(
                    who_category=category, karyotype=karyotype, transfusion_dependent=dependent
                )
                assert (result.value, result.group) == (Decimal(total), expected_group[total])


def test_wpss_needs_exactly_one_anaemia_measure() -> None:
    with pytest.raises(ClinicalInputsInconsistent):
        wpss(
            who_category="ra",
            karyotype="good",
            transfusion_dependent=True,
            haemoglobin_g_dl=10,
            sex="male",
        )
    with pytest.raises(ClinicalInputMissing) as caught:
        wpss(who_category="ra", karyotype="good")
    assert caught.value.field == "transfusion_dependent"
    with pytest.raises(ClinicalInputMissing) as caught:
        wpss(who_category="ra", karyotype="good", haemoglobin_g_dl=10)
    assert caught.value.field == "sex"
