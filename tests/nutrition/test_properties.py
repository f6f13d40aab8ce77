"""Invariants over random bags (Hypothesis): the volume is the sum of its parts, the
osmolarity rises with glucose at the same volume, the glucose infusion rate is
proportional to the glucose, nothing comes out negative; and the shipped data parse."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition import reference
from corsia.nutrition.domain.calcium_phosphate import curves_from_rows
from corsia.nutrition.domain.catalogue import catalogue_from_rows
from corsia.nutrition.domain.composition import Composition, Item, Unit, compose
from corsia.nutrition.domain.limits import PARAMETERS, Band, limits_from_rows

CODES = sorted(reference.catalogue())
NOT_GLUCOSE = [c for c in CODES if reference.catalogue()[c].kind not in ("glucose", "water")]
GLUCOSE = [c for c in CODES if reference.catalogue()[c].kind == "glucose"]

millilitres = st.decimals(min_value="0.1", max_value="800", places=1)
weights = st.decimals(min_value="0.5", max_value="200", places=2)
hours = st.decimals(min_value="1", max_value="24", places=1)
bags = st.lists(st.tuples(st.sampled_from(NOT_GLUCOSE), millilitres), min_size=0, max_size=6)


def make(rows: list[tuple[str, Decimal]], weight: Decimal, infusion: Decimal) -> Composition:
    return compose(
        items=[Item(code, ml, Unit.ML) for code, ml in rows],
        catalogue=reference.catalogue(),
        weight_kg=weight,
        infusion_hours=infusion,
    )


@given(rows=bags.filter(bool), weight=weights, infusion=hours)
def test_volume_is_the_sum_of_its_parts(
    rows: list[tuple[str, Decimal]], weight: Decimal, infusion: Decimal
) -> None:
    assert make(rows, weight, infusion).volume_ml == sum(ml for _, ml in rows)


@given(
    rows=bags,
    glucose=st.sampled_from(GLUCOSE),
    glucose_ml=millilitres,
    water_ml=millilitres,
    moved=st.decimals(min_value="0.1", max_value="1", places=2),
    weight=weights,
)
@settings(max_examples=200)
def test_osmolarity_rises_with_glucose_at_the_same_volume(
    *,
    rows: list[tuple[str, Decimal]],
    glucose: str,
    glucose_ml: Decimal,
    water_ml: Decimal,
    moved: Decimal,
    weight: Decimal,
) -> None:
    # a share of the water replaced by the same volume of glucose solution
    shift = water_ml * moved
    before = make([*rows, (glucose, glucose_ml), ("WFI", water_ml)], weight, Decimal(24))
    after = make(
        [*rows, (glucose, glucose_ml + shift), ("WFI", water_ml - shift)]
        if shift < water_ml
        else [*rows, (glucose, glucose_ml + shift)],
        weight,
        Decimal(24),
    )
    assert after.volume_ml == before.volume_ml
    assert after.osmolarity_mosm_l > before.osmolarity_mosm_l
    assert after.nutrients["glucose_g"] > before.nutrients["glucose_g"]


@given(
    glucose=st.sampled_from(GLUCOSE),
    ml=millilitres,
    factor=st.integers(min_value=2, max_value=10),
    weight=weights,
    infusion=hours,
)
def test_glucose_infusion_rate_is_proportional_to_the_glucose(
    glucose: str, ml: Decimal, factor: int, weight: Decimal, infusion: Decimal
) -> None:
    one = make([(glucose, ml)], weight, infusion).gir_mg_kg_min
    many = make([(glucose, ml * factor)], weight, infusion).gir_mg_kg_min
    assert abs(many - one * factor) < Decimal("1e-20")


@given(rows=bags.filter(bool), weight=weights, infusion=hours)
def test_no_negative_outputs(
    rows: list[tuple[str, Decimal]], weight: Decimal, infusion: Decimal
) -> None:
    c = make(rows, weight, infusion)
    numbers = [
        c.volume_ml, c.total_kcal, c.non_protein_kcal, c.gir_mg_kg_min, c.osmolarity_mosm_l,
        c.aqueous_volume_ml, c.rate_ml_h, c.glucose_monohydrate_g,
        *c.nutrients.values(), *c.per_kg.values(),
    ]  # fmt: skip
    assert all(n >= 0 for n in numbers)
    assert c.npc_per_g_nitrogen is None or c.npc_per_g_nitrogen >= 0


def test_the_shipped_catalogue_covers_the_issue_and_names_its_sources() -> None:
    catalogue = reference.catalogue()
    kinds = {c.kind.value for c in catalogue.values()}
    assert kinds == {
        "amino_acids", "glucose", "lipid", "electrolyte", "trace_elements", "vitamins",
        "water", "bag",
    }  # fmt: skip
    assert {c.code for c in catalogue.values() if c.kind == "glucose"} == {
        "GLU_5", "GLU_10", "GLU_20", "GLU_33", "GLU_50", "GLU_70"
    }  # fmt: skip
    assert all(c.source for c in catalogue.values())
    # every amino-acid solution states its nitrogen; every lipid its kcal/mL
    assert all(c.content.get("nitrogen_g") for c in catalogue.values() if c.kind == "amino_acids")
    assert all(c.content.get("lipid_kcal") for c in catalogue.values() if c.kind == "lipid")


def test_the_shipped_limits_cover_every_band_with_sources() -> None:
    limits = reference.limits()
    assert set(limits) == set(Band)
    for band_limits in limits.values():
        assert {"amino_acids_g_kg", "glucose_mg_kg_min", "lipid_g_kg"} <= set(band_limits)
        assert set(band_limits) <= set(PARAMETERS)
        assert all(limit.source for limit in band_limits.values())
    assert all(curve.source for curve in reference.curves().values())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"code": ""}, "no code"),
        ({"kind": "powder"}, "unknown kind"),
        ({"reference_ml": "0"}, "no reference volume"),
        ({"glucose_g": "-1"}, "negative content"),
        ({"glucose_g": "ten"}, "not a number"),
        ({"primary": "sugar_g"}, "unknown primary nutrient"),
        ({"primary": "lipid_g"}, "primary nutrient without content"),
        ({"calcium_salt": "citrate"}, "unknown salt"),
    ],
)
def test_an_invalid_catalogue_row_is_refused(change: dict[str, str], reason: str) -> None:
    row = {"code": "G", "name": "G", "kind": "glucose", "primary": "glucose_g",
           "reference_ml": "100", "glucose_g": "10", "osmolarity_mosm_l": "555"}  # fmt: skip
    catalogue_from_rows([row])  # the row as given is valid
    with pytest.raises(ValidationFailed) as error:
        catalogue_from_rows([{**row, **change}])
    assert error.value.code == "catalogue_invalid", reason


def test_a_duplicate_code_is_refused() -> None:
    row = {"code": "W", "kind": "water", "reference_ml": "1", "osmolarity_mosm_l": "0"}
    with pytest.raises(ValidationFailed):
        catalogue_from_rows([row, row])


@pytest.mark.parametrize(
    "row",
    [
        {"band": "elderly", "parameter": "lipid_g_kg", "maximum": "1", "action": "warn"},
        {"band": "adult", "parameter": "fibre_g_kg", "maximum": "1", "action": "warn"},
        {"band": "adult", "parameter": "lipid_g_kg", "maximum": "1", "action": "shout"},
        {"band": "adult", "parameter": "lipid_g_kg", "minimum": "2", "maximum": "1",
         "action": "warn"},
    ],
)  # fmt: skip
def test_an_invalid_limit_row_is_refused(row: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as error:
        limits_from_rows([row])
    assert error.value.code == "limits_invalid"


def test_an_invalid_curve_row_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        curves_from_rows(
            [{"phosphate_salt": "organic", "calcium_salt": "gluconate",
              "phosphate_mmol_l": "x", "max_calcium_mmol_l": "1"}]
        )  # fmt: skip
    assert error.value.code == "curves_invalid"
