"""A nurse administers at the bedside in a real browser, typing the scans as a
keyboard-wedge scanner does (the code, then Enter), in the patient's session."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.administration.models import Administration
from corsia.testing.administration import Folfox, confirm, wedge
from corsia.testing.browser import assert_accessible_basics, log_in

pytestmark = pytest.mark.browser


def test_nurse_scans_a_ward_drug_then_is_stopped_on_the_wrong_sequence_and_patient(
    page: Page, transactional_db: None, folfox: Folfox
) -> None:
    # given FOLFOX-4 day 1 ready for the patient; the nurse signs in and lands on the worklist
    log_in(page, folfox.nurse.username, "Pw-test-12345")
    assert page.url.endswith("/administration/"), page.url
    ondansetron = folfox.items["ondansetron"]
    expect(page.locator(f'[data-item="{ondansetron.pk}"]')).to_contain_text("preparata in reparto")
    assert_accessible_basics(page)

    # when they open the patient's day and choose to give ondansetron
    page.get_by_role("link", name="BIANCHI Carlo").click()
    page.wait_for_load_state("load")
    page.locator(f'[data-item="{ondansetron.pk}"]').get_by_role("link", name="Somministra").click()
    page.wait_for_load_state("load")
    expect(page.locator("#scan")).to_be_focused()
    assert_accessible_basics(page)
    wedge(page, folfox.wristband)
    expect(page.get_by_test_id("patient-name")).to_have_text("BIANCHI Carlo")
    expect(page.locator("#scan")).to_be_focused()
    wedge(page, "BADGE-0042")
    expect(page.locator("#scan")).to_have_attribute("data-step", "label")
    wedge(page, folfox.label("ondansetron"))

    # then a big green result, and the administration is running
    result = page.get_by_test_id("bedside-result")
    expect(result).to_have_attribute("data-outcome", "ok")
    expect(result).to_contain_text("somministrazione avviata")
    admin = Administration.objects.get()
    assert (admin.order_item_id, admin.state, admin.badge_verified) == (
        ondansetron.pk,
        "started",
        True,
    )

    # the nurse ends it from the session page
    row = page.locator(f'[data-item="{ondansetron.pk}"]')
    confirm(page, row.get_by_role("button", name="sacca intera"))
    expect(row).to_have_attribute("data-progress", "done")
    admin.refresh_from_db()
    assert admin.state == "completed"

    # a UFA preparation of 5-FU scanned before oxaliplatin: red, nothing starts (the
    # session goes on: the page opened again, the same wristband and badge change nothing)
    page.goto("/administration/bedside/")
    wedge(page, folfox.wristband)
    wedge(page, "BADGE-0042")
    wedge(page, folfox.label("fluorouracil"))
    result = page.get_by_test_id("bedside-result")
    expect(result).to_have_attribute("data-outcome", "blocked")
    expect(result).to_contain_text("NON SOMMINISTRARE")
    expect(result.locator('[data-code="sequence_previous_not_finished"]')).to_have_count(3)

    # another patient's wristband with the oxaliplatin bag: wrong patient, no override offered
    wedge(page, f"PZ{folfox.other_patient.mrn}")
    wedge(page, "BADGE-0042")
    wedge(page, folfox.label("oxaliplatin"))
    expect(page.get_by_test_id("bedside-result")).to_contain_text("PAZIENTE SBAGLIATO")
    expect(page.get_by_role("button", name="Forza e somministra")).to_have_count(0)
    assert Administration.objects.count() == 1
