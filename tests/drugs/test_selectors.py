"""The archive's lookups other modules read products and packs through (inventory,
compounding): each returns exactly what it names, in the order it names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.drugs import selectors
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def oxaliplatin() -> ActiveIngredient:
    return ActiveIngredient.objects.create(
        code="oxaliplatin", name_en="Oxaliplatin", name_it="Oxaliplatino"
    )


def _product(ingredient: ActiveIngredient, code: str, **fields: Any) -> MedicinalProduct:
    values: dict[str, Any] = {
        "name": code.title(),
        "strength": Decimal(50),
        "concentration": Decimal(5),
        "physical_state": "concentrate",
        **fields,
    }
    return MedicinalProduct.objects.create(code=code, ingredient=ingredient, **values)


def test_products_by_strength_keep_compoundable_originators_of_the_asked_kind(
    oxaliplatin: ActiveIngredient,
) -> None:
    # given products of every kind the filter must leave out, and three it keeps
    big = _product(oxaliplatin, "oxa_b_100", strength=Decimal(100))
    small_b = _product(oxaliplatin, "oxa_b_50")
    small_a = _product(oxaliplatin, "oxa_a_50")
    _product(oxaliplatin, "biosimilar", biosimilar_of=small_a)
    _product(oxaliplatin, "no_strength", strength=None)
    _product(oxaliplatin, "no_concentration", concentration=None)
    _product(oxaliplatin, "tablets", physical_state="solid_oral")
    _product(oxaliplatin, "in_iu", strength_unit="IU")
    _product(oxaliplatin, "liposomal", formulation="liposomal")
    # when they are asked for in mg, conventional, not oral
    found = selectors.products_with_strength(
        ingredient_id=oxaliplatin.pk,
        strength_units=["mg"],
        formulations=["conventional", ""],
        physical_states_excluded=["", "solid_oral", "other"],
    )
    # then by strength, then code
    assert found == [small_a, small_b, big]


def test_product_lookups_by_id_code_and_ingredient(oxaliplatin: ActiveIngredient) -> None:
    big = _product(oxaliplatin, "oxa_100", strength=Decimal(100))
    small = _product(oxaliplatin, "oxa_50")
    assert selectors.product_find(product_id=small.pk) == small
    assert selectors.product_find(product_id=small.pk + big.pk) is None
    assert selectors.products_by_id([big.pk]) == {big.pk: big}
    assert selectors.products_by_code(["oxa_50", "unknown"]) == {"oxa_50": small}
    assert selectors.ingredient_products(ingredient_id=oxaliplatin.pk) == [small, big]
    assert selectors.products_of_ingredients(codes=["oxaliplatin"]) == [big, small]
    assert list(selectors.product_choices()) == [big, small]  # "Oxa_100" < "Oxa_50"


def test_unit_price_is_the_cheapest_unit_among_priced_packs(
    oxaliplatin: ActiveIngredient,
) -> None:
    product = _product(oxaliplatin, "oxa_50")
    assert selectors.product_unit_price(product_id=product.pk) == Decimal(0)
    Pack.objects.create(code="one", product=product, units_per_pack=1, price_eur=Decimal("20"))
    Pack.objects.create(code="three", product=product, units_per_pack=3, price_eur=Decimal("50"))
    Pack.objects.create(code="unpriced", product=product, units_per_pack=1)
    assert selectors.product_unit_price(product_id=product.pk) == Decimal("16.67")


def test_pack_lookups(oxaliplatin: ActiveIngredient) -> None:
    product = _product(oxaliplatin, "oxa_50")
    other = _product(oxaliplatin, "oxa_100", strength=Decimal(100))
    ten = Pack.objects.create(
        code="ten", product=product, units_per_pack=10, aic="900000017", gtin="08012345678901"
    )
    one = Pack.objects.create(code="one", product=product, units_per_pack=1, aic="900000029")
    Pack.objects.create(code="other", product=other, units_per_pack=1)
    assert selectors.packs_by_aic_or_gtin(["900000029", "08012345678901", ""]) == [one, ten]
    assert selectors.packs_by_aic(["900000017", "999999999"]) == {"900000017": ten}
    assert selectors.packs_by_code(["one", "none"]) == {"one": one}
    assert selectors.packs_of_products([product.pk]) == [one, ten]
