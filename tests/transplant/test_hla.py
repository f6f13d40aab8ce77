"""HLA matching against hand-worked examples (the counting of NMDP/EBMT: a locus matches
2 - max(GVH, HvG) of 2; the score out of 8 on A, B, C, DRB1, out of 10 with DQB1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.hla import (
    Category,
    hla_match,
    match_summary,
    parse_allele,
    parse_typing,
)

RECIPIENT = {
    "A": ("A*01:01", "A*02:01"),
    "B": ("B*08:01", "B*44:02"),
    "C": ("C*07:01", "C*05:01"),
    "DRB1": ("DRB1*03:01", "DRB1*04:01"),
    "DQB1": ("DQB1*02:01", "DQB1*03:02"),
}


def typed(**changes: tuple[str, str]) -> dict[str, tuple[str, str]]:
    return {**RECIPIENT, **changes}


def test_identical_sibling_is_10_of_10() -> None:
    match = hla_match(parse_typing(RECIPIENT), parse_typing(typed()), related=True)
    assert (match.of_8, match.of_10, match.category) == ((8, 8), (10, 10), Category.IDENTICAL)
    assert match.mismatches == ()


def test_one_bidirectional_allele_mismatch_at_c_is_7_of_8_and_9_of_10() -> None:
    # recipient C*07:01 C*05:01, donor C*07:01 C*04:01: the recipient's C*05:01 is foreign
    # to the donor (GVH 1), the donor's C*04:01 to the recipient (HvG 1): one mismatch
    match = hla_match(
        parse_typing(RECIPIENT), parse_typing(typed(C=("C*07:01", "C*04:01"))), related=False
    )
    assert (match.of_8, match.of_10) == ((7, 8), (9, 10))
    summary = match_summary(match)
    assert summary["mismatches"] == [
        {"locus": "C", "direction": "bidirezionale", "gvh": ["C*05:01"], "hvg": ["C*04:01"]}
    ]
    assert summary["category"] == "mismatched"


def test_homozygous_donor_is_a_one_way_gvh_mismatch() -> None:
    # donor A*01:01 A*01:01 (homozygous): the recipient's A*02:01 is foreign to the donor's
    # T cells (GVH 1) while the donor brings nothing the recipient lacks (HvG 0): the locus
    # still counts one mismatch -> 7/8
    match = hla_match(
        parse_typing(RECIPIENT), parse_typing(typed(A=("A*01:01", "A*01:01"))), related=False
    )
    (locus,) = match.mismatches
    assert (locus.locus, locus.gvh, locus.hvg, locus.direction) == ("A", 1, 0, "GVH")
    assert match.of_8 == (7, 8)


def test_homozygous_recipient_is_a_one_way_hvg_mismatch() -> None:
    recipient = typed(B=("B*08:01", "B*08:01"))
    match = hla_match(parse_typing(recipient), parse_typing(RECIPIENT), related=False)
    (locus,) = match.mismatches
    assert (locus.locus, locus.gvh, locus.hvg, locus.direction) == ("B", 0, 1, "HvG")


def test_haploidentical_parent_shares_one_allele_at_every_locus() -> None:
    # the mother gives one haplotype (A*01:01 B*08:01 C*07:01 DRB1*03:01 DQB1*02:01) and
    # carries another one the recipient does not have: 5/10, each locus 1 of 2
    mother = {
        "A": ("A*01:01", "A*24:02"),
        "B": ("B*08:01", "B*35:01"),
        "C": ("C*07:01", "C*04:01"),
        "DRB1": ("DRB1*03:01", "DRB1*11:01"),
        "DQB1": ("DQB1*02:01", "DQB1*03:01"),
    }
    match = hla_match(parse_typing(RECIPIENT), parse_typing(mother), related=True)
    assert (match.of_8, match.of_10, match.category) == ((4, 8), (5, 10), Category.HAPLOIDENTICAL)
    # the same typing from an unrelated donor is not "haploidentical"
    assert hla_match(parse_typing(RECIPIENT), parse_typing(mother), related=False).category == (
        Category.MISMATCHED
    )


def test_antigen_level_typing_compares_the_first_field() -> None:
    # donor typed at the first field only: A*02 matches A*02:01 at antigen level
    donor = typed(A=("A*01", "A*02"))
    match = hla_match(parse_typing(RECIPIENT), parse_typing(donor), related=False)
    assert match.of_8 == (8, 8) and match.low_resolution
    # an allele-level difference within one antigen (A*02:01 vs A*02:05) is a mismatch
    allele = hla_match(
        parse_typing(RECIPIENT), parse_typing(typed(A=("A*01:01", "A*02:05"))), related=False
    )
    assert allele.of_8 == (7, 8) and not allele.low_resolution


def test_dqb1_untyped_gives_only_the_score_of_8() -> None:
    donor = {k: v for k, v in RECIPIENT.items() if k != "DQB1"}
    match = hla_match(parse_typing(RECIPIENT), parse_typing(donor), related=False)
    assert match.of_10 is None and match.text == "8/8"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A2", "hla_allele_invalid"),
        ("B*02:01", "hla_allele_invalid"),  # a B allele given at A
        ("A*02:01\x00", "hla_allele_invalid"),
        ("A*02:01:01:02", ""),  # four fields: valid, read at two
        ("A*01:04N", "hla_null_allele"),
    ],
)
def test_bad_alleles_are_refused(text: str, code: str) -> None:
    if text == "A*02:01:01:02":  # four fields is valid nomenclature: read as A*02:01
        assert str(parse_allele(text, locus="A")) == "A*02:01"
        return
    with pytest.raises(ValidationFailed) as refused:
        parse_allele(text, locus="A")
    assert refused.value.code == code


def test_a_locus_with_one_allele_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_typing(typed(DRB1=("DRB1*03:01", "")))
    assert refused.value.code == "hla_locus_incomplete"


ALLELES = st.sampled_from(["01:01", "02:01", "03:01", "11:01", "24:02"])


@given(st.lists(ALLELES, min_size=20, max_size=20))
def test_matching_is_symmetric_in_score_and_identity_is_full(fields: list[str]) -> None:
    loci = ["A", "B", "C", "DRB1", "DQB1"]
    one = {lo: (f"{lo}*{fields[2 * i]}", f"{lo}*{fields[2 * i + 1]}") for i, lo in enumerate(loci)}
    two = {
        lo: (f"{lo}*{fields[10 + 2 * i]}", f"{lo}*{fields[11 + 2 * i]}")
        for i, lo in enumerate(loci)
    }
    a, b = parse_typing(one), parse_typing(two)
    assert hla_match(a, b, related=False).of_10 == hla_match(b, a, related=False).of_10
    assert hla_match(a, a, related=False).of_10 == (10, 10)
