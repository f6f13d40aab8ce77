"""The archive's reads other modules use (prescribing: a line's drug, tablets, biosimilars)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.core.domain.errors import NotFound
from corsia.drugs import selectors
from corsia.drugs.models import ActiveIngredient, MedicinalProduct


def test_ingredients_by_id_and_by_code(reference: None) -> None:
    # given the shipped archive
    capecitabine = ActiveIngredient.objects.get(code="capecitabine")
    # then
    assert selectors.ingredient_get_by_id(ingredient_id=capecitabine.pk) == capecitabine
    found = selectors.ingredients_by_code(["capecitabine", "oxaliplatin", "no-such-drug"])
    assert sorted(found) == ["capecitabine", "oxaliplatin"]
    with pytest.raises(NotFound) as refused:
        selectors.ingredient_get_by_id(ingredient_id=0)
    assert refused.value.code == "ingredient_not_found"


def test_tablet_strengths_and_one_product(reference: None) -> None:
    # given capecitabine tablets of 150 and 500 mg, and an infusion-only drug
    capecitabine = ActiveIngredient.objects.get(code="capecitabine")
    oxaliplatin = ActiveIngredient.objects.get(code="oxaliplatin")
    xeloda = MedicinalProduct.objects.get(code="capecitabine_500mg_xeloda")
    # then
    strengths = selectors.solid_oral_strengths_mg(ingredient_id=capecitabine.pk)
    assert sorted(s for s in strengths if s is not None) == [Decimal(150), Decimal(500)]
    assert selectors.solid_oral_strengths_mg(ingredient_id=oxaliplatin.pk) == []
    assert selectors.product_find(product_id=xeloda.pk) == xeloda
    assert selectors.product_find(product_id=0) is None


def test_biosimilar_choices_only_for_drugs_with_a_biosimilar(reference: None) -> None:
    # given rituximab (originator and biosimilars) and capecitabine (no biosimilar)
    rituximab = ActiveIngredient.objects.get(code="rituximab")
    capecitabine = ActiveIngredient.objects.get(code="capecitabine")
    # when
    choices = selectors.biosimilar_choices([rituximab.pk, capecitabine.pk])
    # then every rituximab product is offered, by name, and capecitabine is not
    assert list(choices) == [rituximab.pk]
    names = [p.name for p in choices[rituximab.pk]]
    assert names == sorted(names)
    assert {p.code for p in choices[rituximab.pk]} == set(
        MedicinalProduct.objects.filter(ingredient=rituximab).values_list("code", flat=True)
    )
