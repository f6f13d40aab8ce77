"""Reports in a real browser: the physician opens the reports page from the chart, is
refused a malformed ICD-O-3 code in Italian, records the pathology report and sees it
listed and on the chart's timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.records.models import ClinicalReport
from corsia.testing.browser import assert_accessible_basics, log_in
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser


def test_physician_records_a_pathology_report(page: Page, demo_users: str) -> None:
    # given a patient
    patient = patient_registered(User.objects.get(username="coordinatore"))
    # when the physician opens the reports from the chart and writes a pathology report
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Referti (anatomia patologica, immagini, consulenze)").click()
    form = page.get_by_test_id("report-form")
    form.get_by_label("Tipo di referto").select_option("pathology")
    form.get_by_label("Servizio o reparto che ha refertato").fill("Anatomia Patologica")
    form.get_by_label("Esame o sede").fill("Biopsia endoscopica del colon")
    form.get_by_label("Istotipo (solo anatomia patologica)").fill("Adenocarcinoma")
    form.get_by_label("Morfologia ICD-O-3").fill("8140-3")
    form.get_by_label("Conclusioni").fill("Adenocarcinoma infiltrante G2.")
    form.get_by_role("button", name="Registra e firma il referto").click()
    # then the malformed code is refused in Italian, nothing saved
    expect(page.get_by_test_id("report-form")).to_contain_text(
        "non è un codice morfologico ICD-O-3"
    )
    assert ClinicalReport.objects.count() == 0
    assert_accessible_basics(page)
    # when the code is written right
    page.get_by_test_id("report-form").get_by_label("Morfologia ICD-O-3").fill("8140/3")
    page.get_by_role("button", name="Registra e firma il referto").click()
    # then the report is listed and on the chart's timeline
    expect(page.get_by_test_id("report-conclusion")).to_have_text("Adenocarcinoma infiltrante G2.")
    assert_accessible_basics(page)
    page.get_by_role("link", name="Torna alla cartella clinica").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("Adenocarcinoma infiltrante G2.")
    assert ClinicalReport.objects.get().morphology_icdo3 == "8140/3"
