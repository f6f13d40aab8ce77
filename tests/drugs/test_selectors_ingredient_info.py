"""The reads other modules make of the drug archive: ids, ATC codes and frozen
ingredient data, never the archive's rows."""

from __future__ import annotations

import dataclasses

import pytest

from corsia.drugs import selectors
from corsia.drugs.models import ActiveIngredient
from corsia.drugs.selectors import IngredientInfo


def test_ids_and_atc_codes_of_known_codes_leave_unknown_ones_out(reference: None) -> None:
    # given two archived ingredients and a code the archive does not have
    codes = ["oxaliplatin", "ondansetron", "no_such_drug", "oxaliplatin"]
    # when their ids and ATC codes are read
    ids = selectors.ingredient_ids(codes)
    atc = selectors.ingredient_atc_codes(codes)
    # then each known code maps to its row's id and ATC code, the unknown one is absent
    assert ids == {
        "oxaliplatin": ActiveIngredient.objects.get(code="oxaliplatin").pk,
        "ondansetron": ActiveIngredient.objects.get(code="ondansetron").pk,
    }
    assert atc == {"oxaliplatin": "L01XA03", "ondansetron": "A04AA01"}
    assert selectors.ingredient_ids([]) == {}


def test_ingredients_by_id_are_frozen_data_with_the_extravasation_label(reference: None) -> None:
    # given vincristine (vesicant) and ondansetron (not classified)
    vincristine = ActiveIngredient.objects.get(code="vincristine")
    ondansetron = ActiveIngredient.objects.get(code="ondansetron")
    # when read by id, with an id the archive does not have
    found = selectors.ingredients_by_id([vincristine.pk, ondansetron.pk, 0])
    # then each known id gives the ingredient's data and label, the unknown id is absent
    assert found == {
        vincristine.pk: IngredientInfo(
            pk=vincristine.pk,
            code="vincristine",
            name_it="Vincristina",
            name_en="vincristine",
            atc_code="L01CA02",
            is_antineoplastic=True,
            extravasation_class="vesicant",
            extravasation_class_label="vescicante",
        ),
        ondansetron.pk: IngredientInfo(
            pk=ondansetron.pk,
            code="ondansetron",
            name_it="Ondansetron",
            name_en="ondansetron",
            atc_code="A04AA01",
            is_antineoplastic=False,
            extravasation_class="",
            extravasation_class_label="non classificato",
        ),
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[vincristine.pk].code = "other"  # type: ignore[misc]  # frozen: the assignment is the test


def test_antineoplastic_ingredients_are_all_and_only_them_by_italian_name(reference: None) -> None:
    listed = selectors.antineoplastic_ingredients()
    expected = ActiveIngredient.objects.filter(is_antineoplastic=True).order_by("name_it")
    assert [i.code for i in listed] == [i.code for i in expected]
    assert len(listed) > 300
    assert all(i.is_antineoplastic for i in listed)
    assert not any(i.code == "ondansetron" for i in listed)
