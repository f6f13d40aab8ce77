"""A PICC's life in the register in a real browser: the nurse opens the patient's venous
accesses from the medical chart, records the PICC's insertion, a dressing change and a
suspected CRBSI, and removes it; the ward list shows it in place and then no more. axe-core
checks every step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.vascular.models import AccessEvent, Device

pytestmark = pytest.mark.browser


def test_a_picc_from_insertion_to_removal(page: Page, demo_users: str) -> None:
    # given a patient, on a tablet's screen
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, "infermiere", demo_users)
    # when the nurse opens the venous accesses from the medical chart
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Accessi vascolari").last.click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # and records a PICC: 4 Fr, one lumen, right basilic, ultrasound, ECG tip location
    form = page.get_by_test_id("insert-form")
    form.get_by_label("Tipo di accesso").select_option("picc")
    form.get_by_label("Calibro").fill("4")
    form.get_by_label("Unità").select_option("Fr")
    form.get_by_label("Lunghezza (cm)").fill("38")
    form.get_by_label("Marca e modello").fill("PowerPICC 4Fr")
    form.get_by_label("Lotto").fill("PP-2026-7")
    form.get_by_label("Vena", exact=True).select_option("basilic")
    form.get_by_label("Lato").select_option("right")
    form.get_by_label("Verifica della punta").select_option("ecg")
    form.locator("label[for=ins-us]").click()
    form.locator("label[for=ins-tipok]").click()
    step(page, "inserimento")
    form.get_by_role("button", name="Registra l'inserimento").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("device-state")).to_have_text("In sede")
    device = Device.objects.get()
    assert (device.size_text, device.vein, device.tip_confirmed) == ("4 Fr", "basilic", True)
    # and changes the dressing (transparent: due in 7 days)
    care = page.get_by_test_id("care-form")
    care.get_by_label("Attività").select_option("dressing")
    care.get_by_label("Medicazione (cambio)").select_option("transparent")
    care.get_by_role("button", name="Registra la gestione").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("events")).to_contain_text("Cambio della medicazione")
    # and records a suspected CRBSI
    complication = page.get_by_test_id("complication-form")
    complication.get_by_label("Complicanza", exact=True).select_option("crbsi")
    complication.get_by_label("Certezza").select_option("suspected")
    complication.get_by_role("button", name="Registra la complicanza").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("events")).to_contain_text("sospetta")
    step(page, "complicanza")
    # then the ward list shows it in place
    page.get_by_role("link", name="Accessi in sede del reparto").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("in-place")).to_contain_text("PICC")
    expect(page.get_by_test_id("in-place")).to_contain_text("BIANCHI")
    step(page, "accessi-in-sede")
    # when it is removed for the suspected infection, the tip sent to culture
    page.get_by_test_id("in-place").get_by_role("link", name="PICC").click()
    page.wait_for_load_state("load")
    removal = page.get_by_test_id("removal-form")
    removal.get_by_label("Motivo della rimozione").select_option("suspected_infection")
    removal.locator("label[for=rem-culture]").click()
    removal.get_by_role("button", name="Registra la rimozione").click()
    page.wait_for_load_state("load")
    # then the device is removed, read-only, and the list has it no more
    expect(page.get_by_test_id("device-removal")).to_contain_text("Sospetta infezione")
    expect(page.get_by_test_id("care-form")).to_have_count(0)
    assert AccessEvent.objects.count() == 2
    step(page, "rimosso")
    page.goto("/vascular/")
    expect(page.get_by_test_id("in-place")).to_contain_text("Nessun accesso.")
    # and the statistics count it: one PICC, one suspected CRBSI (not in the CRBSI rate)
    page.get_by_role("link", name="Statistiche del registro").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("stats-type")).to_contain_text("PICC")
    expect(page.get_by_test_id("totals")).to_contain_text("CRBSI 0")
    step(page, "statistiche")
