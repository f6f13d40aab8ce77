"""BSA, BMI, ideal and adjusted weight against independently computed values.

How the expected values were obtained: a separate throwaway script evaluated each
published formula with Python *floats* (``math.sqrt`` and ``**``, not the Decimal
code under test), e.g. ``math.sqrt(h * w / 3600)`` or
``0.007184 * w**0.425 * h**0.725``, and printed the result with ``:.4f``; the
literals below were pasted from its output. Spot checks by hand:
√(165 × 70 / 3600) = √3.20833 = 1.7912; √(180 × 85 / 3600) = √4.25 = 2.0616.
Formula coefficients: Mosteller NEJM 1987;317:1098, Du Bois Arch Intern Med
1916;17:863, Haycock J Pediatr 1978;93:62, Gehan & George Cancer Chemother Rep
1970;54:225, Devine Drug Intell Clin Pharm 1974;8:650.

A value printed to 4 decimals is within 0.00005 of the true one, so the engine's
unrounded Decimal must be within that of the literal.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.body_size import (
    BsaFormula,
    adjusted_body_weight,
    bmi,
    bsa,
    ideal_body_weight,
)
from corsia.prescribing.domain.patient import Sex

HALF_UNIT_4DP = Decimal("0.00005")

MOSTELLER = [
    ("50", "3.5", "0.2205"),
    ("60", "5.2", "0.2944"),
    ("75", "9.8", "0.4518"),
    ("85", "12", "0.5323"),
    ("100", "16", "0.6667"),
    ("110", "18.5", "0.7518"),
    ("120", "22", "0.8563"),
    ("130", "27", "0.9874"),
    ("140", "33", "1.1328"),
    ("150", "42", "1.3229"),
    ("155", "48", "1.4376"),
    ("160", "55", "1.5635"),
    ("165", "70", "1.7912"),
    ("170", "65", "1.7520"),
    ("172", "80", "1.9551"),
    ("175", "72", "1.8708"),
    ("178", "95", "2.1673"),
    ("180", "85", "2.0616"),
    ("183", "110", "2.3647"),
    ("185", "78", "2.0021"),
    ("190", "100", "2.2973"),
    ("195", "130", "2.6536"),
    ("200", "150", "2.8868"),
    ("158", "120", "2.2949"),
    ("168", "59.5", "1.6663"),
]
DUBOIS = [
    ("50", "3.5", "0.2086"),
    ("60", "5.2", "0.2817"),
    ("75", "9.8", "0.4336"),
    ("85", "12", "0.5174"),
    ("100", "16", "0.6578"),
    ("110", "18.5", "0.7498"),
    ("120", "22", "0.8596"),
    ("130", "27", "0.9938"),
    ("140", "33", "1.1420"),
    ("150", "42", "1.3302"),
    ("155", "48", "1.4417"),
    ("160", "55", "1.5632"),
    ("165", "70", "1.7710"),
    ("170", "65", "1.7536"),
    ("172", "80", "1.9317"),
    ("175", "72", "1.8704"),
    ("178", "95", "2.1304"),
    ("180", "85", "2.0485"),
    ("183", "110", "2.3133"),
    ("185", "78", "2.0147"),
    ("190", "100", "2.2828"),
    ("195", "130", "2.6006"),
    ("200", "150", "2.8148"),
    ("158", "120", "2.1580"),
    ("168", "59.5", "1.6745"),
]
HAYCOCK = [
    ("50", "3.5", "0.2244"),
    ("60", "5.2", "0.2985"),
    ("75", "9.8", "0.4585"),
    ("85", "12", "0.5373"),
    ("100", "16", "0.6689"),
    ("110", "18.5", "0.7511"),
    ("120", "22", "0.8533"),
    ("130", "27", "0.9834"),
    ("140", "33", "1.1281"),
    ("150", "42", "1.3200"),
    ("155", "48", "1.4368"),
    ("160", "55", "1.5655"),
    ("165", "70", "1.8042"),
    ("170", "65", "1.7543"),
    ("172", "80", "1.9707"),
    ("175", "72", "1.8750"),
    ("178", "95", "2.1911"),
    ("180", "85", "2.0731"),
    ("183", "110", "2.3970"),
    ("185", "78", "2.0010"),
    ("190", "100", "2.3114"),
    ("195", "130", "2.6892"),
    ("200", "150", "2.9337"),
    ("158", "120", "2.3698"),
    ("168", "59.5", "1.6651"),
]
GEHAN_GEORGE = [
    ("50", "3.5", "0.2338"),
    ("60", "5.2", "0.3095"),
    ("75", "9.8", "0.4713"),
    ("85", "12", "0.5514"),
    ("100", "16", "0.6848"),
    ("110", "18.5", "0.7683"),
    ("120", "22", "0.8714"),
    ("130", "27", "1.0015"),
    ("140", "33", "1.1457"),
    ("150", "42", "1.3355"),
    ("155", "48", "1.4504"),
    ("160", "55", "1.5767"),
    ("165", "70", "1.8083"),
    ("170", "65", "1.7628"),
    ("172", "80", "1.9713"),
    ("175", "72", "1.8809"),
    ("178", "95", "2.1849"),
    ("180", "85", "2.0732"),
    ("183", "110", "2.3839"),
    ("185", "78", "2.0066"),
    ("190", "100", "2.3061"),
    ("195", "130", "2.6685"),
    ("200", "150", "2.9033"),
    ("158", "120", "2.3430"),
    ("168", "59.5", "1.6760"),
]

BSA_CASES = [
    pytest.param(formula, h, w, expected, id=f"{formula.value}-{h}cm-{w}kg")
    for formula, table in [
        (BsaFormula.MOSTELLER, MOSTELLER),
        (BsaFormula.DUBOIS, DUBOIS),
        (BsaFormula.HAYCOCK, HAYCOCK),
        (BsaFormula.GEHAN_GEORGE, GEHAN_GEORGE),
    ]
    for h, w, expected in table
]


@pytest.mark.parametrize(("formula", "height", "weight", "expected"), BSA_CASES)
def test_bsa_matches_independent_reference(
    formula: BsaFormula, height: str, weight: str, expected: str
) -> None:
    # when the BSA is computed for the patient
    step = bsa(formula, height_cm=Decimal(height), weight_kg=Decimal(weight))
    # then it is within half a unit of the 4th decimal of the float reference, in m²
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP
    assert step.unit == "m²"


def test_mosteller_renders_the_formula_for_the_printed_order() -> None:
    step = bsa(BsaFormula.MOSTELLER, height_cm=Decimal(165), weight_kg=Decimal(70))
    assert step.render() == "BSA Mosteller = √(165 × 70 / 3600) = 1.79 m²"


def test_dubois_renders_its_coefficients() -> None:
    step = bsa(BsaFormula.DUBOIS, height_cm=Decimal(180), weight_kg=Decimal(85))
    assert step.render() == "BSA DuBois = 0.007184 × 85^0.425 × 180^0.725 = 2.05 m²"


BMI = [
    ("50", "3.5", "14.0000"),
    ("60", "5.2", "14.4444"),
    ("75", "9.8", "17.4222"),
    ("85", "12", "16.6090"),
    ("100", "16", "16.0000"),
    ("110", "18.5", "15.2893"),
    ("120", "22", "15.2778"),
    ("130", "27", "15.9763"),
    ("140", "33", "16.8367"),
    ("150", "42", "18.6667"),
    ("155", "48", "19.9792"),
    ("160", "55", "21.4844"),
    ("165", "70", "25.7117"),
    ("170", "65", "22.4913"),
    ("172", "80", "27.0416"),
    ("175", "72", "23.5102"),
]


@pytest.mark.parametrize(("height", "weight", "expected"), BMI)
def test_bmi_matches_independent_reference(height: str, weight: str, expected: str) -> None:
    step = bmi(height_cm=Decimal(height), weight_kg=Decimal(weight))
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP


# Devine: 50 kg (M) / 45.5 kg (F) + 0.9055 kg per cm above 152.4 cm (floats, :.4f).
IBW = [
    ("M", "152.4", "50.0000"),
    ("F", "152.4", "45.5000"),
    ("M", "170", "65.9368"),
    ("F", "165", "56.9093"),
    ("M", "180", "74.9918"),
    ("F", "175", "65.9643"),
    ("M", "190", "84.0468"),
    ("F", "160", "52.3818"),
    ("M", "200", "93.1018"),
    ("F", "150", "43.3268"),
]


@pytest.mark.parametrize(("sex", "height", "expected"), IBW)
def test_ideal_body_weight_devine(sex: str, height: str, expected: str) -> None:
    step = ideal_body_weight(sex=Sex(sex), height_cm=Decimal(height))
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP


def test_ideal_body_weight_undefined_for_very_short_stature_is_refused() -> None:
    # 45.5 + 0.9055 × (100 − 152.4) = −1.95 kg: no ideal weight exists
    with pytest.raises(ValidationFailed) as refused:
        ideal_body_weight(sex=Sex.FEMALE, height_cm=Decimal(100))
    assert refused.value.code == "ideal_weight_undefined"
    assert refused.value.field == "height_cm"


# IBW + 0.4 × (actual − IBW) (floats, :.4f).
ABW = [
    ("M", "170", "120", "87.5621"),
    ("F", "165", "110", "78.1456"),
    ("M", "180", "150", "104.9951"),
    ("F", "160", "95", "69.4291"),
    ("M", "175", "100", "82.2786"),
    ("F", "170", "130", "88.8621"),
    ("M", "185", "160", "111.7116"),
    ("F", "155", "90", "64.7126"),
]


@pytest.mark.parametrize(("sex", "height", "weight", "expected"), ABW)
def test_adjusted_body_weight(sex: str, height: str, weight: str, expected: str) -> None:
    ideal = ideal_body_weight(sex=Sex(sex), height_cm=Decimal(height))
    step = adjusted_body_weight(weight_kg=Decimal(weight), ideal=ideal)
    assert abs(step.value - Decimal(expected)) <= HALF_UNIT_4DP
    assert step.children == (ideal,)
