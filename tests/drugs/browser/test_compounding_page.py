"""The compounding-data page and a product's sheet in a real browser: the filter, the
counts, the pharmacist's confirmation; axe-core checks every page loaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.drugs.models import MedicinalProduct
from corsia.drugs.services import drugs_reference_load
from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser
PACLITAXEL = "paclitaxel_300mg_50ml_paclitaxel"


def test_incomplete_filter_and_confirmation(page: Page, demo_users: str) -> None:
    drugs_reference_load()
    log_in(page, "farmacista", demo_users)
    page.goto("/drugs/compounding/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("compounding-counts")).to_contain_text("densità")
    step(page, "compounding-all")
    page.locator("label[for=incompleti]").click()  # Bootstrap Italia: the label is the box
    expect(page.get_by_label("dati di allestimento incompleti")).to_be_checked()
    page.get_by_role("button", name="Filtra").click()
    page.wait_for_load_state("load")
    rows = page.get_by_test_id("compounding-rows")
    expect(rows).to_contain_text("Etoposide generico 20 mg/mL 100 mg/5 mL")
    expect(rows).not_to_contain_text("Paclitaxel generico 6 mg/mL 300 mg/50 mL")
    step(page, "compounding-incomplete")
    page.goto(f"/drugs/products/{PACLITAXEL}/")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Conferma i dati di allestimento (verificati sull'RCP)").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("compounding-verified")).to_contain_text("confermati da")
    step(page, "product-verified")
    product = MedicinalProduct.objects.get(code=PACLITAXEL)
    assert product.to_verify is False
    assert product.compounding_verified_by is not None
    assert product.compounding_verified_by.username == "farmacista"
