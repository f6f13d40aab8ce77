"""Importing an external drug database: idempotent, versioned, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps

from corsia.accounts.domain.roles import Role
from corsia.core.domain.errors import PermissionRefused
from corsia.drugs import services
from corsia.drugs.domain.catalogue import ImportRejected
from corsia.drugs.models import ActiveIngredient, ImportRun, MedicinalProduct, Pack

EXAMPLES = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data" / "examples"


def _events(model: str) -> int:
    return int(apps.get_model("drugs", f"{model}Event").objects.count())


def _snapshot() -> tuple[int, ...]:
    return (
        ActiveIngredient.objects.count(),
        MedicinalProduct.objects.count(),
        Pack.objects.count(),
        _events("ActiveIngredient"),
        _events("MedicinalProduct"),
        _events("Pack"),
    )


def test_reference_load_twice_changes_nothing_the_second_time(db: None) -> None:
    first = services.drugs_reference_load()
    assert first.created > 800 and first.updated == 0
    before = _snapshot()
    second = services.drugs_reference_load()
    assert (second.created, second.updated, second.changes) == (0, 0, [])
    assert second.unchanged == first.created
    assert _snapshot() == before


def test_a_changed_field_is_versioned_with_its_source(reference: None) -> None:
    # given a file that changes one field of cisplatin
    line = '{"type": "ingredient", "code": "cisplatin", "name_en": "cisplatin", "name_it": "Cisplatino", "emetogenic_risk": "moderate"}'
    # when imported
    run = services.catalogue_import(
        content=line.encode(), file_name="update.jsonl", source="Farmadati test"
    )
    # then exactly that change is reported and the history row carries the source and file
    assert (run.created, run.updated) == (0, 1)
    assert run.changes == [
        {
            "type": "ingredient",
            "key": "cisplatin",
            "action": "updated",
            "fields": ["emetogenic_risk"],
        }
    ]
    cisplatin = ActiveIngredient.objects.get(code="cisplatin")
    assert (cisplatin.emetogenic_risk, cisplatin.version) == ("moderate", 2)
    event = (
        apps.get_model("drugs", "ActiveIngredientEvent")
        .objects.filter(pgh_obj=cisplatin)
        .latest("pgh_id")
    )
    assert event.pgh_context.metadata["source"] == "Farmadati test"
    assert event.pgh_context.metadata["file"] == "update.jsonl"


def test_a_bad_row_rejects_the_whole_file_and_names_the_line(reference: None) -> None:
    # given a file whose first lines are good and whose line 3 has a wrong AIC check digit
    content = "\n".join(
        [
            '{"type": "ingredient", "code": "cisplatin", "name_en": "cisplatin", "name_it": "Cisplatino", "emetogenic_risk": "low"}',
            '{"type": "ingredient", "code": "new_drug_x", "name_en": "new drug x", "name_it": "Nuovo farmaco x"}',
            '{"type": "pack", "code": "p1", "product": "oxaliplatin_50mg_10ml_oxaliplatino", "aic": "044155025"}',
        ]
    ).encode()
    before = _snapshot()
    # when imported, then it is refused naming line 3
    with pytest.raises(ImportRejected) as caught:
        services.catalogue_import(content=content, file_name="bad.jsonl", source="test")
    assert caught.value.message.startswith("Riga 3:")
    assert caught.value.details["errors"][0]["line"] == 3
    # and nothing changed
    assert _snapshot() == before
    assert ActiveIngredient.objects.get(code="cisplatin").emetogenic_risk == "high"
    assert not ImportRun.objects.filter(file_name="bad.jsonl").exists()


def test_a_reference_error_found_while_applying_rolls_back_earlier_lines(reference: None) -> None:
    # given line 1 creates an ingredient and line 2 a product of an unknown ingredient
    content = "\n".join(
        [
            '{"type": "ingredient", "code": "new_drug_y", "name_en": "new drug y", "name_it": "Nuovo farmaco y"}',
            '{"type": "product", "code": "prod_z", "ingredient": "no_such_drug", "name": "Z"}',
        ]
    ).encode()
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        services.catalogue_import(content=content, file_name="ref.jsonl", source="test")
    assert caught.value.details["errors"] == [
        {"line": 2, "message": "principio attivo «no_such_drug» sconosciuto"}
    ]
    assert _snapshot() == before
    assert not ActiveIngredient.objects.filter(code="new_drug_y").exists()


def test_flat_csv_example_imports_once(reference: None) -> None:
    content = (EXAMPLES / "packs_example.csv").read_bytes()
    first = services.catalogue_import(
        content=content, file_name="packs_example.csv", source="esempio"
    )
    assert Pack.objects.get(aic="042640274").product.name == "Capecitabina Accord 500 mg compresse"
    assert Pack.objects.get(aic="042640274").units_per_pack == 120
    assert first.created == 2  # the Accord product and its pack; the saline pack already existed
    second = services.catalogue_import(
        content=content, file_name="packs_example.csv", source="esempio"
    )
    assert (second.created, second.updated) == (0, 0)


def test_csv_with_one_bad_row_names_its_line(reference: None) -> None:
    header = "ingredient_code;product_code;product_name;pack_code;aic;units_per_pack\n"
    rows = (
        "capecitabine;cap_a;Cap A;cap_a-1;035219029;120\ncapecitabine;cap_b;Cap B;cap_b-1;;zero\n"
    )
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        services.catalogue_import(content=(header + rows).encode(), file_name="x.csv", source="t")
    assert caught.value.details["errors"] == [
        {"line": 3, "message": "units_per_pack: «zero» non è un numero"}
    ]
    assert _snapshot() == before


def test_aifa_class_list_updates_holder_and_creates_known_ingredients_packs(
    reference: None,
) -> None:
    # the example list, and a row of atorvastatin (C10AA05, an AIC of the AIFA sample): an
    # ingredient the archive does not hold
    content = (EXAMPLES / "aifa_lista_classe_a_esempio.csv").read_bytes().rstrip(b"\n") + (
        b"\nATORVASTATINA;ATORVASTATINA 10MG 30 UNITA' USO ORALE;TORVAST*30CPR RIV 10MG;;"
        b"Titolare di esempio;033007067;;C10AA05\n"
    )
    run = services.aifa_list_import(content=content, file_name="lista.csv", reimbursement_class="A")
    xeloda = Pack.objects.get(aic="035219029")
    assert xeloda.product.holder == "Titolare di esempio"
    assert xeloda.reimbursement_class == "A"
    created = Pack.objects.get(aic="042091013")
    assert created.product.ingredient.code == "metoclopramide"
    # letrozole is in the archive (the endocrine therapy of the regimen library)
    assert Pack.objects.get(aic="033242013").product.ingredient.code == "letrozole"
    assert not Pack.objects.filter(aic="033007067").exists()  # atorvastatin is not
    assert run.unchanged == 1
    again = services.aifa_list_import(
        content=content, file_name="lista.csv", reimbursement_class="A"
    )
    assert (again.created, again.updated) == (0, 0)


def test_aifa_list_with_a_bad_aic_changes_nothing(reference: None) -> None:
    content = (
        "Codice AIC;ATC;Titolare AIC\n035219029;L01BC06;Nuovo titolare\n03521902X;L01BC06;Altro\n"
    )
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        services.aifa_list_import(
            content=content.encode(), file_name="l.csv", reimbursement_class="H"
        )
    assert caught.value.details["errors"][0]["line"] == 3
    assert _snapshot() == before
    assert Pack.objects.get(aic="035219029").product.holder == ""


def test_import_needs_the_permission(reference: None, make_user) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    nurse = make_user(Role.NURSE)
    before = _snapshot()
    with pytest.raises(PermissionRefused):
        services.catalogue_import(content=b"{}", file_name="x.jsonl", source="t", user=nurse)
    assert _snapshot() == before
    pharmacist = make_user(Role.PHARMACIST)
    line = b'{"type": "pack", "code": "aic-035219029", "product": "capecitabine_500mg_xeloda", "price_eur": "123,45"}'
    run = services.catalogue_import(content=line, file_name="p.jsonl", source="t", user=pharmacist)
    assert run.user == pharmacist
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("123.45")
