"""The pharmacist reviews an AIFA update in a real browser: uploads the class H list,
sees the proposed changes by kind with the progress bar full, filters them, rejects one
price change with its reason, approves the rest and applies. axe-core checks every page
(corsia.testing.browser)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from corsia.drugs import services
from corsia.drugs.models import Pack
from corsia.drugs.models_archive_import import ArchiveImport
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.drugs import CLASS_HEADER, aifa_file

pytestmark = pytest.mark.browser

ARCHIVE = "\n".join(
    [
        '{"type": "ingredient", "code": "capecitabine", "name_en": "capecitabine", "name_it": "Capecitabina", "atc_code": "L01BC06"}',
        '{"type": "ingredient", "code": "imatinib", "name_en": "imatinib", "name_it": "Imatinib", "atc_code": "L01EA01"}',
        '{"type": "product", "code": "capecitabine_500mg_xeloda", "ingredient": "capecitabine", "name": "Xeloda 500 mg", "holder": "Roche S.p.A."}',
        '{"type": "pack", "code": "aic-035219029", "product": "capecitabine_500mg_xeloda", "aic": "035219029", "description": "XELODA*120CPR RIV 500MG", "price_eur": "312.40", "reimbursement_class": "H"}',
        '{"type": "pack", "code": "aic-035219017", "product": "capecitabine_500mg_xeloda", "aic": "035219017", "description": "XELODA*60CPR RIV 150MG", "price_eur": "70.53", "reimbursement_class": "H"}',
    ]
)
DECEMBER = aifa_file(
    CLASS_HEADER,
    "CAPECITABINA;;XELODA*120CPR RIV 500MG;298,00;Roche S.p.A.;035219029;BRI;L01BC06",
    "IMATINIB;;IMANIVEC*30CPR RIV 400MG;885,00;Zentiva Italia;043760038;BRZ;L01EA01",
)


def test_the_pharmacist_reviews_and_applies_an_aifa_update(
    page: Page, demo_users: str, tmp_path: Path
) -> None:
    # given an archive with Xeloda 500 mg (312,40 €) and 150 mg, both class H
    services.catalogue_import(content=ARCHIVE.encode(), file_name="a.jsonl", source="test")
    upload = tmp_path / "classe_h.csv"
    upload.write_bytes(DECEMBER)
    log_in(page, "farmacista", demo_users)
    # when the pharmacist uploads the December class H list
    page.goto("/drugs/archive-imports/")
    assert_accessible_basics(page)
    form = page.get_by_test_id("stage-form")
    form.get_by_label("Tipo di file AIFA").select_option("class_h")
    form.get_by_label("Data di pubblicazione del file").fill("2026-12-01")
    form.get_by_label("File CSV").set_input_files(str(upload))
    step(page, "caricamento")
    form.get_by_role("button", name="Carica e confronta").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the diff: a new pack, a price change, a withdrawn pack; all rows read
    expect(page.get_by_test_id("status")).to_have_text("da rivedere")
    expect(page.get_by_test_id("progress")).to_contain_text("Righe confrontate: 2 di 2")
    expect(page.get_by_test_id("change-new_pack-043760038")).to_contain_text("IMANIVEC")
    expect(page.get_by_test_id("change-withdrawn_pack-035219017")).to_be_visible()
    price = page.get_by_test_id("change-field_changed-035219029-price_eur")
    expect(price).to_contain_text("312,40 €")
    expect(price).to_contain_text("298,00 €")
    step(page, "modifiche-proposte")
    # when filtered to the withdrawals only
    page.get_by_label("Tipo", exact=True).select_option("withdrawn_pack")
    page.get_by_role("button", name="Filtra").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("change-new_pack-043760038")).to_have_count(0)
    expect(page.get_by_test_id("change-withdrawn_pack-035219017")).to_be_visible()
    page.goto(page.url.split("?")[0])
    # when the price change is rejected with a reason
    page.get_by_label("Scegli la modifica di 035219029").check()
    page.get_by_label("Motivo (obbligatorio per rifiutare)").fill("Prezzo da confermare")
    page.get_by_role("button", name="Rifiuta le scelte").click()
    page.wait_for_load_state("load")
    expect(price).to_contain_text("rifiutata: Prezzo da confermare")
    # and the rest approved and applied
    page.get_by_role("button", name="Approva tutte le modifiche non decise").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("status")).to_have_text("approvato")
    page.get_by_role("button", name="Applica all'archivio").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("status")).to_have_text("applicato")
    expect(page.get_by_test_id("applied-count")).to_have_text("2 modifiche applicate.")
    step(page, "applicato")
    # then the archive has the new pack and the withdrawal, not the rejected price
    assert ArchiveImport.objects.get().status == "applied"
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("312.40")
    assert Pack.objects.get(aic="035219017").withdrawn_on is not None
    assert Pack.objects.filter(aic="043760038").exists()
