"""Chronic GVHD against the NIH 2014 consensus (Jagasia et al., BBMT 2015;21:389-401):
the lung score bands and the global severity rules, cases written out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.cgvhd import (
    ORGANS,
    OrganScores,
    Severity,
    global_severity,
    lung_score,
)

# FEV1 % predicted -> lung score (≥80 0, 60-79 1, 40-59 2, ≤39 3)
FEV1 = [
    ("110", 0),
    ("80", 0),
    ("79", 1),
    ("79.5", 1),
    ("60", 1),
    ("59", 2),
    ("40", 2),
    ("39", 3),
    ("39.9", 3),
    ("15", 3),
]


@pytest.mark.parametrize(("fev1", "score"), FEV1)
def test_lung_score_from_fev1(fev1: str, score: int) -> None:
    assert lung_score(fev1_percent=D(fev1)) == score


def test_lung_score_takes_the_higher_of_fev1_and_symptoms() -> None:
    assert lung_score(fev1_percent=D(85), symptom_score=2) == 2  # breathless on flat ground
    assert lung_score(fev1_percent=D(45), symptom_score=1) == 2
    assert lung_score(symptom_score=3) == 3


def scores(**given_scores: int) -> OrganScores:
    zero = dict.fromkeys(ORGANS, 0)
    return OrganScores(**{**zero, **given_scores})


# NIH 2014 Table 6, case by case
SEVERITY = [
    ({}, Severity.NONE),
    ({"skin": 1}, Severity.MILD),  # 1 organ, score 1
    ({"skin": 1, "mouth": 1}, Severity.MILD),  # 2 organs, score 1, lung 0
    ({"skin": 1, "mouth": 1, "eyes": 1}, Severity.MODERATE),  # 3 organs score 1
    ({"mouth": 2}, Severity.MODERATE),  # one organ score 2
    ({"lungs": 1}, Severity.MODERATE),  # lung 1 alone
    ({"skin": 1, "lungs": 1}, Severity.MODERATE),
    ({"joints_fascia": 3}, Severity.SEVERE),  # any organ score 3
    ({"lungs": 2}, Severity.SEVERE),  # lung 2
    ({"skin": 1, "lungs": 3}, Severity.SEVERE),
    ({"skin": 2, "mouth": 2, "eyes": 2, "gi": 2}, Severity.MODERATE),  # many 2s, no 3: moderate
    ({"genital": 1, "liver": 1}, Severity.MILD),
]


@pytest.mark.parametrize(("given_scores", "severity"), SEVERITY)
def test_global_severity_by_nih_2014(given_scores: dict[str, int], severity: Severity) -> None:
    assert global_severity(scores(**given_scores)) is severity


def test_an_organ_explained_by_another_cause_is_left_out() -> None:
    # eyes 3 from documented cataract (not GVHD), skin 1 from GVHD: mild, not severe
    assert (
        global_severity(scores(skin=1, eyes=3), explained_by_other_cause={"eyes"}) is Severity.MILD
    )
    # three organs score 1, one of them fully explained otherwise: two remain, mild
    assert (
        global_severity(scores(skin=1, mouth=1, liver=1), explained_by_other_cause=["liver"])
        is Severity.MILD
    )


def test_genital_tract_may_be_unscored() -> None:
    unscored = OrganScores(
        skin=1, mouth=1, eyes=0, gi=0, liver=0, lungs=0, joints_fascia=0, genital=None
    )
    assert global_severity(unscored) is Severity.MILD


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lung_score, "lung_measure_missing"),
        (lambda: lung_score(fev1_percent=D(-3)), "fev1_negative"),
        (lambda: lung_score(fev1_percent=D(250)), "fev1_out_of_range"),
        (lambda: lung_score(symptom_score=4), "lung_symptom_out_of_range"),
        (lambda: scores(skin=4), "skin_score_out_of_range"),
        (lambda: scores(mouth=-1), "mouth_score_negative"),
        (lambda: global_severity(scores(), explained_by_other_cause=["spleen"]), "organ_unknown"),
    ],
)
def test_bad_input_is_refused(call: object, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        call()  # type: ignore[operator]  # each case a callable
    assert refused.value.code == code


score03 = st.integers(0, 3)
organ_scores = st.fixed_dictionaries({name: score03 for name in ORGANS})
ORDER = [Severity.NONE, Severity.MILD, Severity.MODERATE, Severity.SEVERE]


@given(organ_scores, st.sampled_from(ORGANS))
def test_a_worse_organ_never_lowers_the_severity(values: dict[str, int], organ: str) -> None:
    worse = {**values, organ: min(3, values[organ] + 1)}
    assert ORDER.index(global_severity(scores(**worse))) >= ORDER.index(
        global_severity(scores(**values))
    )


@given(organ_scores)
def test_severe_exactly_when_a_score_3_or_lung_2(values: dict[str, int]) -> None:
    severe = global_severity(scores(**values)) is Severity.SEVERE
    assert severe == (3 in values.values() or values["lungs"] >= 2)


@given(
    st.decimals(min_value=0, max_value=200, places=1),
    st.decimals(min_value=0, max_value=200, places=1),
)
def test_a_lower_fev1_never_lowers_the_lung_score(a: D, b: D) -> None:
    low, high = sorted((a, b))
    assert lung_score(fev1_percent=low) >= lung_score(fev1_percent=high)
