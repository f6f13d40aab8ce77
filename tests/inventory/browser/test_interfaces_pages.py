"""The procurement page in a real browser: upload a DDT file, read the preview (one line
matched, one flagged), upload the corrected file and confirm; the consumption page's
export form. Screenshots in ``test-artifacts/``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.compounding.demo_data import ensure_demo_packs, load_products
from corsia.inventory import services as stock
from corsia.inventory.models import StockMovement
from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser


def test_goods_receipt_preview_then_confirm(page: Page, demo_users: str, tmp_path: Path) -> None:
    load_products()
    aic = ensure_demo_packs()
    oxali = aic["oxaliplatin_200mg_40ml_oxaliplatino"]
    pharmacist = User.objects.get(username="farmacista")
    stock.location_save(
        actor=pharmacist, workstation="t", code="FARM-A", name="Farmacia armadio A",
        kind="pharmacy", pick_order=1,
    )  # fmt: skip
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    header = "ddt_number;ddt_date;supplier;aic;gtin;lot;expiry;packs;unit_cost;order_ref\n"
    good = f"DDT-4711;{yesterday};Farmaco SpA;{oxali};;OX99;2028-06-30;4;137,50;ORD-2026-88\n"
    bad = f"DDT-4711;{yesterday};Farmaco SpA;099999999;;ZZ1;2028-06-30;-1;10;ORD-2026-88\n"
    (tmp_path / "ddt.csv").write_text(header + good + bad, encoding="utf-8")
    (tmp_path / "ddt-ok.csv").write_text(header + good, encoding="utf-8")
    log_in(page, "farmacista", demo_users)
    page.goto("/inventory/procurement/")
    assert_accessible_basics(page)
    step(page, "procurement-empty")
    page.get_by_label("File CSV del sistema acquisti (DDT)").set_input_files(
        str(tmp_path / "ddt.csv")
    )
    page.get_by_role("button", name="Anteprima").click()
    expect(page.get_by_test_id("procurement-preview")).to_contain_text("abbinata")
    expect(page.get_by_test_id("procurement-preview")).to_contain_text(
        "AIC 099999999 non presente nell'archivio farmaci"
    )
    expect(page.get_by_test_id("procurement-confirm")).to_have_count(0)
    step(page, "procurement-preview-flagged")
    page.get_by_label("File CSV del sistema acquisti (DDT)").set_input_files(
        str(tmp_path / "ddt-ok.csv")
    )
    page.get_by_role("button", name="Anteprima").click()
    step(page, "procurement-preview-ok")
    page.get_by_role("button", name="Conferma il carico").click()
    page.wait_for_url("**/inventory/movements/**")
    step(page, "procurement-loaded")
    assert StockMovement.objects.filter(reference="DDT DDT-4711").count() == 1
    page.goto("/inventory/consumption/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("consumption-export")).to_be_visible()
    step(page, "consumption-export-form")
