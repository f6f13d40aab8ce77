"""NIH 2014 organ scores from their measures (Jagasia 2015, Figure 1), band by band, and a
worked patient whose global severity follows from the computed scores."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.cgvhd import OrganScores, Severity, global_severity, lung_score
from corsia.transplant.domain.nih_organs import (
    PROM,
    Grade,
    LiverTests,
    eye_score,
    genital_score,
    gi_score,
    joint_score,
    liver_score,
    mouth_score,
    skin_score,
)


@pytest.mark.parametrize(
    ("bsa", "superficial", "deep", "other", "score"),
    [
        ("0", False, False, False, 0),
        ("1", False, False, False, 1),
        ("18", False, False, False, 1),  # 1-18 %
        ("18.5", False, False, False, 2),  # above 18: the 19-50 band
        ("19", False, False, False, 2),
        ("50", False, False, False, 2),
        ("50.5", False, False, False, 3),
        ("5", True, False, False, 2),  # superficial sclerosis, able to pinch
        ("0", True, False, False, 2),
        ("5", False, True, False, 3),  # hidebound
        ("5", False, False, True, 3),  # ulceration / impaired mobility / severe pruritus
    ],
)
def test_skin(bsa: str, superficial: bool, deep: bool, other: bool, score: int) -> None:
    assert (
        skin_score(
            bsa_percent=D(bsa),
            superficial_sclerosis=superficial,
            deep_sclerosis=deep,
            impaired_mobility_ulceration_or_severe_pruritus=other,
        )
        == score
    )


def liver(bili: str = "0.5", alt: str = "0.5", alp: str = "0.5", mg: str | None = None) -> int:
    return liver_score(LiverTests(D(bili), D(alt), D(alp), D(mg) if mg is not None else None))


@pytest.mark.parametrize(
    ("kwargs", "score"),
    [
        ({}, 0),
        ({"alt": "1"}, 0),  # at ULN: normal
        ({"alt": "1.1"}, 1),
        ({"alp": "2.99"}, 1),
        ({"alt": "3"}, 2),  # 3-5 × ULN
        ({"bili": "5"}, 2),
        ({"alp": "5.01"}, 3),
        ({"bili": "1.5", "mg": "3.2"}, 2),  # bilirubin > 3 mg/dL
        ({"bili": "1.5", "mg": "3"}, 1),
    ],
)
def test_liver(kwargs: dict[str, str], score: int) -> None:
    assert liver(**kwargs) == score


def test_liver_multiples_from_values() -> None:
    # ALT 120 U/L with ULN 40 = 3.0 × ULN; bilirubin 1.0/1.2; ALP 100/120
    tests = LiverTests.from_values(
        bilirubin=D("1.0"),
        bilirubin_uln=D("1.2"),
        alt=D(120),
        alt_uln=D(40),
        alp=D(100),
        alp_uln=D(120),
    )
    assert tests.alt_uln == D(3)
    assert liver_score(tests) == 2
    with pytest.raises(ValidationFailed) as err:
        LiverTests.from_values(
            bilirubin=D(1), bilirubin_uln=D(0), alt=D(1), alt_uln=D(1), alp=D(1), alp_uln=D(1)
        )
    assert err.value.code == "bilirubin_uln_out_of_range"


def test_eyes() -> None:
    assert eye_score(dry_eye_symptoms=False, schirmer_mm=15) == 0
    assert eye_score(dry_eye_symptoms=True, drops_per_day=3) == 1
    assert eye_score(dry_eye_symptoms=True, drops_per_day=4) == 2
    assert eye_score(dry_eye_symptoms=True, punctal_plugs=True) == 2
    assert eye_score(dry_eye_symptoms=True, special_eyewear_for_pain=True) == 3
    assert eye_score(dry_eye_symptoms=True, vision_loss_from_kcs=True, schirmer_mm=2) == 3
    # Schirmer does not enter the score: a 2 mm test with mild symptoms stays 1
    assert eye_score(dry_eye_symptoms=True, drops_per_day=1, schirmer_mm=2) == 1
    with pytest.raises(ValidationFailed) as err:
        eye_score(dry_eye_symptoms=False, punctal_plugs=True)
    assert err.value.code == "eye_treatment_without_symptoms"


def test_gi() -> None:
    assert gi_score(symptoms=False) == 0
    assert gi_score(symptoms=True, weight_loss_percent=D("4.9")) == 1
    assert gi_score(symptoms=True, weight_loss_percent=D(5)) == 2
    assert gi_score(symptoms=True, weight_loss_percent=D(15)) == 2
    assert gi_score(symptoms=True, weight_loss_percent=D("15.1")) == 3
    assert gi_score(symptoms=True, diarrhoea=Grade.MODERATE) == 2
    assert gi_score(symptoms=True, diarrhoea=Grade.SEVERE) == 3
    assert gi_score(symptoms=True, oesophageal_dilation=True) == 3
    with pytest.raises(ValidationFailed):
        gi_score(symptoms=False, diarrhoea=Grade.MILD)
    with pytest.raises(ValidationFailed):
        gi_score(symptoms=True, weight_loss_percent=D("1e308"))


def test_mouth_and_genital() -> None:
    assert mouth_score(symptoms=Grade.NONE) == 0
    assert mouth_score(symptoms=Grade.MILD) == 1
    assert mouth_score(symptoms=Grade.MILD, intake_limitation=Grade.MODERATE) == 2
    assert mouth_score(symptoms=Grade.SEVERE, intake_limitation=Grade.SEVERE) == 3
    with pytest.raises(ValidationFailed):
        mouth_score(symptoms=Grade.NONE, intake_limitation=Grade.MILD)
    assert genital_score(Grade.MODERATE) == 2
    with pytest.raises(ValidationFailed):
        genital_score(4)  # type: ignore[arg-type]  # out of the enum on purpose


def test_joints() -> None:
    assert joint_score(symptoms=False) == 0
    assert joint_score(symptoms=True, rom_decrease=Grade.MILD) == 1
    assert joint_score(symptoms=True, rom_decrease=Grade.MODERATE) == 2
    assert joint_score(symptoms=True, adl_limitation=Grade.MILD) == 2
    assert joint_score(symptoms=True, fasciitis_erythema=True) == 2
    # 3 needs contractures AND a significant ROM decrease AND a significant ADL limitation
    assert (
        joint_score(
            symptoms=True, contractures=True, rom_decrease=Grade.SEVERE, adl_limitation=Grade.SEVERE
        )
        == 3
    )
    assert joint_score(symptoms=True, rom_decrease=Grade.SEVERE, adl_limitation=Grade.SEVERE) == 2
    assert joint_score(symptoms=True, prom=PROM(shoulder=5)) == 1
    with pytest.raises(ValidationFailed):
        joint_score(symptoms=False, prom=PROM(ankle=2))
    with pytest.raises(ValidationFailed) as err:
        PROM(ankle=5)
    assert err.value.code == "prom_ankle_out_of_range"


def test_a_worked_patient() -> None:
    """Skin 10 % BSA (1), mouth mild (1), eyes drops 4/day (2), liver ALT 2 × ULN (1),
    FEV1 85 % and no symptoms (0): eyes score 2 → moderate (NIH 2014 Table 6)."""
    scores = OrganScores(
        skin=skin_score(bsa_percent=D(10)),
        mouth=mouth_score(symptoms=Grade.MILD),
        eyes=eye_score(dry_eye_symptoms=True, drops_per_day=4),
        gi=gi_score(symptoms=False),
        liver=liver(alt="2"),
        lungs=lung_score(fev1_percent=D(85), symptom_score=0),
        joints_fascia=joint_score(symptoms=False),
    )
    assert (scores.skin, scores.mouth, scores.eyes, scores.liver, scores.lungs) == (1, 1, 2, 1, 0)
    assert global_severity(scores) is Severity.MODERATE


@given(
    st.decimals(min_value=0, max_value=100, places=1),
    st.decimals(min_value=0, max_value=100, places=1),
)
def test_skin_score_never_falls_as_the_skin_involved_grows(a: D, b: D) -> None:
    low, high = sorted((a, b))
    assert skin_score(bsa_percent=low) <= skin_score(bsa_percent=high)


@given(st.decimals(min_value=0, max_value=999, places=2))
def test_liver_score_never_falls_as_a_test_rises(multiple: D) -> None:
    assert liver(alt=str(multiple)) <= liver(alt=str(multiple + 1))
