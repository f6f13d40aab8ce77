"""The CD34+ dose per kg, the donor's eligibility and the ABO mismatch against hand
calculations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.abo import AboMismatch, abo_mismatch
from corsia.transplant.domain.cd34 import dose_per_kg, total_cd34_millions
from corsia.transplant.domain.eligibility import eligibility

NEGATIVE = {m: "negative" for m in ("hiv", "hbsag", "anti_hbc", "hcv", "syphilis", "htlv")}


def test_dose_worked_example() -> None:
    # 480 cells/µL × 250 mL × 1000 µL/mL = 120 000 000 = 120 × 10^6; / 64 kg = 1.875 -> 1.88
    total = total_cd34_millions(concentration_per_ul=Decimal(480), volume_ml=Decimal(250))
    assert total == Decimal(120)
    assert dose_per_kg(total_millions=total, weight_kg=Decimal(64)) == Decimal("1.88")


def test_dose_from_the_total_marrow_example() -> None:
    # a marrow harvest of 1100 mL with 310 × 10^6 CD34+ for a 72.5 kg recipient:
    # 310 / 72.5 = 4.2758... -> 4.28
    assert dose_per_kg(total_millions=Decimal(310), weight_kg=Decimal("72.5")) == Decimal("4.28")


@pytest.mark.parametrize(
    ("weight", "code"),
    [
        (None, "weight_required"),
        (Decimal(0), "recipient_weight_kg_out_of_range"),
        (Decimal("1e308"), "recipient_weight_kg_out_of_range"),
        (Decimal("NaN"), "recipient_weight_kg_invalid"),
    ],
)
def test_dose_without_a_plausible_weight_is_refused(weight: Decimal | None, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        dose_per_kg(total_millions=Decimal(100), weight_kg=weight)
    assert refused.value.code == code


def test_zero_volume_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        total_cd34_millions(concentration_per_ul=Decimal(100), volume_ml=Decimal(0))
    assert refused.value.code == "volume_ml_zero"


def test_an_adult_tested_consenting_donor_is_eligible() -> None:
    result = eligibility(
        markers=NEGATIVE, consent=True, born=date(1990, 5, 1), on=date(2026, 12, 1), cord=False
    )
    assert result.eligible and result.reasons == ()


def test_a_positive_marker_or_no_consent_makes_a_donor_ineligible() -> None:
    result = eligibility(
        markers={**NEGATIVE, "hbsag": "positive", "htlv": "not_done"}, consent=False,
        born=date(1990, 5, 1), on=date(2026, 12, 1), cord=False,
    )  # fmt: skip
    assert not result.eligible
    assert result.reasons == (
        "consenso informato del donatore non registrato",
        "HBsAg: positivo",
        "Anti-HTLV I/II: non eseguito",
    )


def test_a_minor_needs_the_authorisation() -> None:
    # born 2 December 2008: on 1 December 2026 still 17
    result = eligibility(
        markers=NEGATIVE, consent=True, born=date(2008, 12, 2), on=date(2026, 12, 1), cord=False
    )
    assert result.reasons == ("donatore minorenne: serve l'autorizzazione prevista",)


@pytest.mark.parametrize(
    ("donor", "recipient", "expected"),
    [
        ("O", "O", AboMismatch.NONE),
        ("A", "O", AboMismatch.MAJOR),  # recipient's anti-A meets donor's A red cells
        ("O", "A", AboMismatch.MINOR),  # donor's anti-A plasma meets recipient's A cells
        ("A", "B", AboMismatch.BIDIRECTIONAL),
        ("AB", "A", AboMismatch.MAJOR),
        ("A", "AB", AboMismatch.MINOR),
    ],
)
def test_abo_mismatch(donor: str, recipient: str, expected: AboMismatch) -> None:
    assert abo_mismatch(donor=donor, recipient=recipient) is expected
