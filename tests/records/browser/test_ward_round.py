"""The ward round in a real browser: the physician opens the chart, signs a ward-round
note with the vital signs, and sees it in the timeline, the vitals table and the chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.records.models import DiaryEntry, VitalSigns
from corsia.testing.browser import assert_accessible_basics, log_in
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.browser


def test_physician_signs_a_ward_round_with_vital_signs(page: Page, demo_users: str) -> None:
    # given a patient
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    # when the physician opens the chart
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("chart-header")).to_contain_text("BIANCHI Anna")
    # and signs a ward-round note with the vital signs (a fever flagged)
    form = page.get_by_test_id("ward-round-form")
    form.get_by_label("Annotazione del giro visita").fill("Febbre serotina, obiettività invariata.")
    form.get_by_label("PA sistolica (mmHg)").fill("125")
    form.get_by_label("PA diastolica (mmHg)").fill("80")
    form.get_by_label("Frequenza cardiaca (bpm)").fill("96")
    form.get_by_label("Temperatura (°C)").fill("38,4")
    form.get_by_label("SpO₂ (%)").fill("97")
    form.get_by_role("button", name="Firma il giro visita").click()
    page.wait_for_load_state("load")
    # then the note and the vitals are in the timeline
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Febbre serotina, obiettività invariata.")
    expect(timeline).to_contain_text("PA 125/80 mmHg · FC 96 bpm ⚠ · T 38,4 °C ⚠")
    # and in the vitals table (flagged) and the chart
    expect(page.get_by_test_id("vitals-table")).to_contain_text("38,4 ⚠ (alto)")
    expect(page.locator("svg[data-vital=temperature_c] circle")).to_have_count(1)
    assert_accessible_basics(page)
    page.get_by_test_id("vitals").scroll_into_view_if_needed()  # the screenshot shows the chart
    entry = DiaryEntry.objects.get(patient=patient)
    signs = VitalSigns.objects.get(patient=patient)
    assert (entry.kind, entry.author.username) == ("ward_round", "medico")
    assert (signs.systolic_bp, str(signs.temperature_c), signs.diary_entry_id) == (
        125,
        "38.4",
        entry.pk,
    )
