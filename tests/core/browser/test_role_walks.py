"""Each role's main job walked in a real browser as a new user would, counting the actions
(clicks, choices, typed fields, keys) and the page loads against the budgets stated in
README.md ("Budgets"). Every action writes a screenshot in test-artifacts/<test>/.

The nurse's walk needs the closed-loop fixtures of corsia.administration and lives there
(tests/administration/browser/test_walk_nurse.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.demo.patients import ensure_wards
from corsia.prescribing.models import TherapyOrder
from corsia.testing.browser import ActionCounter, log_in
from corsia.testing.prescribing import demo_colon_patient_for_folfox, measured_patient

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Cognome e nome, codice fiscale, STP/ENI, MRN o braccialetto"


def test_physician_from_the_patient_search_to_a_signed_new_cycle_in_six_actions(
    page: Page, demo_users: str
) -> None:
    # given a validated FOLFOX-4 and a measured patient with colon cancer
    patient = demo_colon_patient_for_folfox()
    # and the physician on the patient search
    log_in(page, "medico", demo_users)
    page.get_by_role("link", name="Pazienti").click()
    page.wait_for_load_state("load")
    walk = ActionCounter(page)

    # when they find the patient by codice fiscale
    search = page.get_by_label(SEARCH_LABEL)
    walk.type(search, patient.codice_fiscale, "codice fiscale")
    walk.press(search, "Enter", "cerca")
    expect(page.get_by_test_id("patient-name")).to_contain_text("BIANCHI")
    # open the patient's therapies, choose the regimen and prescribe
    walk.click(page.get_by_role("link", name="Terapie", exact=True), "terapie")
    walk.choose(page.get_by_label("Schema (validato)"), "FOLFOX-4 — FOLFOX-4", "schema")
    walk.click(page.get_by_role("button", name="Prescrivi"), "prescrivi")
    # (the doses are on the page to review before signing)
    expect(page.get_by_test_id("bsa")).to_contain_text("2,00 m²")
    # and confirm and sign in one act
    # (the PDF sheet is printed and signed before the answer: slow on a busy machine)
    walk.click(page.get_by_test_id("confirm-and-sign"), "conferma e firma", timeout=60_000)

    # then the cycle is confirmed and signed, within the budget
    expect(page.get_by_test_id("order-state")).to_have_text("Confermata")
    expect(page.get_by_test_id("signed-sheet")).to_be_visible()
    order = TherapyOrder.objects.get(patient=patient)
    assert order.signed_by is not None
    assert (order.state, order.signed_by.username) == ("confirmed", "medico")
    walk.assert_within(actions=6, loads=4)


def test_coordinator_from_the_patient_search_to_a_day_hospital_check_in_in_five_actions(
    page: Page, demo_users: str
) -> None:
    # given the wards and a registered patient, and the coordinator on the patient search
    ensure_wards()
    patient = measured_patient(
        registrar=User.objects.get(username="coordinatore"),
        physician=User.objects.get(username="medico"),
    )
    log_in(page, "coordinatore", demo_users)
    assert page.url.endswith("/patients/"), page.url
    walk = ActionCounter(page)

    # when they find the patient by codice fiscale
    search = page.get_by_label(SEARCH_LABEL)
    walk.type(search, patient.codice_fiscale, "codice fiscale")
    walk.press(search, "Enter", "cerca")
    expect(page.get_by_test_id("patient-name")).to_contain_text("BIANCHI")
    # and check them in to a day-hospital chair
    form = page.get_by_test_id("admit-form")
    walk.choose(form.get_by_label("Tipo"), "Day hospital", "day hospital")
    walk.choose(
        form.get_by_label("Reparto e posto"), "Day Hospital oncologico — Poltrona P01", "poltrona"
    )
    walk.click(form.get_by_role("button", name="Ammetti"), "ammetti")

    # then the patient is in the day hospital, on that chair, within the budget
    expect(page.get_by_test_id("active-encounter")).to_contain_text("Day hospital")
    expect(page.get_by_test_id("active-encounter")).to_contain_text("P01")
    walk.assert_within(actions=5, loads=2)
