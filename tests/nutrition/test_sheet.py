"""The compounding sequence (phosphate before calcium, lipids last) and the compounder
CSV, on the adult bag of test_composition."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition import reference
from corsia.nutrition.domain.composition import Item, Part, Unit, compose
from corsia.nutrition.domain.sheet import CSV_HEADER, compounder_csv, compounding_sequence

ADULT = [
    ("LIP_SMOFLIPID_20", "250", "mL"),
    ("CA_GLUC_10", "20", "mL"),
    ("VIT_VITALIPID_ADULT", "1", "unit"),
    ("VIT_SOLUVIT_N", "1", "unit"),
    ("AA_AMINOVEN_10", "1000", "mL"),
    ("NA_CL_2", "40", "mL"),
    ("P_GLYCOPHOS", "15", "mL"),
    ("TE_ADDAVEN", "1", "unit"),
    ("GLU_50", "500", "mL"),
    ("K_CL_2", "30", "mL"),
]


def _parts(rows: list[tuple[str, str, str]]) -> tuple[Part, ...]:
    return compose(
        items=[Item(c, Decimal(a), Unit(u)) for c, a, u in rows],
        catalogue=reference.catalogue(),
        weight_kg=Decimal(70),
        infusion_hours=Decimal(24),
    ).parts


def test_the_order_of_additions() -> None:
    steps = compounding_sequence(_parts(ADULT))
    assert [s.part.component.code for s in steps] == [
        "AA_AMINOVEN_10", "GLU_50",  # the base, in the prescription's order
        "P_GLYCOPHOS",  # phosphate before calcium
        "NA_CL_2", "K_CL_2",
        "TE_ADDAVEN",
        "CA_GLUC_10",
        "VIT_SOLUVIT_N",
        "VIT_VITALIPID_ADULT", "LIP_SMOFLIPID_20",  # fat-soluble vitamins, lipids last
    ]  # fmt: skip
    assert [s.sequence for s in steps] == list(range(1, 11))


def test_a_multi_chamber_bag_is_activated_first() -> None:
    steps = compounding_sequence(
        _parts([("CA_GLUC_10", "10", "mL"), ("BAG_KABIVEN_1026", "1", "unit")])
    )
    assert [s.part.component.code for s in steps] == ["BAG_KABIVEN_1026", "CA_GLUC_10"]


@given(st.permutations([code for code, _, _ in ADULT]))
def test_phosphate_always_before_calcium_and_lipids_always_last(order: list[str]) -> None:
    rows = {code: (code, amount, unit) for code, amount, unit in ADULT}
    codes = [s.part.component.code for s in compounding_sequence(_parts([rows[c] for c in order]))]
    assert codes.index("P_GLYCOPHOS") < codes.index("CA_GLUC_10")
    assert codes[-1] == "LIP_SMOFLIPID_20"


def test_the_compounder_csv() -> None:
    text = compounder_csv(
        bag_id="NPT-7", steps=compounding_sequence(_parts(ADULT[:2])), blocked=False
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1:] == [
        ["NPT-7", "1", "CA_GLUC_10", "Calcio gluconato 10%", "20.000", "electrolyte"],
        ["NPT-7", "2", "LIP_SMOFLIPID_20", "SMOFlipid 20%", "250.000", "lipid"],
    ]


def test_a_blocked_bag_is_not_exported() -> None:
    with pytest.raises(ValidationFailed) as error:
        compounder_csv(bag_id="NPT-8", steps=compounding_sequence(_parts(ADULT)), blocked=True)
    assert error.value.code == "bag_blocked"
