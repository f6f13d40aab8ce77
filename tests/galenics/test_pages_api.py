"""Pages and API of the galenic laboratory: the same acts with the same permissions,
problem+json with a stable code (422, never 500) for bad input, the pages rendered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.galenics.models import Batch, BatchState, Formula
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.galenics import EXPIRED_LOT, Lab, batch_prepared

pytestmark = pytest.mark.django_db

API = "/api/v1/galenics"
OINTMENT_JSON = {
    "code": "zinco-10", "name": "Unguento all'ossido di zinco 10%", "kind": "officinal",
    "pharmaceutical_form": "unguento", "batch_unit": "g", "method": "Triturare e incorporare.",
    "stability_days": 180, "storage": "Sotto 25 °C", "quality_controls": ["appearance"],
    "ingredients": [
        {"product_code": "zinc_oxide_raw_g", "quantity": "0.1", "unit": "g"},
        {"product_code": "white_soft_paraffin_raw_g", "quantity": "0.9", "unit": "g",
         "excipient": True},
    ],
}  # fmt: skip


def test_the_whole_path_through_the_api(lab: Lab, technician: User, releaser: User) -> None:
    pharmacy = api_client(lab.pharmacist)
    status, body = post_json(pharmacy, f"{API}/formulas", OINTMENT_JSON)
    assert status == 201, body
    formula_id = body["id"]
    status, body = post_json(
        pharmacy, f"{API}/formulas/{formula_id}/publish", {"expected_version": 1}
    )
    assert (status, body["state"]) == (200, "published")
    prep = api_client(technician)
    status, body = post_json(
        prep, f"{API}/formulas/{formula_id}/batches", {"quantity": "200", "cost_center": "CC-GAL"}
    )
    assert status == 201, body
    batch_id = body["id"]
    # 200 g: zinc oxide 0,1 × 200 = 20 g; paraffin 0,9 × 200 = 180 g.
    assert [(Decimal(x["required"]), x["unit"]) for x in body["lines"]] == [
        (Decimal(20), "g"),
        (Decimal(180), "g"),
    ]
    for line, lot in zip(body["lines"], ["ZNO-2605", "VAS-2609"], strict=True):
        status, weighing = post_json(
            prep, f"{API}/batches/lines/{line['id']}/weighing",
            {"quantity": line["required"], "lot": lot},
        )  # fmt: skip
        assert (status, weighing["within_tolerance"]) == (200, True), weighing
    status, body = post_json(
        prep, f"{API}/batches/{batch_id}/qc", {"control": "appearance", "passed": True}
    )
    assert (status, body["qc_missing_or_failed"]) == (201, [])
    status, body = post_json(prep, f"{API}/batches/{batch_id}/prepared")
    assert (status, body["state"]) == (200, "prepared")
    status, body = post_json(prep, f"{API}/batches/{batch_id}/release")
    assert status == 403  # a technician does not release
    status, body = post_json(api_client(releaser), f"{API}/batches/{batch_id}/release")
    assert (status, body["state"]) == (200, "released"), body
    label = prep.get(f"{API}/batches/{batch_id}/label").json()["lines"]
    assert "Zinco ossido 0,1 g per g" in label
    assert "Preparazione officinale" in label
    status, body = post_json(prep, f"{API}/batches/{batch_id}/dispensings", {"quantity": "0"})
    assert (status, body["code"]) == (422, "quantity_invalid")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"name": "a\u0000b"}, 400),  # refused at the door (core middleware)
        ({"stability_days": 1e308}, 422),
        ({"stability_days": 0}, 422),
        (
            {"ingredients": [{"product_code": "zinc_oxide_raw_g", "quantity": 1e308, "unit": "g"}]},
            422,
        ),
        (
            {"ingredients": [{"product_code": "zinc_oxide_raw_g", "quantity": "0", "unit": "g"}]},
            422,
        ),
        (
            {"ingredients": [{"product_code": "zinc_oxide_raw_g", "quantity": "1", "unit": "kg"}]},
            422,
        ),
        (
            {"ingredients": [{"product_code": "zinc_oxide_raw_g", "quantity": "NaN", "unit": "g"}]},
            422,
        ),
    ],
)
def test_bad_formulas_are_422(lab: Lab, change: dict[str, object], status: int) -> None:
    answer = api_client(lab.pharmacist).post(
        f"{API}/formulas", {**OINTMENT_JSON, **change}, content_type="application/json"
    )
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")


def test_bad_weighings_are_422(lab: Lab, suspension: Formula, technician: User) -> None:
    client = api_client(technician)
    _, body = post_json(
        client,
        f"{API}/formulas/{suspension.pk}/batches",
        {"quantity": "150", "cost_center": "CC-GAL"},
    )
    line = body["lines"][0]["id"]
    for payload, code in [
        ({"quantity": "300", "lot": EXPIRED_LOT}, "lot_expired"),
        ({"quantity": "300", "lot": "ZNO-2605"}, "lot_wrong_product"),
        ({"quantity": 1e308, "lot": "OME-2611"}, None),
        ({"quantity": "0", "lot": "OME-2611"}, "quantity_invalid"),
    ]:
        status, problem = post_json(client, f"{API}/batches/lines/{line}/weighing", payload)
        assert status == 422, (payload, problem)
        if code:
            assert problem["code"] == code
    nul = {"quantity": "3", "lot": "OME\u00002611"}
    status, problem = post_json(client, f"{API}/batches/lines/{line}/weighing", nul)
    assert (status, problem["code"]) == (400, "invalid_characters")  # refused at the door
    status, _ = post_json(
        client,
        f"{API}/formulas/{suspension.pk}/batches",
        {"quantity": "0", "cost_center": "CC-GAL"},
    )
    assert status == 422


def test_permissions(lab: Lab, suspension: Formula, make_user: MakeUser) -> None:
    nurse = api_client(make_user(Role.NURSE))
    assert nurse.get(f"{API}/formulas").status_code == 403
    assert post_json(nurse, f"{API}/formulas", OINTMENT_JSON)[0] == 403
    technician = api_client(make_user(Role.TECHNICIAN))
    assert technician.get(f"{API}/formulas").status_code == 200
    assert post_json(technician, f"{API}/formulas", OINTMENT_JSON)[0] == 403
    assert logged_in(make_user(Role.NURSE)).get("/galenics/").status_code == 403


def test_pages(lab: Lab, suspension: Formula, technician: User, releaser: User) -> None:
    batch = batch_prepared(lab, technician, suspension, Decimal(150))
    page = logged_in(technician)
    index = page.get("/galenics/")
    assert index.status_code == 200
    assert "Omeprazolo sospensione orale" in index.content.decode()
    assert page.get(f"/galenics/formulas/{suspension.pk}/").status_code == 200
    checker = logged_in(releaser)
    answer = checker.post(f"/galenics/batches/{batch.pk}/release/")
    assert answer.status_code == 302
    assert Batch.objects.get(pk=batch.pk).state == BatchState.RELEASED
    html = checker.get(f"/galenics/batches/{batch.pk}/").content.decode()
    assert "Etichetta" in html and "Omeprazolo 2 mg per mL" in html
    assert "style=" not in html.split("<main", 1)[-1]
    # a bad number on a page is refused, never a 500
    refused = page.post(
        f"/galenics/formulas/{suspension.pk}/batch/", {"quantity": "1e308", "cost_center": "CC-GAL"}
    )
    assert refused.status_code in {302, 422}
    refused = page.post(
        f"/galenics/formulas/{suspension.pk}/batch/", {"quantity": "\x00", "cost_center": "CC-GAL"}
    )
    assert refused.status_code in {302, 400, 422}


def test_a_magistral_batch_for_a_patient_from_the_page(
    lab: Lab, suspension: Formula, technician: User, make_user: MakeUser
) -> None:
    from corsia.testing.patients import patient_registered

    patient = patient_registered(make_user(Role.COORDINATOR))
    page = logged_in(technician)
    html = page.get(f"/galenics/formulas/{suspension.pk}/").content.decode()
    assert 'name="patient_id"' in html
    answer = page.post(
        f"/galenics/formulas/{suspension.pk}/batch/",
        {"quantity": "100", "cost_center": "CC-GAL", "patient_id": str(patient.pk)},
    )
    assert answer.status_code == 302
    assert Batch.objects.get().patient_id == patient.pk


def test_a_formula_written_published_and_versioned_from_the_pages(lab: Lab) -> None:
    page = logged_in(lab.pharmacist)
    answer = page.post(
        "/galenics/formulas/new/",
        {
            "code": "zinco-pagina", "name": "Pasta all'ossido di zinco", "kind": "officinal",
            "pharmaceutical_form": "pasta", "batch_unit": "g", "method": "Incorporare.",
            "stability_days": "90", "storage": "Sotto 25 °C", "quality_controls": ["appearance"],
            "product_1": "zinc_oxide_raw_g", "quantity_1": "0,25", "unit_1": "g",
            "stock_amount_1": "1", "stock_unit_1": "",
            "product_2": "white_soft_paraffin_raw_g", "quantity_2": "0,75", "unit_2": "g",
            "excipient_2": "1",
        },
    )  # fmt: skip
    assert answer.status_code == 302
    formula = Formula.objects.get(code="zinco-pagina")
    assert [(i.quantity, i.excipient) for i in formula.ingredients.all()] == [
        (Decimal("0.25"), False),
        (Decimal("0.75"), True),
    ]
    page.post(f"/galenics/formulas/{formula.pk}/publish/", {"version": str(formula.version)})
    page.post(f"/galenics/formulas/{formula.pk}/version/")
    assert sorted(Formula.objects.filter(code="zinco-pagina").values_list("number", "state")) == [
        (1, "published"),
        (2, "draft"),
    ]
