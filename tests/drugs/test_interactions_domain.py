from __future__ import annotations

from corsia.drugs.domain.interactions import Interaction, Severity, interactions_among

KNOWN = [
    Interaction("methotrexate", "omeprazole", Severity.MODERATE, "e", "m", "s"),
    Interaction("brivudine", "fluorouracil", Severity.CONTRAINDICATED, "e", "m", "s"),
    Interaction("fluorouracil", "warfarin", Severity.MAJOR, "e", "m", "s"),
]


def test_finds_every_pair_most_serious_first() -> None:
    found = interactions_among(["warfarin", "fluorouracil", "brivudine", "oxaliplatin"], KNOWN)
    assert [(i.a, i.b, i.severity) for i in found] == [
        ("brivudine", "fluorouracil", Severity.CONTRAINDICATED),
        ("fluorouracil", "warfarin", Severity.MAJOR),
    ]


def test_order_of_codes_does_not_matter_and_duplicates_do_not_self_interact() -> None:
    assert interactions_among(["omeprazole", "methotrexate", "methotrexate"], KNOWN) == [KNOWN[0]]


def test_no_interaction_for_a_single_or_unrelated_drug() -> None:
    assert interactions_among(["fluorouracil"], KNOWN) == []
    assert interactions_among(["cisplatin", "etoposide"], KNOWN) == []
