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
# the elements Tab stops on: focusable, rendered (not inside a closed <details>, whose
# content Chromium keeps laid out but hidden), not taken out of the tab order
# the page's own tab stops, inside <main>: the header and the menu are the same on every
# page (and grow with each module's entry), the keyboard cost of prescribing is what is here
TAB_STOPS = """() => [...document.querySelector('main').querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
  .filter(e => e.tabIndex >= 0 && !e.disabled && e.checkVisibility())
  .map(e => e.tagName + ':' + (e.id || e.name || e.textContent.trim().slice(0, 20)))"""


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
    # the refusal is beside the line, the typed 20 % kept and the reason field focused
    expect(page.get_by_test_id(f"adjust-error-{oxali.pk}")).to_contain_text("indicare il motivo")
    form = page.get_by_test_id(f"adjust-{oxali.pk}")
    expect(form.get_by_label("Riduzione %")).to_have_value("20")
    drug = oxali.ingredient.name_it[:1].upper() + oxali.ingredient.name_it[1:]
    reason = form.get_by_label(
        f"Motivo della variazione di dose — {drug} (n. {oxali.sequence}), giorno 1"
    )
    expect(reason).to_be_focused()  # autofocus: the line scrolled into view, not the top
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal(170)
    # no two fields of the page share a label: each names its drug and day
    labels = page.locator("label").all_inner_texts()
    assert labels.count("Motivo") == 0
    reasons = [t for t in labels if t.startswith("Motivo della variazione di dose")]
    assert len(reasons) == len(set(reasons)) > 1

    # tab stops in the page's content: per line the reduction, the final dose, the reason,
    # "Applica" and the one summary that opens product and suspension (was 9 per line);
    # around the lines about 20 (the patient, recalculation, each day's "Sposta il
    # giorno", general data, reduce all, the decisions, duplicate, history): 66 measured
    # for FOLFOX-4's 9 lines with the refused line's override field shown (45 + 21)
    stops = page.evaluate(TAB_STOPS)
    lines = order.items.count()
    assert len(stops) <= 5 * lines + 22, (
        f"{len(stops)} tab stops, {lines} lines: {' | '.join(stops)}"
    )

    reason.fill("Neuropatia periferica G2")
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
