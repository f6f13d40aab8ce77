"""A nurse scores a Braden on a tablet-sized page in a real browser: the nursing page opens
from the medical chart, an unanswered item is pointed out on its own question, the
complete assessment is scored with the published rules and appears in the trend; axe-core
checks every step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.nursing.models import Assessment
from corsia.nursing.services import scales_reference_load
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.browser

# the answers, as the radio labels read: 2 + 3 + 1 + 2 + 2 + 1 = 11 (high risk, 10-12)
BRADEN = [
    ("Percezione sensoriale", "Molto ridotta: reagisce solo a stimoli dolorosi"),
    ("Umidità della cute", "Talvolta bagnata"),
    ("Attività", "Sempre a letto"),
    ("Mobilità", "Molto limitata: cambi rari e minimi"),
    ("Frizione e scivolamento", "Problema presente"),
]


def test_a_nurse_scores_a_braden(page: Page, demo_users: str) -> None:
    # given the shipped scales and a patient, on a tablet's screen
    scales_reference_load()
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, "infermiere", demo_users)
    # when the nurse opens the nursing record from the medical chart
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Cartella infermieristica").first.click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    step(page, "nursing-page-empty")
    page.get_by_role("link", name="Scala di Braden").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # and answers every item but nutrition
    for legend, answer in BRADEN:
        # Bootstrap Italia draws the radio in its label: the label is what a finger taps
        page.get_by_role("group", name=legend, exact=True).locator("label", has_text=answer).click()
    step(page, "braden-form")
    page.get_by_role("button", name="Registra la valutazione").click()
    page.wait_for_load_state("load")
    # then the missing item is named on its own question and nothing is written
    expect(page.get_by_test_id("item-nutrition")).to_contain_text(
        "Manca la risposta a «Alimentazione»."
    )
    assert Assessment.objects.count() == 0
    step(page, "braden-missing-item")
    # when the nurse answers it (the other answers kept)
    expect(page.get_by_label("Sempre a letto")).to_be_checked()
    page.get_by_role("group", name="Alimentazione", exact=True).locator(
        "label", has_text="Probabilmente insufficiente"
    ).click()
    page.get_by_role("button", name="Registra la valutazione").click()
    page.wait_for_load_state("load")
    # then the score and the band are shown and the trend lists it
    expect(page.get_by_text("Scala di Braden: punteggio 11, Rischio alto.")).to_be_visible()
    expect(page.get_by_test_id("latest-braden")).to_have_text("11")
    expect(page.get_by_test_id("trend-table-braden")).to_contain_text("Rischio alto")
    step(page, "nursing-page-with-braden")
    assessment = Assessment.objects.get(patient=patient)
    assert (assessment.total, assessment.band_label) == (11, "Rischio alto")
    assert assessment.recorded_by.username == "infermiere"
