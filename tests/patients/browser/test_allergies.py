"""A physician records an allergy on the patient's page in a real browser, and the
prescription page shows it in its header."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.demo.patients import ensure_demo_patients, ensure_wards
from corsia.patients.models import Allergy, Patient
from corsia.testing.browser import assert_accessible_basics, log_in

pytestmark = pytest.mark.browser


def test_physician_records_an_excipient_allergy_and_the_prescription_page_shows_it(
    page: Page, demo_users: str
) -> None:
    # given a demo patient never asked about allergies
    ensure_wards()
    ensure_demo_patients(actor=User.objects.get(username="coordinatore"))
    patient = Patient.objects.order_by("pk").first()
    assert patient is not None
    log_in(page, "medico", demo_users)
    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_test_id("allergy-summary")).to_contain_text("Allergie non rilevate")
    # when the physician records a suspected urticaria to polysorbate 80
    page.get_by_text("Registra un'allergia").click()
    form = page.get_by_test_id("allergy-form")
    form.get_by_label("Tipo di sostanza").select_option("other")
    form.get_by_label("Sostanza (eccipiente, altro)").fill("Polisorbato 80")
    form.get_by_label("Reazione", exact=True).select_option("urticaria")
    form.get_by_label("Gravità").select_option("moderate")
    form.get_by_label("Certezza").select_option("suspected")
    assert_accessible_basics(page)
    form.get_by_role("button", name="Registra allergia").click()
    page.wait_for_load_state("load")
    # then the page lists it, and the prescription page's header shows it
    expect(page.get_by_test_id("allergy-summary")).to_contain_text(
        "Polisorbato 80 (orticaria, moderata, sospetta)"
    )
    assert Allergy.objects.filter(patient=patient, substance="Polisorbato 80").exists()
    page.goto(f"/prescribing/patient/{patient.pk}/")
    expect(page.get_by_test_id("allergy-banner")).to_contain_text("Polisorbato 80")
    assert_accessible_basics(page)
