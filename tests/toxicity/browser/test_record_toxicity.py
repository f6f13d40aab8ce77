"""A physician records a grade-3 toxicity through the form in a real browser: the term is
found by the htmx autocomplete, and the grades the term does not define cannot be chosen."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.toxicity.models import ToxicityRecord
from corsia.toxicity.services import ctcae_reference_load

pytestmark = pytest.mark.browser


def test_physician_records_a_grade_3_neutropenia(page: Page, demo_users: str) -> None:
    # given the CTCAE terms and a patient
    ctcae_reference_load()
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    # when the physician opens the patient's toxicities and types part of the term
    log_in(page, "medico", demo_users)
    page.goto(f"/toxicity/patient/{patient.pk}/")
    assert_accessible_basics(page)
    page.get_by_label("Cerca il termine CTCAE", exact=False).fill("neutrofili")
    term = page.get_by_label("Riduzione della conta dei neutrofili", exact=False)
    expect(term).to_be_visible()
    page.locator("label", has_text="Riduzione della conta dei neutrofili").click()  # styled radio
    expect(term).to_be_checked()
    # then the grades appear with their CTCAE text, grade 5 (not defined) disabled
    expect(page.locator("#grade-5")).to_be_disabled()
    expect(page.get_by_test_id("grade-choices")).to_contain_text("<1000 - 500/mm3")
    page.locator("label[for=grade-3]").click()
    expect(page.locator("#grade-3")).to_be_checked()
    page.get_by_label("Correlazione con il farmaco").select_option("probable")
    page.get_by_label("Data di insorgenza").fill(timezone.localdate().isoformat())
    page.get_by_label("Ciclo").fill("2")
    page.get_by_role("button", name="Registra tossicità").click()
    page.wait_for_load_state("load")
    # and the record is saved and listed
    expect(page.get_by_test_id("toxicity-list")).to_contain_text(
        "Riduzione della conta dei neutrofili"
    )
    record = ToxicityRecord.objects.get(patient=patient)
    assert (record.grade, record.term.meddra_code, record.cycle_number) == (3, "10029366", 2)
    assert record.recorded_by.username == "medico"
