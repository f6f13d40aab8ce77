"""A vehicle quanto basta (q.b.) against a worked example written out by hand.

Unguento all'ossido di zinco 10%, a batch of 100 g:
    zinco ossido       0,1 g per g × 100 g = 10 g      (weighed within ± 5 %)
    vaselina bianca    q.b. a 100 g                      (nothing computed: the preparer
                                                          incorporates the base up to
                                                          100 g and records what it took,
                                                          here 89,7 g, no tolerance)
Release: the ledger counts whole grams rounded up: zinc oxide 10 units, paraffin
⌈89,7⌉ = 90 units. Label: "Zinco ossido 0,1 g per g"; "Eccipienti: Vaselina bianca q.b.
a 100 g".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from corsia.accounts.models import User
from corsia.core.domain.errors import CorsiaError
from corsia.galenics import selectors, services
from corsia.galenics.domain.batch import weighing_check
from corsia.galenics.domain.label import LabelComponent, LabelInput, label_for
from corsia.galenics.domain.units import Quantity, Unit
from corsia.inventory.models import StockLot
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.galenics import OINTMENT_QS, Lab, batch_prepared, published

D = Decimal
API = "/api/v1/galenics"


def test_the_label_writes_the_vehicle_qb_to_the_batch_quantity() -> None:
    label = label_for(
        LabelInput(
            pharmacy="Farmacia ospedaliera",
            name="Unguento all'ossido di zinco 10%",
            kind="officinal",
            pharmaceutical_form="unguento",
            batch_unit="g",
            batch_quantity_text="100 g",
            components=[
                LabelComponent("Zinco ossido", Quantity(D("0.1"), Unit.G)),
                LabelComponent("Vaselina bianca", None, excipient=True),
            ],
            batch_number="G2026-0007",
            prepared_on=date(2026, 12, 4),
            beyond_use=date(2027, 6, 2),
            storage="A temperatura inferiore a 25 °C",
        )
    )
    assert label.composition == ("Zinco ossido 0,1 g per g",)
    assert label.excipients == ("Vaselina bianca q.b. a 100 g",)
    assert "Eccipienti: Vaselina bianca q.b. a 100 g" in label.lines


def test_a_vehicle_qb_has_no_tolerance() -> None:
    # 89,7 g of base q.b.: nothing to compare with, accepted as weighed
    assert weighing_check(None, D("89.7"), D(5)) == (None, True)
    # 10,6 g of zinc oxide for 10 g: +6 %, outside ± 5 %
    deviation, passed = weighing_check(D(10), D("10.6"), D(5))
    assert (deviation, passed) == (D(6), False)


@pytest.mark.django_db
def test_the_worked_example_from_worksheet_to_label(
    lab: Lab, technician: User, releaser: User
) -> None:
    formula = published(lab.pharmacist, OINTMENT_QS)
    paraffin = formula.ingredients.get(product=lab.products["white_soft_paraffin_raw_g"])
    assert (paraffin.quantity, paraffin.quantum_satis, paraffin.excipient) == (None, True, True)
    held = {
        code: StockLot.objects.get(product=lab.products[code], lot=lab.lots[code]).quantity
        for code in ("zinc_oxide_raw_g", "white_soft_paraffin_raw_g")
    }
    batch = batch_prepared(lab, technician, formula, D(100), vehicle=D("89.7"))
    lines = {line.product.code: line for line in batch.lines.select_related("product")}
    assert lines["zinc_oxide_raw_g"].required == D(10)
    assert lines["white_soft_paraffin_raw_g"].required is None
    assert lines["white_soft_paraffin_raw_g"].weighed == D("89.7")
    assert lines["white_soft_paraffin_raw_g"].within_tolerance
    view = selectors.batch_view(user=releaser, workstation="t", batch_id=batch.pk)
    assert [(v.required_text, v.deviation_percent) for v in view.lines] == [
        ("10 g", D("0.00")),
        ("q.b. a 100 g", None),
    ]
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    for code, units in (("zinc_oxide_raw_g", 10), ("white_soft_paraffin_raw_g", 90)):
        row = StockLot.objects.get(product=lab.products[code], lot=lab.lots[code])
        assert row.quantity == held[code] - units, code
    label = selectors.batch_view(user=releaser, workstation="t", batch_id=batch.pk).label
    assert label is not None
    assert label.composition == ("Zinco ossido 0,1 g per g",)
    assert label.excipients == ("Vaselina bianca q.b. a 100 g",)


@pytest.mark.django_db
def test_one_vehicle_qb_per_formula(lab: Lab) -> None:
    vehicle = OINTMENT_QS.ingredients[1]
    twice = replace(OINTMENT_QS, ingredients=(OINTMENT_QS.ingredients[0], vehicle, vehicle))
    with pytest.raises(CorsiaError) as refused:
        services.formula_create(actor=lab.pharmacist, workstation="t", data=twice)
    assert refused.value.code == "quantum_satis_twice"
    # a quantity typed on a q.b. row is ignored: q.b. has none
    typed = replace(vehicle, quantity=D("0.9"))
    draft = services.formula_create(
        actor=lab.pharmacist,
        workstation="t",
        data=replace(OINTMENT_QS, ingredients=(OINTMENT_QS.ingredients[0], typed)),
    )
    assert list(draft.ingredients.values_list("quantity", "quantum_satis")) == [
        (D("0.1"), False),
        (None, True),
    ]
    # a new version copies the q.b.
    published_ = services.formula_publish(
        actor=lab.pharmacist, workstation="t", formula_id=draft.pk, expected_version=draft.version
    )
    copy = services.formula_new_version(
        actor=lab.pharmacist, workstation="t", formula_id=published_.pk
    )
    assert list(copy.ingredients.values_list("quantum_satis", flat=True)) == [False, True]


@pytest.mark.django_db
def test_qb_through_the_api_and_the_page(lab: Lab, technician: User) -> None:
    client = api_client(lab.pharmacist)
    status, body = post_json(
        client,
        f"{API}/formulas",
        {
            "code": "zinco-qb", "name": "Unguento zinco q.b.", "kind": "officinal",
            "pharmaceutical_form": "unguento", "batch_unit": "g", "method": "Incorporare.",
            "stability_days": 180, "storage": "Sotto 25 °C", "quality_controls": [],
            "ingredients": [
                {"product_code": "zinc_oxide_raw_g", "quantity": "0.1", "unit": "g"},
                {"product_code": "white_soft_paraffin_raw_g", "unit": "g",
                 "quantum_satis": True},
            ],
        },
    )  # fmt: skip
    assert status == 201, body
    assert [
        (None if i["quantity"] is None else D(i["quantity"]), i["quantum_satis"])
        for i in body["ingredients"]
    ] == [(D("0.1"), False), (None, True)]
    status, body = post_json(
        client, f"{API}/formulas/{body['id']}/publish", {"expected_version": 1}
    )
    assert status == 200, body
    status, batch = post_json(
        api_client(technician),
        f"{API}/formulas/{body['id']}/batches",
        {"quantity": "100", "cost_center": "CC-GAL"},
    )
    assert status == 201, batch
    vehicle = batch["lines"][1]
    assert (vehicle["required"], vehicle["quantum_satis"]) == (None, True)
    status, weighing = post_json(
        api_client(technician),
        f"{API}/batches/lines/{vehicle['id']}/weighing",
        {"quantity": "89.7", "lot": "VAS-2609"},
    )
    assert status == 200, weighing
    assert (weighing["within_tolerance"], weighing["deviation_percent"]) == (True, None)
    html = logged_in(technician).get(f"/galenics/batches/{batch['id']}/").content.decode()
    assert "q.b. a 100 g" in html
    page = logged_in(lab.pharmacist)
    answer = page.post(
        "/galenics/formulas/new/",
        {
            "code": "zinco-qb-pagina", "name": "Pasta di zinco", "kind": "officinal",
            "pharmaceutical_form": "pasta", "batch_unit": "g", "method": "Incorporare.",
            "stability_days": "90", "storage": "Sotto 25 °C",
            "product_1": "zinc_oxide_raw_g", "quantity_1": "0,25", "unit_1": "g",
            "product_2": "white_soft_paraffin_raw_g", "quantity_2": "", "unit_2": "g",
            "qs_2": "1",
        },
    )  # fmt: skip
    assert answer.status_code == 302
    formula_page = page.get(answer["Location"]).content.decode()
    assert "q.b. al volume o peso finale" in formula_page
