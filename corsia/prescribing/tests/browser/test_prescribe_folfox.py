"""A physician prescribes FOLFOX-4 in a real browser; the pharmacy sees it in its queue.

Patient: M, 180 cm, 80 kg -> BSA (Mosteller) 2.00 m²; oxaliplatin 85 mg/m² = 170 mg,
reduced by 20 % = 136 mg.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from corsia.prescribing.models import TherapyOrder
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.prescribing import demo_colon_patient_for_folfox

pytestmark = pytest.mark.browser


def test_prescribe_folfox4_reduce_oxaliplatin_confirm_and_reach_the_pharmacy(
    page: Page, demo_users: str
) -> None:
    # given a validated FOLFOX-4 and a measured patient with colon cancer
    patient = demo_colon_patient_for_folfox()

    # when the physician opens the patient's therapy page and prescribes FOLFOX-4
    log_in(page, "medico", demo_users)
    assert page.url.endswith("/prescribing/"), page.url
    page.goto(f"/prescribing/patient/{patient.pk}/")
    page.get_by_label("Schema (validato)").select_option(label="FOLFOX-4 — FOLFOX-4")
    page.get_by_role("button", name="Prescrivi").click()
    page.wait_for_load_state("load")
    order = TherapyOrder.objects.get(patient=patient)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    expect(page.get_by_test_id("bsa")).to_contain_text("2,00 m²")
    expect(page.get_by_test_id(f"final-{oxali.pk}")).to_contain_text("170 mg")
    assert_accessible_basics(page)
    page.screenshot(path=str(SCREENSHOTS / "fields_prescription.png"), full_page=True)

    # the reduction shows its dose while typed, and is refused without a reason
    form = page.get_by_test_id(f"adjust-{oxali.pk}")
    form.get_by_label("Riduzione %").fill("20")
    expect(page.locator(f"#prev-{oxali.pk}")).to_contain_text("136 mg")
    form.get_by_role("button", name="Applica").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert").first).to_contain_text("indicare il motivo")
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal(170)

    form = page.get_by_test_id(f"adjust-{oxali.pk}")
    form.get_by_label("Riduzione %").fill("20")
    form.get_by_label("Motivo", exact=True).fill("Neuropatia periferica G2")
    form.get_by_role("button", name="Applica").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id(f"final-{oxali.pk}")).to_contain_text("136 mg")

    # confirms and sends to the pharmacy
    page.locator("button[data-event=confirm]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("order-state")).to_have_text("Confermata")
    page.locator("button[data-event=send]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("order-state")).to_have_text("Inviata in farmacia")

    # then the pharmacist lands on the UFA work plan and finds the order in the pharmacy queue
    page.get_by_role("button", name="Esci").click()
    page.wait_for_load_state("load")
    log_in(page, "farmacista", demo_users)
    assert page.url.endswith("/compounding/"), page.url
    page.goto("/prescribing/pharmacy/")
    queue = page.get_by_test_id("pharmacy-queue")
    expect(queue).to_contain_text(patient.surname.upper())
    expect(queue).to_contain_text("FOLFOX-4")
    expect(queue).to_contain_text("Inviata in farmacia")
    assert_accessible_basics(page)
