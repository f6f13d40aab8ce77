"""PaP and PPI against hand sums of the published point tables, cut-offs, invariants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.records.domain.errors import ClinicalInputMissing, ClinicalInputOutOfRange
from corsia.records.domain.prognosis.palliative import (
    OralIntake,
    PapGroup,
    PpiGroup,
    pap,
    ppi,
)

PAP_BASE: dict[str, Any] = {
    "dyspnoea": False,
    "anorexia": False,
    "karnofsky": 50,
    "clinical_prediction_weeks": 14,
    "wbc_per_mm3": 7000,
    "lymphocytes_pct": 25,
}


def test_pap_worst_case_example() -> None:
    # Given dyspnoea (1.0), anorexia (1.5), KPS 20 (2.5), predicted 4 weeks (6.0),
    # WBC 12 000 (> 11 000: 1.5), lymphocytes 10 % (< 12: 2.5)
    result = pap(
        dyspnoea=True,
        anorexia=True,
        karnofsky=20,
        clinical_prediction_weeks=4,
        wbc_per_mm3=12000,
        lymphocytes_pct=10,
    )
    # Then 1.0 + 1.5 + 2.5 + 6.0 + 1.5 + 2.5 = 15.0: group C
    assert result.value == Decimal("15.0")
    assert result.group is PapGroup.C
    assert result.reference.short == "Pirovano 1999"


@pytest.mark.parametrize(
    ("weeks", "points"),
    [
        (13, "0"),
        (12, "2.0"),
        (11, "2.0"),
        (10, "2.5"),
        (7, "2.5"),
        (6, "4.5"),
        (5, "4.5"),
        (4, "6.0"),
        (3, "6.0"),
        (2, "8.5"),
        (1, "8.5"),
    ],
)
def test_pap_clinical_prediction_bands(weeks: int, points: str) -> None:
    assert pap(**(PAP_BASE | {"clinical_prediction_weeks": weeks})).value == Decimal(points)


@pytest.mark.parametrize(
    ("change", "points"),
    [
        ({"wbc_per_mm3": 8500}, "0"),
        ({"wbc_per_mm3": 8501}, "0.5"),
        ({"wbc_per_mm3": 11000}, "0.5"),
        ({"wbc_per_mm3": 11001}, "1.5"),
        ({"lymphocytes_pct": 20}, "0"),
        ({"lymphocytes_pct": Decimal("19.9")}, "1.0"),
        ({"lymphocytes_pct": 12}, "1.0"),
        ({"lymphocytes_pct": Decimal("11.9")}, "2.5"),
        ({"karnofsky": 30}, "0"),
        ({"karnofsky": 20}, "2.5"),
    ],
)
def test_pap_laboratory_and_karnofsky_bands(change: dict[str, Any], points: str) -> None:
    assert pap(**(PAP_BASE | change)).value == Decimal(points)


@pytest.mark.parametrize(
    ("change", "value", "group"),
    [
        # 11–12 weeks 2.0 + KPS 20 2.5 + dyspnoea 1.0 = 5.5: A
        ({"clinical_prediction_weeks": 12, "karnofsky": 20, "dyspnoea": True}, "5.5", PapGroup.A),
        # the same + WBC 9000 0.5 = 6.0: B
        (
            {
                "clinical_prediction_weeks": 12,
                "karnofsky": 20,
                "dyspnoea": True,
                "wbc_per_mm3": 9000,
            },
            "6.0",
            PapGroup.B,
        ),
        # 1–2 weeks 8.5 + KPS 10 2.5 = 11.0: B
        ({"clinical_prediction_weeks": 2, "karnofsky": 10}, "11.0", PapGroup.B),
        # the same + WBC 9000 0.5 = 11.5: C
        (
            {"clinical_prediction_weeks": 2, "karnofsky": 10, "wbc_per_mm3": 9000},
            "11.5",
            PapGroup.C,
        ),
    ],
)
def test_pap_group_boundaries(change: dict[str, Any], value: str, group: PapGroup) -> None:
    result = pap(**(PAP_BASE | change))
    assert (result.value, result.group) == (Decimal(value), group)


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"karnofsky": 25}, ClinicalInputOutOfRange, "karnofsky"),
        ({"karnofsky": 0}, ClinicalInputOutOfRange, "karnofsky"),
        ({"clinical_prediction_weeks": 0}, ClinicalInputOutOfRange, "clinical_prediction_weeks"),
        ({"lymphocytes_pct": 101}, ClinicalInputOutOfRange, "lymphocytes_pct"),
        ({"anorexia": None}, ClinicalInputMissing, "anorexia"),
    ],
)
def test_pap_refuses_bad_inputs(change: dict[str, Any], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as caught:
        pap(**(PAP_BASE | change))
    assert getattr(caught.value, "field", None) == field


@given(weeks=st.integers(1, 60), fewer=st.integers(0, 60), kps=st.sampled_from(range(10, 101, 10)))
def test_pap_never_falls_as_the_predicted_survival_shortens(
    weeks: int, fewer: int, kps: int
) -> None:
    longer = pap(**(PAP_BASE | {"clinical_prediction_weeks": weeks, "karnofsky": kps}))
    shorter = pap(
        **(PAP_BASE | {"clinical_prediction_weeks": max(weeks - fewer, 1), "karnofsky": kps})
    )
    assert longer.value <= shorter.value <= Decimal("17.5")
    assert shorter.group in PapGroup


def _ppi(**change: Any) -> Any:
    inputs: dict[str, Any] = {
        "palliative_performance_scale": 70,
        "oral_intake": OralIntake.NORMAL,
        "oedema": False,
        "dyspnoea_at_rest": False,
        "delirium": False,
    }
    return ppi(**(inputs | change))


def test_ppi_worst_case_example() -> None:
    # Given PPS 20 (4.0), mouthfuls only (2.5), oedema (1.0), dyspnoea at rest (3.5), delirium (4.0)
    result = _ppi(
        palliative_performance_scale=20,
        oral_intake="severely_reduced",
        oedema=True,
        dyspnoea_at_rest=True,
        delirium=True,
    )
    # Then 4.0 + 2.5 + 1.0 + 3.5 + 4.0 = 15.0 > 6: survival likely under 3 weeks
    assert result.value == Decimal("15.0")
    assert result.group is PpiGroup.UNDER_3_WEEKS
    assert result.reference.short == "Morita 1999"


@pytest.mark.parametrize(
    ("pps", "points"), [(10, "4.0"), (20, "4.0"), (30, "2.5"), (50, "2.5"), (60, "0"), (100, "0")]
)
def test_ppi_performance_scale_bands(pps: int, points: str) -> None:
    assert _ppi(palliative_performance_scale=pps).value == Decimal(points)


@pytest.mark.parametrize(
    ("change", "value", "group"),
    [
        ({"palliative_performance_scale": 20}, "4.0", PpiGroup.OVER_6_WEEKS),
        (
            {
                "palliative_performance_scale": 40,
                "oral_intake": "moderately_reduced",
                "oedema": True,
            },
            "4.5",
            PpiGroup.UNDER_6_WEEKS,
        ),
        (
            {"palliative_performance_scale": 40, "dyspnoea_at_rest": True},
            "6.0",
            PpiGroup.UNDER_6_WEEKS,
        ),
        (
            {"palliative_performance_scale": 20, "oral_intake": "severely_reduced"},
            "6.5",
            PpiGroup.UNDER_3_WEEKS,
        ),
    ],
)
def test_ppi_group_boundaries(change: dict[str, Any], value: str, group: PpiGroup) -> None:
    result = _ppi(**change)
    assert (result.value, result.group) == (Decimal(value), group)


@pytest.mark.parametrize("pps", [0, 35, 110, None])
def test_ppi_refuses_a_performance_scale_off_the_scale(pps: int | None) -> None:
    with pytest.raises((ClinicalInputOutOfRange, ClinicalInputMissing)) as caught:
        _ppi(palliative_performance_scale=pps)
    assert getattr(caught.value, "field", None) == "palliative_performance_scale"


@given(
    pps=st.sampled_from(range(10, 101, 10)),
    intake=st.sampled_from(OralIntake),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_ppi_stays_between_0_and_15_in_a_defined_group(
    pps: int, intake: OralIntake, flags: tuple[bool, bool, bool]
) -> None:
    result = _ppi(
        palliative_performance_scale=pps,
        oral_intake=intake,
        oedema=flags[0],
        dyspnoea_at_rest=flags[1],
        delirium=flags[2],
    )
    assert Decimal(0) <= result.value <= 15
    assert result.group in PpiGroup
