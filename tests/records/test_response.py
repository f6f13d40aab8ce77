"""RECIST 1.1 sums, target and overall response (the guideline's Tables 1 and 2), the
selection rules; Lugano 2014 metabolic response. Arithmetic written in each test."""

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
    TargetLesionsInvalid,
)
from corsia.records.domain.response import (
    MetabolicResponse,
    NonTargetResponse,
    OverallResponse,
    TargetLesion,
    TargetResponse,
    assess_target_lesions,
    lugano_metabolic_response,
    overall_response,
    validate_target_lesions,
)

LESIONS = (
    TargetLesion("L1", "fegato"),
    TargetLesion("L2", "fegato"),
    TargetLesion("N1", "linfonodo mediastinico", lymph_node=True),
)
BASELINE = {"L1": 40, "L2": 30, "N1": 20}  # 40 + 30 + 20 (short axis) = 90 mm


def _assess(current: dict[str, Any], previous: tuple[dict[str, Any], ...] = ()) -> Any:
    return assess_target_lesions(
        lesions=LESIONS, baseline_mm=BASELINE, previous_mm=previous, current_mm=current
    )


def test_baseline_sum_adds_longest_diameters_and_nodal_short_axes() -> None:
    assert validate_target_lesions(LESIONS, BASELINE) == 90


def test_partial_response_at_30_percent_below_baseline() -> None:
    # Given 25 + 20 + 12 = 57 mm: (57 − 90) / 90 = −36.7 %
    result = _assess({"L1": 25, "L2": 20, "N1": 12})
    assert (result.sum_mm, result.change_from_baseline_pct) == (57, Decimal("-36.7"))
    assert result.response is TargetResponse.PR
    assert result.label == "Risposta parziale (PR)"
    assert result.reference.short == "RECIST 1.1 (Eisenhauer 2009)"


def test_the_recist_working_groups_example_of_a_continued_partial_response() -> None:
    # recist.eortc.org, questions and clarifications: sums 165 mm at baseline, 63 at week 8,
    # 65 at week 16: "the target lesion response at week 16 is continued partial response"
    lesions = (TargetLesion("A", "fegato"), TargetLesion("B", "polmone"))
    result = assess_target_lesions(
        lesions=lesions,
        baseline_mm={"A": 100, "B": 65},
        previous_mm=({"A": 40, "B": 23},),
        current_mm={"A": 41, "B": 24},
    )
    # 65 vs nadir 63: +2 mm, not PD; 65 ≤ 165 × 0.7 = 115.5: PR
    assert (result.baseline_sum_mm, result.nadir_sum_mm, result.sum_mm) == (
        Decimal(165),
        Decimal(63),
        Decimal(65),
    )
    assert result.response is TargetResponse.PR


def test_growth_from_the_nadir_below_20_percent_is_stable_disease() -> None:
    # Given a nadir of 57 mm, now 30 + 24 + 14 = 68: +11 mm but 68 / 57 = +19.3 %;
    # from baseline (68 − 90) / 90 = −24.4 %: neither PR nor PD
    result = _assess({"L1": 30, "L2": 24, "N1": 14}, ({"L1": 25, "L2": 20, "N1": 12},))
    assert result.nadir_sum_mm == 57
    assert result.change_from_nadir_pct == Decimal("19.3")
    assert result.change_from_baseline_pct == Decimal("-24.4")
    assert result.response is TargetResponse.SD


def test_progression_is_measured_from_the_nadir_not_the_baseline() -> None:
    # Given nadir 57, now 31 + 24 + 14 = 69: +12 mm and 69 / 57 = +21.1 %, still 23 % below
    # baseline
    result = _assess({"L1": 31, "L2": 24, "N1": 14}, ({"L1": 25, "L2": 20, "N1": 12},))
    assert result.change_from_nadir_pct == Decimal("21.1")
    assert result.response is TargetResponse.PD


def test_complete_response_allows_nodes_below_10_mm() -> None:
    # Given the liver lesions gone and the node at 9 mm: sum 9, yet CR
    result = _assess({"L1": 0, "L2": 0, "N1": 9})
    assert (result.sum_mm, result.response) == (9, TargetResponse.CR)
    # A node of 10 mm is still pathological: (10 − 90) / 90 = −88.9 %, PR
    assert _assess({"L1": 0, "L2": 0, "N1": 10}).response is TargetResponse.PR


@pytest.mark.parametrize(
    ("current", "response"),
    [
        # baseline 100: 30 % below is 70
        (70, TargetResponse.PR),
        (71, TargetResponse.SD),
    ],
)
def test_partial_response_threshold_is_inclusive(current: int, response: TargetResponse) -> None:
    lesions = (TargetLesion("A", "polmone"), TargetLesion("B", "surrene"))
    result = assess_target_lesions(
        lesions=lesions, baseline_mm={"A": 60, "B": 40}, current_mm={"A": current - 40, "B": 40}
    )
    assert result.response is response


@pytest.mark.parametrize(
    ("current", "response"),
    [
        (60, TargetResponse.PD),  # nadir 50: +20 % and +10 mm
        (59, TargetResponse.SD),  # +18 %
    ],
)
def test_progression_threshold_is_inclusive(current: int, response: TargetResponse) -> None:
    lesions = (TargetLesion("A", "polmone"),)
    result = assess_target_lesions(
        lesions=lesions, baseline_mm={"A": 60}, previous_mm=({"A": 50},), current_mm={"A": current}
    )
    assert result.response is response


def test_progression_also_needs_5_mm() -> None:
    lesions = (TargetLesion("A", "fegato"),)
    # Given baseline 12, nadir 4: 8 mm is +100 % but only +4 mm; 8 ≤ 12 × 0.7 = 8.4: PR
    four_more = assess_target_lesions(
        lesions=lesions, baseline_mm={"A": 12}, previous_mm=({"A": 4},), current_mm={"A": 8}
    )
    assert four_more.response is TargetResponse.PR
    # 9 mm: +5 mm and +125 %: PD
    five_more = assess_target_lesions(
        lesions=lesions, baseline_mm={"A": 12}, previous_mm=({"A": 4},), current_mm={"A": 9}
    )
    assert five_more.response is TargetResponse.PD


def test_a_nadir_of_zero_has_no_percentage_and_progresses_at_5_mm() -> None:
    lesions = (TargetLesion("A", "fegato"),)
    result = assess_target_lesions(
        lesions=lesions, baseline_mm={"A": 20}, previous_mm=({"A": 0},), current_mm={"A": 5}
    )
    assert result.change_from_nadir_pct is None
    assert result.response is TargetResponse.PD


def test_a_lesion_not_measured_gives_ne_unless_the_others_prove_progression() -> None:
    # Given N1 not measured: 25 + 20 = 45 proves nothing
    assert _assess({"L1": 25, "L2": 20, "N1": None}).response is TargetResponse.NE
    # 60 + 40 = 100 ≥ 90 × 1.2 = 108? No: 100 < 108, NE
    assert _assess({"L1": 60, "L2": 40}).response is TargetResponse.NE
    # 70 + 40 = 110 ≥ 108 and +20 mm: PD even without N1
    result = _assess({"L1": 70, "L2": 40})
    assert (result.complete, result.response) == (False, TargetResponse.PD)


def test_an_incomplete_earlier_assessment_does_not_set_the_nadir() -> None:
    result = _assess({"L1": 40, "L2": 30, "N1": 20}, ({"L1": 10, "L2": None, "N1": 15},))
    assert result.nadir_sum_mm == 90


@pytest.mark.parametrize(
    ("lesions", "baseline", "field"),
    [
        (
            tuple(TargetLesion(f"L{i}", f"organo {i}") for i in range(6)),
            {f"L{i}": 20 for i in range(6)},
            "lesions",
        ),
        (
            (
                TargetLesion("A", "Fegato"),
                TargetLesion("B", "fegato "),
                TargetLesion("C", "fegato"),
            ),
            {"A": 20, "B": 20, "C": 20},
            "lesions",
        ),
        (
            (
                TargetLesion("A", "collo", lymph_node=True),
                TargetLesion("B", "ascella", lymph_node=True),
                TargetLesion("C", "inguine", lymph_node=True),
            ),
            {"A": 20, "B": 20, "C": 20},
            "lesions",
        ),  # lymph nodes count as one organ
        ((TargetLesion("A", "fegato"),), {"A": Decimal("9.9")}, "baseline.A"),
        ((TargetLesion("A", "collo", lymph_node=True),), {"A": Decimal("14.9")}, "baseline.A"),
        ((TargetLesion("A", "fegato"), TargetLesion("A", "polmone")), {"A": 20}, "lesions"),
        ((TargetLesion("A", "fegato"),), {"A": 20, "X": 30}, "baseline"),
        ((), {}, "lesions"),
    ],
)
def test_target_lesion_selection_rules(
    lesions: tuple[TargetLesion, ...], baseline: dict[str, Any], field: str
) -> None:
    with pytest.raises(TargetLesionsInvalid) as caught:
        validate_target_lesions(lesions, baseline)
    assert caught.value.code == "recist_target_lesions_invalid"
    assert caught.value.field == field


def test_two_per_organ_and_measurable_edges_are_accepted() -> None:
    lesions = (
        TargetLesion("A", "fegato"),
        TargetLesion("B", "fegato"),
        TargetLesion("C", "collo", lymph_node=True),
        TargetLesion("D", "mediastino", lymph_node=True),
        TargetLesion("E", "polmone"),
    )
    assert validate_target_lesions(lesions, {"A": 10, "B": 10, "C": 15, "D": 15, "E": 10}) == 60


def test_measurements_are_checked() -> None:
    with pytest.raises(ClinicalInputMissing):
        validate_target_lesions((TargetLesion("A", "fegato"),), {"A": None})  # type: ignore[dict-item]  # a form's empty field
    with pytest.raises(ClinicalInputOutOfRange):
        _assess({"L1": -1, "L2": 20, "N1": 12})
    with pytest.raises(TargetLesionsInvalid) as caught:
        _assess({"L1": 25, "L2": 20, "N1": 12, "L9": 15})
    assert caught.value.field == "current"


_RANK = {TargetResponse.CR: 0, TargetResponse.PR: 1, TargetResponse.SD: 2, TargetResponse.PD: 3}


@given(
    sizes=st.lists(st.integers(15, 200), min_size=1, max_size=5),
    current=st.lists(st.integers(0, 300), min_size=5, max_size=5),
    grow=st.integers(0, 50),
    which=st.integers(0, 4),
)
def test_a_larger_measurement_never_gives_a_better_response(
    sizes: list[int], current: list[int], grow: int, which: int
) -> None:
    lesions = tuple(
        TargetLesion(f"L{i}", f"organo {i}", lymph_node=i % 2 == 1) for i in range(len(sizes))
    )
    baseline = {lesion.lesion_id: size for lesion, size in zip(lesions, sizes, strict=True)}
    now = {lesion.lesion_id: current[i] for i, lesion in enumerate(lesions)}
    larger = dict(now)
    key = lesions[which % len(lesions)].lesion_id
    larger[key] = now[key] + grow
    before = assess_target_lesions(lesions=lesions, baseline_mm=baseline, current_mm=now)
    after = assess_target_lesions(lesions=lesions, baseline_mm=baseline, current_mm=larger)
    assert _RANK[before.response] <= _RANK[after.response]
    assert before.sum_mm == sum(now.values())


@pytest.mark.parametrize(
    ("target", "non_target", "new", "overall"),
    [
        # Table 1: target lesions (± non-target)
        ("cr", "cr", False, OverallResponse.CR),
        ("cr", None, False, OverallResponse.CR),
        ("cr", "non_cr_non_pd", False, OverallResponse.PR),
        ("cr", "ne", False, OverallResponse.PR),
        ("pr", "non_cr_non_pd", False, OverallResponse.PR),
        ("pr", "ne", False, OverallResponse.PR),
        ("pr", None, False, OverallResponse.PR),
        ("sd", "ne", False, OverallResponse.SD),
        ("sd", "cr", False, OverallResponse.SD),
        ("ne", "non_cr_non_pd", False, OverallResponse.NE),
        ("pd", "cr", False, OverallResponse.PD),
        ("cr", "pd", False, OverallResponse.PD),
        ("cr", "cr", True, OverallResponse.PD),
        # Table 2: non-target lesions only
        (None, "cr", False, OverallResponse.CR),
        (None, "non_cr_non_pd", False, OverallResponse.NON_CR_NON_PD),
        (None, "ne", False, OverallResponse.NE),
        (None, "pd", False, OverallResponse.PD),
        (None, "cr", True, OverallResponse.PD),
    ],
)
def test_overall_response_tables(
    target: str | None, non_target: str | None, new: bool, overall: OverallResponse
) -> None:
    assert (
        overall_response(target=target, non_target=non_target, new_lesions=new).response is overall
    )


def test_overall_response_needs_some_baseline_disease_and_the_new_lesion_finding() -> None:
    with pytest.raises(ClinicalInputsInconsistent):
        overall_response(target=None, non_target=None, new_lesions=False)
    with pytest.raises(ClinicalInputMissing) as caught:
        overall_response(target="pr", non_target=NonTargetResponse.NE, new_lesions=None)
    assert caught.value.field == "new_lesions"


@pytest.mark.parametrize(
    ("inputs", "response"),
    [
        ({"deauville": 1, "marrow": "no_fdg_avid_disease"}, MetabolicResponse.CMR),
        ({"deauville": 3, "marrow": "no_fdg_avid_disease"}, MetabolicResponse.CMR),
        ({"deauville": 3, "marrow": "residual_uptake_reduced"}, MetabolicResponse.PMR),
        (
            {"deauville": 4, "marrow": "no_fdg_avid_disease", "uptake_vs_baseline": "decreased"},
            MetabolicResponse.PMR,
        ),
        (
            {"deauville": 5, "marrow": "unchanged", "uptake_vs_baseline": "unchanged"},
            MetabolicResponse.NMR,
        ),
        (
            {"deauville": 4, "marrow": "no_fdg_avid_disease", "uptake_vs_baseline": "increased"},
            MetabolicResponse.PMD,
        ),
        (
            {"deauville": 2, "marrow": "no_fdg_avid_disease", "new_fdg_avid_lesions": True},
            MetabolicResponse.PMD,
        ),
        ({"deauville": 2, "marrow": "new_or_recurrent"}, MetabolicResponse.PMD),
        # the worst component decides: nodes reduced but marrow unchanged is no response
        ({"deauville": 3, "marrow": "unchanged"}, MetabolicResponse.NMR),
        (
            {"deauville": 4, "marrow": "unchanged", "uptake_vs_baseline": "decreased"},
            MetabolicResponse.NMR,
        ),
        (
            {
                "deauville": 5,
                "marrow": "residual_uptake_reduced",
                "uptake_vs_baseline": "unchanged",
            },
            MetabolicResponse.NMR,
        ),
    ],
)
def test_lugano_metabolic_response(inputs: dict[str, Any], response: MetabolicResponse) -> None:
    result = lugano_metabolic_response(**({"new_fdg_avid_lesions": False} | inputs))
    assert result.response is response
    assert result.reference.short == "Lugano 2014 (Cheson)"


def test_lugano_refusals() -> None:
    with pytest.raises(ClinicalInputMissing) as caught:
        lugano_metabolic_response(
            deauville=4, new_fdg_avid_lesions=False, marrow="no_fdg_avid_disease"
        )
    assert caught.value.field == "uptake_vs_baseline"
    with pytest.raises(ClinicalInputOutOfRange):
        lugano_metabolic_response(
            deauville=6, new_fdg_avid_lesions=False, marrow="no_fdg_avid_disease"
        )
