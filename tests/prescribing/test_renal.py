"""Cockcroft–Gault and Calvert against independently computed values.

Expected values: a throwaway float script evaluated
``(140 - age) * w / (72 * scr) * (0.85 if F else 1)`` and ``auc * (min(gfr, 125) + 25)``
and printed them with ``:.4f``. By hand: (140 − 72) × 72 / (72 × 1.0) = 68 mL/min;
(140 − 63) × 70 / (72 × 0.9) × 0.85 = 5390 / 64.8 × 0.85 = 70.7022 mL/min.
Published figures: FDA (2010) and the NCCN carboplatin appendix give the maximum
dose with the GFR capped at 125 mL/min as AUC × 150: AUC 6 → 900 mg, AUC 5 →
750 mg, AUC 4 → 600 mg.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.prescribing.domain.patient import Sex
from corsia.prescribing.domain.renal import calvert, capped_gfr, cockcroft_gault, measured_gfr

HALF_UNIT_4DP = Decimal("0.00005")

CG = [
    ("F", "63", "70", "0.9", "70.7022"),
    ("M", "63", "70", "0.9", "83.1790"),
    ("M", "72", "72", "1.0", "68.0000"),
    ("F", "45", "60", "0.7", "96.1310"),
    ("M", "30", "80", "1.1", "111.1111"),
    ("F", "80", "50", "1.4", "25.2976"),
    ("M", "55", "95", "0.8", "140.1910"),
    ("F", "70", "65", "2.0", "26.8576"),
    ("M", "85", "60", "1.8", "25.4630"),
    ("F", "25", "55", "0.6", "124.4502"),
    ("M", "40", "120", "1.0", "166.6667"),
    ("F", "90", "45", "1.2", "22.1354"),
    ("M", "18", "70", "0.5", "237.2222"),
    ("F", "50", "80", "3.5", "24.2857"),
    ("M", "67", "88", "1.3", "68.6325"),
    ("F", "33", "62", "0.75", "104.4241"),
    ("M", "76", "54", "0.95", "50.5263"),
    ("F", "58", "72", "1.05", "66.3810"),
    ("M", "48", "66", "4.2", "20.0794"),
    ("F", "61", "58", "0.85", "63.6389"),
]


@pytest.mark.parametrize(("sex", "age", "weight", "creatinine", "expected"), CG)
def test_cockcroft_gault(sex: str, age: str, weight: str, creatinine: str, expected: str) -> None:
    step = cockcroft_gault(
        sex=Sex(sex),
        age_years=Decimal(age),
        weight_kg=Decimal(weight),
        serum_creatinine_mg_dl=Decimal(creatinine),
    )
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP
    assert step.unit == "mL/min"


def test_cockcroft_gault_renders_the_female_factor() -> None:
    step = cockcroft_gault(
        sex=Sex.FEMALE,
        age_years=Decimal(63),
        weight_kg=Decimal(70),
        serum_creatinine_mg_dl=Decimal("0.9"),
    )
    assert step.render() == (
        "Clearance creatinina (Cockcroft-Gault) = (140 − 63) × 70 / (72 × 0.9) × 0.85 "
        "= 70.70 mL/min"
    )


# (AUC, GFR, expected dose mg with the default 125 mL/min cap)
CALVERT = [
    ("5", "70.7021605", "478.5108"),
    ("6", "100", "750.0000"),
    ("5", "125", "750.0000"),
    ("6", "150", "900.0000"),
    ("4", "40", "260.0000"),
    ("2", "60", "170.0000"),
    ("7", "90", "805.0000"),
    ("1.5", "30", "82.5000"),
    ("5", "200", "750.0000"),
    ("6", "124.9", "899.4000"),
    ("3", "80", "315.0000"),
    ("4.5", "55", "360.0000"),
    ("5", "10", "175.0000"),
    ("6", "125.1", "900.0000"),
    ("2", "140", "300.0000"),
]


@pytest.mark.parametrize(("auc", "gfr", "expected"), CALVERT)
def test_calvert_with_default_gfr_cap(auc: str, gfr: str, expected: str) -> None:
    used = capped_gfr(measured_gfr(Decimal(gfr)), Decimal(125))
    step = calvert(target_auc=Decimal(auc), gfr=used)
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP


@pytest.mark.parametrize(("auc", "maximum"), [("6", "900"), ("5", "750"), ("4", "600")])
def test_fda_published_maximum_carboplatin_doses(auc: str, maximum: str) -> None:
    # given a supranormal GFR of 180 mL/min, capped at 125 (FDA 2010)
    used = capped_gfr(measured_gfr(Decimal(180)), Decimal(125))
    # then the dose is AUC × 150 exactly
    assert calvert(target_auc=Decimal(auc), gfr=used).value == Decimal(maximum)


def test_uncapped_gfr_when_no_cap_is_set() -> None:
    used = capped_gfr(measured_gfr(Decimal(150)), None)
    assert calvert(target_auc=Decimal(5), gfr=used).value == Decimal(875)


def test_capped_gfr_shows_both_values() -> None:
    used = capped_gfr(measured_gfr(Decimal("140.2")), Decimal(125))
    assert used.render().splitlines() == [
        "GFR limitato = min(140.2, 125) = 125.00 mL/min (limite GFR per il carboplatino)",
        "  GFR misurato = 140.20 mL/min",
    ]
