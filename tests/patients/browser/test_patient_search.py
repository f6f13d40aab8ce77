"""A clinician finds a patient by codice fiscale in a real browser and opens the summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.demo.patients import ensure_demo_patients, ensure_wards
from corsia.patients.models import Patient
from corsia.testing.browser import assert_accessible_basics, log_in

pytestmark = pytest.mark.browser


def test_physician_finds_a_patient_by_codice_fiscale_and_opens_the_summary(
    page: Page, demo_users: str
) -> None:
    # given the demo hospital's patients, and one of them with a codice fiscale
    ensure_wards()
    ensure_demo_patients(actor=User.objects.get(username="coordinatore"))
    patient = Patient.objects.exclude(codice_fiscale="").order_by("pk").first()
    assert patient is not None
    # when the physician logs in (landing on the worklist), opens the patient search and
    # types the CF + Enter
    log_in(page, "medico", demo_users)
    assert page.url.endswith("/prescribing/"), page.url
    page.get_by_role("link", name="Pazienti").click()
    page.wait_for_load_state("load")
    search = page.get_by_label("Cognome e nome, codice fiscale, STP/ENI, MRN o braccialetto")
    expect(search).to_be_focused()
    search.fill(patient.codice_fiscale.lower())
    search.press("Enter")
    page.wait_for_load_state("load")
    # then the patient is found (a unique code opens the summary directly, or is the only row)
    if "/patients/?" in page.url:
        results = page.get_by_test_id("patient-results")
        expect(results.locator("tbody tr")).to_have_count(1)
        results.get_by_role("link").first.click()
        page.wait_for_load_state("load")
    expect(page.get_by_test_id("patient-name")).to_contain_text(patient.surname.upper())
    expect(page.get_by_text(patient.codice_fiscale).first).to_be_visible()
    if patient.place_of_birth == "H501":  # the place of birth reads as a name, not a code
        expect(page.get_by_text("Roma (RM) — H501")).to_be_visible()
    assert_accessible_basics(page)
    # and the view is in the access log, with the physician and the patient
    assert AccessLogEntry.objects.filter(username="medico", patient_id=patient.pk).exists()
