"""The AIC check digit, proven against real AIC codes published by AIFA."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.drugs.domain.aic import InvalidAic, aic_check_digit, is_valid_aic, normalize_aic

DATA = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data"
# The upstream reference data sit beside the repository in the development
# checkout and in CI (../shared/refdata); a user's clone has only what we ship.
SHARED_REFDATA = Path(__file__).resolve().parents[2].parent / "shared" / "refdata"
REFDATA = SHARED_REFDATA / "aifa/farmaci_equivalenti_hl7it.csv"


def _codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [row["aic"] for row in csv.DictReader(handle)]


def test_check_digit_by_hand_for_a_real_code() -> None:
    # given ACARBOSIO DOC GENERICI, AIC 044155024 (AIFA lista di trasparenza)
    # odd positions 0+4+5+0 = 9; even positions doubled 4->8, 1->2, 5->10->1, 2->4 = 15; 24 mod 10 = 4
    assert aic_check_digit("04415502") == 4
    assert is_valid_aic("044155024")


def test_every_shipped_sample_code_validates() -> None:
    # given 300 real AIC codes sampled from the AIFA list (data/aic_sample_aifa.csv)
    codes = _codes(DATA / "aic_sample_aifa.csv")
    assert len(codes) == 300
    # then every one of them carries the check digit the algorithm computes
    assert [c for c in codes if not is_valid_aic(c)] == []


@pytest.mark.skipif(not REFDATA.exists(), reason="shared refdata not available in this clone")
def test_every_aifa_transparency_list_code_validates() -> None:
    codes = _codes(REFDATA)
    assert len(codes) == 7931
    assert [c for c in codes if not is_valid_aic(c)] == []


def test_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidAic) as caught:
        normalize_aic("044155025")
    assert caught.value.code == "aic_check_digit"
    assert "attesa 4" in caught.value.message


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(0, 9))
def test_exactly_one_check_digit_is_valid(body: str, digit: int) -> None:
    assert is_valid_aic(body + str(digit)) == (digit == aic_check_digit(body))


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_single_digit_errors_are_always_detected(body: str) -> None:
    code = body + str(aic_check_digit(body))
    for position in range(9):
        for replacement in "0123456789":
            if replacement != code[position]:
                assert not is_valid_aic(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("044155024", "044155024"), (" A044155024 ", "044155024"), ("44155024", "044155024")],
)
def test_normalize_accepts_stamp_and_dropped_zero_forms(raw: str, expected: str) -> None:
    assert normalize_aic(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "04415502X", "0441550244"])
def test_normalize_refuses_malformed(raw: str) -> None:
    with pytest.raises(InvalidAic):
        normalize_aic(raw)
