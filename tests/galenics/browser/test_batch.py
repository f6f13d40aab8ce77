"""A galenic batch in a real browser: the technician opens the published omeprazole
suspension, opens a batch of 150 mL, weighs both raw materials from their lots, records
the quality controls and declares it prepared; a second pharmacist checks and releases it
and the label appears. axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.galenics.models import Batch, BatchState
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.galenics import SUSPENSION, lab_ready, published

pytestmark = pytest.mark.browser


def test_formula_batch_weigh_qc_release_label(page: Page, demo_users: str) -> None:
    # given the lab's lots and the published suspension
    lab = lab_ready(User.objects.get(username="farmacista"))
    published(lab.pharmacist, SUSPENSION)
    log_in(page, "tecnico", demo_users)
    # when the technician opens the formula from the laboratory's page
    page.goto("/galenics/")
    assert_accessible_basics(page)
    page.get_by_role("link", name="Omeprazolo sospensione orale 2 mg/mL").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    step(page, "formula")
    # and opens a batch of 150 mL
    form = page.get_by_test_id("batch-form")
    form.get_by_label("Quantità (mL)").fill("150")
    form.get_by_label("Centro di costo").select_option("CC-GAL")
    form.get_by_role("button", name="Apri il lotto").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the worksheet says 300 mg of omeprazole and 12,6 g of bicarbonate
    expect(page.get_by_test_id("required-1")).to_have_text("300 mg")
    expect(page.get_by_test_id("required-2")).to_have_text("12,6 g")
    # when both are weighed from their lots (the bicarbonate in grams)
    first = page.get_by_test_id("weigh-1")
    first.get_by_label("Quantità pesata").fill("301")
    first.get_by_label("Lotto (scansione o digitazione)").fill("OME-2611")
    first.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    second = page.get_by_test_id("weigh-2")
    second.get_by_label("Quantità pesata").fill("12,55")
    second.get_by_label("Unità").select_option("g")
    second.get_by_label("Lotto (scansione o digitazione)").fill("BIC-2610")
    second.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("worksheet")).to_contain_text("in tolleranza")
    # and the four controls are recorded
    for control in ("appearance", "volume", "resuspension", "label"):
        qc = page.get_by_test_id("qc-form")
        qc.get_by_label("Controllo", exact=True).select_option(control)
        qc.get_by_role("button", name="Registra il controllo").click()
        page.wait_for_load_state("load")
    step(page, "pesate-e-controlli")
    page.get_by_test_id("prepared").click()
    page.wait_for_load_state("load")
    batch = Batch.objects.get()
    assert batch.state == BatchState.PREPARED
    # when a second pharmacist checks and releases it
    page.context.clear_cookies()
    log_in(page, "farmacista2", demo_users)
    page.goto(f"/galenics/batches/{batch.pk}/")
    page.get_by_test_id("release").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the label shows the composition, the batch and the dates
    label = page.get_by_test_id("label")
    expect(label).to_contain_text("Omeprazolo 2 mg per mL")
    expect(label).to_contain_text(f"Lotto {batch.number}")
    expect(label).to_contain_text("Da usare entro il")
    step(page, "lotto-rilasciato")
    assert Batch.objects.get().state == BatchState.RELEASED
