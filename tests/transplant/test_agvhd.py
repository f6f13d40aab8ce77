"""Acute GVHD against the MAGIC tables (Harris et al., BBMT 2016;22:4-10, Tables 1 and 2),
written out here by hand; never against the functions' own output."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.agvhd import (
    Grade,
    OrganStages,
    liver_stage,
    lower_gi_stage,
    magic_grade,
    skin_stage,
    upper_gi_stage,
)

# Table 1, skin: % BSA of maculopapular rash (bullae, desquamation % BSA) -> stage
SKIN = [
    ("0", False, "0", 0),
    ("10", False, "0", 1),
    ("24.9", False, "0", 1),
    ("25", False, "0", 2),
    ("50", False, "0", 2),
    ("50.1", False, "0", 3),
    ("80", True, "5", 3),  # bullae but desquamation not > 5 %: stage 3
    ("80", False, "20", 3),  # desquamation without bullae: stage 3
    ("60", True, "5.1", 4),  # generalised erythroderma + bullae + desquamation > 5 %
    ("100", True, "40", 4),
    ("40", True, "10", 2),  # bullae on a 40 % rash: not erythroderma, stage 2
]


@pytest.mark.parametrize(("rash", "bullae", "desq", "stage"), SKIN)
def test_skin_stage_by_magic_table_1(rash: str, bullae: bool, desq: str, stage: int) -> None:
    assert (
        skin_stage(rash_bsa_percent=D(rash), bullae=bullae, desquamation_bsa_percent=D(desq))
        == stage
    )


# Table 1, liver: total bilirubin mg/dL -> stage (<2 0, 2.1-3 1, 3.1-6 2, 6.1-15 3, >15 4)
LIVER_MG = [
    ("0.4", 0),
    ("2.0", 0),
    ("2.1", 1),
    ("3.0", 1),
    ("3.1", 2),
    ("6.0", 2),
    ("6.1", 3),
    ("15", 3),
    ("15.1", 4),
    ("30", 4),
]


@pytest.mark.parametrize(("mg", "stage"), LIVER_MG)
def test_liver_stage_in_mg_dl(mg: str, stage: int) -> None:
    assert liver_stage(D(mg), "mg/dL") == stage


# the same thresholds in µmol/L (× 17.1, by hand): 2 = 34.2, 3 = 51.3, 6 = 102.6, 15 = 256.5
LIVER_UMOL = [
    ("20", 0),
    ("34.2", 0),
    ("34.3", 1),
    ("51.3", 1),
    ("51.4", 2),
    ("102.6", 2),
    ("102.7", 3),
    ("256.5", 3),
    ("256.6", 4),
]


@pytest.mark.parametrize(("umol", "stage"), LIVER_UMOL)
def test_liver_stage_in_umol_l(umol: str, stage: int) -> None:
    assert liver_stage(D(umol), "µmol/L") == stage


def test_upper_gi_is_persistent_symptoms_only() -> None:
    assert upper_gi_stage(persistent_nausea_vomiting_anorexia=True) == 1
    assert upper_gi_stage(persistent_nausea_vomiting_anorexia=False) == 0


# Table 1, lower GI, adults: mL/day (<500 0, 500-999 1, 1000-1500 2, >1500 3)
ADULT_ML = [
    ("0", 0),
    ("499", 0),
    ("500", 1),
    ("999", 1),
    ("999.9", 1),
    ("1000", 2),
    ("1500", 2),
    ("1501", 3),
    ("3000", 3),
]


@pytest.mark.parametrize(("ml", "stage"), ADULT_ML)
def test_lower_gi_adult_volume(ml: str, stage: int) -> None:
    got = lower_gi_stage(
        stool_ml_per_day=D(ml),
        episodes_per_day=None,
        severe_pain_or_ileus=False,
        grossly_bloody_stool=False,
    )
    assert got == stage


# adults, episodes/day (<3 0, 3-4 1, 5-7 2, >7 3)
ADULT_EPISODES = [(2, 0), (3, 1), (4, 1), (5, 2), (7, 2), (8, 3)]


@pytest.mark.parametrize(("n", "stage"), ADULT_EPISODES)
def test_lower_gi_adult_episodes(n: int, stage: int) -> None:
    got = lower_gi_stage(
        stool_ml_per_day=None,
        episodes_per_day=n,
        severe_pain_or_ileus=False,
        grossly_bloody_stool=False,
    )
    assert got == stage


# children: mL/kg/day (<10 0, 10-19.9 1, 20-30 2, >30 3); a 20 kg child: 200, 400, 600 mL
CHILD_ML = [("199", 0), ("200", 1), ("398", 1), ("400", 2), ("600", 2), ("601", 3)]


@pytest.mark.parametrize(("ml", "stage"), CHILD_ML)
def test_lower_gi_child_volume_per_kg(ml: str, stage: int) -> None:
    got = lower_gi_stage(
        stool_ml_per_day=D(ml),
        episodes_per_day=None,
        severe_pain_or_ileus=False,
        grossly_bloody_stool=False,
        paediatric=True,
        weight_kg=D(20),
    )
    assert got == stage


# children, episodes/day (<4 0, 4-6 1, 7-10 2, >10 3)
@pytest.mark.parametrize(("n", "stage"), [(3, 0), (4, 1), (6, 1), (7, 2), (10, 2), (11, 3)])
def test_lower_gi_child_episodes(n: int, stage: int) -> None:
    got = lower_gi_stage(
        stool_ml_per_day=None,
        episodes_per_day=n,
        severe_pain_or_ileus=False,
        grossly_bloody_stool=False,
        paediatric=True,
    )
    assert got == stage


def test_a_child_over_50_kg_is_staged_on_adult_values() -> None:
    # 1200 mL/day: a 60 kg child -> adult table, stage 2 (20 mL/kg would also be 2);
    # 900 mL/day: 60 kg -> adult stage 1 (15 mL/kg), 45 kg -> 20 mL/kg, child stage 2
    def stage(ml: int, kg: int) -> int:
        return lower_gi_stage(
            stool_ml_per_day=D(ml),
            episodes_per_day=None,
            severe_pain_or_ileus=False,
            grossly_bloody_stool=False,
            paediatric=True,
            weight_kg=D(kg),
        )

    assert stage(1200, 60) == 2
    assert stage(900, 60) == 1
    assert stage(900, 45) == 2

    def by_episodes(n: int, kg: int) -> int:
        return lower_gi_stage(
            stool_ml_per_day=None,
            episodes_per_day=n,
            severe_pain_or_ileus=False,
            grossly_bloody_stool=False,
            paediatric=True,
            weight_kg=D(kg),
        )

    # 3 episodes: child table (50 kg) stage 0, adult table (51 kg) stage 1
    assert by_episodes(3, 50) == 0
    assert by_episodes(3, 51) == 1


def test_lower_gi_stage_4_whatever_the_volume_and_higher_criterion_wins() -> None:
    assert (
        lower_gi_stage(
            stool_ml_per_day=D(100),
            episodes_per_day=None,
            severe_pain_or_ileus=True,
            grossly_bloody_stool=False,
        )
        == 4
    )
    assert (
        lower_gi_stage(
            stool_ml_per_day=None,
            episodes_per_day=1,
            severe_pain_or_ileus=False,
            grossly_bloody_stool=True,
        )
        == 4
    )
    # 600 mL (stage 1) but 6 episodes (stage 2): stage 2
    assert (
        lower_gi_stage(
            stool_ml_per_day=D(600),
            episodes_per_day=6,
            severe_pain_or_ileus=False,
            grossly_bloody_stool=False,
        )
        == 2
    )


# Table 2, overall grade: (skin, liver, upper GI, lower GI) -> grade
GRADES = [
    ((0, 0, 0, 0), Grade.NONE),
    ((1, 0, 0, 0), Grade.I),
    ((2, 0, 0, 0), Grade.I),
    ((3, 0, 0, 0), Grade.II),
    ((0, 1, 0, 0), Grade.II),
    ((0, 0, 1, 0), Grade.II),
    ((0, 0, 0, 1), Grade.II),
    ((2, 1, 1, 1), Grade.II),
    ((0, 2, 0, 0), Grade.III),
    ((0, 3, 0, 0), Grade.III),
    ((0, 0, 0, 2), Grade.III),
    ((3, 0, 1, 3), Grade.III),
    ((4, 0, 0, 0), Grade.IV),
    ((0, 4, 0, 0), Grade.IV),
    ((0, 0, 0, 4), Grade.IV),
    ((4, 3, 1, 3), Grade.IV),
]


@pytest.mark.parametrize(("stages", "grade"), GRADES)
def test_overall_grade_by_magic_table_2(stages: tuple[int, int, int, int], grade: Grade) -> None:
    skin, liver, upper, lower = stages
    assert magic_grade(OrganStages(skin=skin, liver=liver, upper_gi=upper, lower_gi=lower)) is grade


def test_grade_roman_names() -> None:
    assert [g.roman for g in Grade] == ["0", "I", "II", "III", "IV"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"rash_bsa_percent": D(-1), "bullae": False, "desquamation_bsa_percent": D(0)},
            "rash_bsa_negative",
        ),
        (
            {"rash_bsa_percent": D(101), "bullae": False, "desquamation_bsa_percent": D(0)},
            "rash_bsa_out_of_range",
        ),
        (
            {"rash_bsa_percent": D("NaN"), "bullae": False, "desquamation_bsa_percent": D(0)},
            "rash_bsa_invalid",
        ),
        (
            {"rash_bsa_percent": 30.0, "bullae": False, "desquamation_bsa_percent": D(0)},
            "rash_bsa_invalid",
        ),
        (
            {"rash_bsa_percent": D(0), "bullae": True, "desquamation_bsa_percent": D(0)},
            "skin_bullae_without_rash",
        ),
        (
            {"rash_bsa_percent": D(0), "bullae": False, "desquamation_bsa_percent": D(3)},
            "skin_bullae_without_rash",
        ),
        (
            {"rash_bsa_percent": D(30), "bullae": True, "desquamation_bsa_percent": D(40)},
            "skin_desquamation_exceeds_rash",
        ),
    ],
)
def test_inconsistent_skin_is_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        skin_stage(**kwargs)  # type: ignore[arg-type]  # bad input on purpose
    assert refused.value.code == code
    assert refused.value.message  # an Italian sentence for the page


@pytest.mark.parametrize(
    ("value", "unit", "code"),
    [
        (D("-0.1"), "mg/dL", "bilirubin_negative"),
        (D(81), "mg/dL", "bilirubin_out_of_range"),
        (D(2000), "µmol/L", "bilirubin_out_of_range"),
        (D(2), "g/L", "bilirubin_unit_invalid"),
        (D("Infinity"), "mg/dL", "bilirubin_invalid"),
    ],
)
def test_bad_bilirubin_is_refused(value: D, unit: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        liver_stage(value, unit)
    assert refused.value.code == code


def test_bad_lower_gi_input_is_refused() -> None:
    def code(**kwargs: object) -> str:
        base: dict[str, object] = {
            "stool_ml_per_day": None,
            "episodes_per_day": None,
            "severe_pain_or_ileus": False,
            "grossly_bloody_stool": False,
        }
        with pytest.raises(ValidationFailed) as refused:
            lower_gi_stage(**{**base, **kwargs})  # type: ignore[arg-type]  # bad input on purpose
        return refused.value.code

    assert code() == "stool_output_missing"
    assert code(stool_ml_per_day=D(-5)) == "stool_volume_negative"
    assert code(stool_ml_per_day=D(600), paediatric=True) == "weight_missing"
    assert code(stool_ml_per_day=D(600), paediatric=True, weight_kg=D(0)) == "weight_out_of_range"
    assert code(episodes_per_day=-1) == "stool_episodes_negative"
    assert code(episodes_per_day=True) == "stool_episodes_invalid"


@pytest.mark.parametrize(
    ("field", "stages"),
    [
        ("skin_stage", (5, 0, 0, 0)),
        ("upper_gi_stage", (0, 0, 2, 0)),
        ("liver_stage", (0, -1, 0, 0)),
    ],
)
def test_organ_stages_out_of_range_are_refused(
    field: str, stages: tuple[int, int, int, int]
) -> None:
    skin, liver, upper, lower = stages
    with pytest.raises(ValidationFailed) as refused:
        OrganStages(skin=skin, liver=liver, upper_gi=upper, lower_gi=lower)
    assert refused.value.field == field


stage04 = st.integers(0, 4)


@given(
    stage04,
    stage04,
    st.integers(0, 1),
    stage04,
    st.sampled_from(["skin", "liver", "upper_gi", "lower_gi"]),
)
def test_a_worse_organ_never_lowers_the_grade(
    skin: int, liver: int, upper: int, lower: int, organ: str
) -> None:
    before = OrganStages(skin=skin, liver=liver, upper_gi=upper, lower_gi=lower)
    top = 1 if organ == "upper_gi" else 4
    worse = OrganStages(**{**before.__dict__, organ: min(top, getattr(before, organ) + 1)})
    assert magic_grade(worse) >= magic_grade(before)


@given(stage04, stage04, st.integers(0, 1), stage04)
def test_grade_zero_exactly_when_no_organ_is_involved(
    skin: int, liver: int, upper: int, lower: int
) -> None:
    grade = magic_grade(OrganStages(skin=skin, liver=liver, upper_gi=upper, lower_gi=lower))
    assert (grade is Grade.NONE) == (skin == liver == upper == lower == 0)
    assert (grade is Grade.IV) == (4 in (skin, liver, lower))


@given(st.decimals(min_value=0, max_value=80, places=2))
def test_bilirubin_stage_is_the_same_in_either_unit(mg: D) -> None:
    assert liver_stage(mg * D("17.1"), "µmol/L") == liver_stage(mg, "mg/dL")


@given(
    st.decimals(min_value=0, max_value=100, places=1),
    st.decimals(min_value=0, max_value=100, places=1),
)
def test_a_wider_rash_never_lowers_the_skin_stage(a: D, b: D) -> None:
    low, high = sorted((a, b))
    assert skin_stage(
        rash_bsa_percent=low, bullae=False, desquamation_bsa_percent=D(0)
    ) <= skin_stage(rash_bsa_percent=high, bullae=False, desquamation_bsa_percent=D(0))
