"""Pages and API of the drug archive, with their permissions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.drugs.models import ActiveIngredient, ImportRun


def test_search_by_inn_commercial_name_atc_and_aic(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.NURSE)
    page = client.get("/drugs/", {"q": "oxaliplatino"})
    assert page.status_code == 200
    assert b'href="/drugs/ingredients/oxaliplatin/"' in page.content
    assert b"autofocus" in page.content
    assert b"Campto 20 mg/mL 100 mg/5 mL" in client.get("/drugs/", {"q": "campto"}).content
    assert b"Cisplatino" in client.get("/drugs/", {"q": "L01XA"}).content
    scanned = client.get("/drugs/", {"q": "A035219029"})
    assert b'data-testid="pack-results"' in scanned.content
    assert b"Xeloda 500 mg" in scanned.content


def test_ingredient_and_product_sheets(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.PHYSICIAN)
    sheet = client.get("/drugs/ingredients/fluorouracil/")
    assert sheet.status_code == 200
    assert b"DPYD" in sheet.content
    product = client.get("/drugs/products/paclitaxel_300mg_50ml_paclitaxel/")
    assert product.status_code == 200
    assert "0,22 µm".encode() in product.content
    assert client.get("/drugs/ingredients/no_such/").status_code == 404


def test_pages_are_refused_without_permission(db: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    monitor: Client = client_for(Role.TRIAL_MONITOR)
    assert monitor.get("/drugs/").status_code == 403
    assert monitor.get("/drugs/ingredients/cisplatin/").status_code == 403
    nurse: Client = client_for(Role.NURSE)
    assert nurse.get("/drugs/import/").status_code == 403
    assert Client().get("/drugs/").status_code == 302


def test_upload_page_imports_and_reports_a_bad_line(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.PHARMACIST)
    bad = SimpleUploadedFile(
        "bad.jsonl",
        b'{"type": "ingredient", "code": "cisplatin", "name_en": "c", "name_it": "C"}\n{"type": "nope"}\n',
    )
    response = client.post("/drugs/import/", {"kind": "catalogue", "source": "test", "file": bad})
    assert response.status_code == 422
    assert b"Riga 2" in response.content
    assert ActiveIngredient.objects.get(code="cisplatin").name_it == "Cisplatino"
    good = SimpleUploadedFile(
        "good.jsonl",
        b'{"type": "ingredient", "code": "cisplatin", "name_en": "cisplatin", "name_it": "Cisplatino", "innovative": false}\n',
    )
    response = client.post("/drugs/import/", {"kind": "catalogue", "source": "test", "file": good})
    assert response.status_code == 200
    assert b'data-testid="import-result"' in response.content
    assert ImportRun.objects.filter(
        file_name="good.jsonl", created=0, updated=0, unchanged=1
    ).exists()


def test_api_search_ingredient_scan_and_interactions(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.PHARMACIST)
    found = client.get("/api/v1/drugs/search", {"q": "irinotecan"}).json()
    # the exact match first, then the names that contain it
    assert [i["code"] for i in found["ingredients"]] == ["irinotecan", "etirinotecan_pegol"]
    detail = client.get("/api/v1/drugs/ingredients/leucovorin").json()
    assert detail["code"] == "calcium_folinate"
    scan = client.get("/api/v1/drugs/packs/scan", {"barcode": "A020766010"}).json()
    assert scan["pack"]["ingredient"] == "metoclopramide"
    assert scan["kind"] == "aic_code39"
    interactions = client.get(
        "/api/v1/drugs/interactions", {"codes": "capecitabine,warfarin,brivudine"}
    ).json()
    assert [(i["a"], i["b"], i["severity"]) for i in interactions] == [
        ("brivudine", "capecitabine", "contraindicated"),
        ("capecitabine", "warfarin", "major"),
    ]
    missing = client.get("/api/v1/drugs/packs/scan", {"barcode": "A044155024"})
    assert missing.status_code == 404
    assert missing.json()["code"] == "pack_not_found"
    bad = client.get("/api/v1/drugs/packs/scan", {"barcode": "A044155025"})
    assert (bad.status_code, bad.json()["code"]) == (422, "aic_check_digit")


def test_api_refuses_without_permission(db: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.TRIAL_MONITOR)
    assert client.get("/api/v1/drugs/search", {"q": "x"}).status_code == 403
    assert client.get("/api/v1/drugs/ingredients/cisplatin").status_code == 403
