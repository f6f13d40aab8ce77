"""The pharmacy director's year in three clicks: «Report» in the menu, the pharmacy's
summary, «XLSX» — the waste, the savings and the exposure of the hand-counted year
(``corsia/testing/reports_pharmacy.py``, here the current year) on the page and in the
file. axe-core checks every page (corsia.testing.browser)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from corsia.testing.accounts import MakeUser
from corsia.testing.browser import ActionCounter, assert_accessible_basics, log_in, step
from corsia.testing.reports_pharmacy import pharmacy_year

pytestmark = pytest.mark.browser


def test_waste_savings_exposure_in_three_clicks_and_an_xlsx(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    # given the year's compounding records (the director is the demo pharmacist)
    pharmacy_year(make_user, year=timezone.localdate().year)
    log_in(page, "farmacista", demo_users)
    counter = ActionCounter(page)
    # when the director opens the reports from the menu
    counter.click(page.get_by_role("link", name="Report", exact=True).first, "report")
    assert_accessible_basics(page)
    # and the pharmacy's summary
    counter.click(
        page.get_by_role("link", name="Sintesi della farmacia: spreco, risparmio, esposizione"),
        "sintesi",
    )
    assert_accessible_basics(page)
    # then the year's figures are on the page: 100 € wasted, 174 € saved, 41,5 minutes
    table = page.get_by_test_id("report-table")
    expect(table).to_contain_text("Spreco di farmaco (residui scaduti o eliminati)")
    expect(table.get_by_role("row").nth(1)).to_contain_text("100,00")
    expect(table.get_by_role("row").nth(2)).to_contain_text("174,00")
    expect(table.get_by_role("row").nth(5)).to_contain_text("41,50")
    step(page, "sintesi-dell-anno")
    # when the director downloads the XLSX
    with page.expect_download() as info:
        page.get_by_test_id("report-exports").get_by_role("link", name="XLSX").click()
    counter.actions.append("xlsx")
    download = info.value
    assert download.suggested_filename.startswith("pharmacy_summary_")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read()))["Dati"]  # noqa: SIM115
    # then the file holds the same figures, as numbers
    assert sheet["A2"].value == "Spreco di farmaco (residui scaduti o eliminati)"
    assert Decimal(str(sheet["B2"].value)) == Decimal("100.00")
    assert Decimal(str(sheet["B3"].value)) == Decimal("174.00")
    assert Decimal(str(sheet["B6"].value)) == Decimal("41.50")
    assert counter.actions == ["report", "sintesi", "xlsx"]  # three clicks
    # and the waste report draws its chart (an image with a text alternative)
    page.goto("/reports/pharmacy_waste/")
    assert_accessible_basics(page)
    expect(page.get_by_role("img", name="Spreco e risparmio per prodotto")).to_be_visible()
    step(page, "sprechi-e-risparmi")
    page.goto("/reports/pharmacy_exposure/")
    assert_accessible_basics(page)
    step(page, "esposizione")
