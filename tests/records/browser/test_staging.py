"""Structured staging in a real browser: the physician chooses the diagnosis and TNM 8 of
the lung, enters cT2a N1 M0, is refused an impossible combination first, signs, and sees
the computed stage group (IIB) in the chart's header."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.records import services
from corsia.records.models import DiagnosisStaging, Icd9Code
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser


def test_physician_enters_a_tnm_and_sees_the_stage_group_on_the_chart(
    page: Page, demo_users: str
) -> None:
    # given a patient with a lung cancer diagnosis
    patient = patient_registered(User.objects.get(username="coordinatore"))
    Icd9Code.objects.create(
        code="162.3", kind="D", description_it="Tumori maligni del lobo superiore, bronco o polmone"
    )
    services.diagnosis_record(
        actor=User.objects.get(username="medico"),
        workstation=None,
        patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="162.3", diagnosed_on=date(2025, 10, 1), histotype="Adenocarcinoma"
        ),
    )
    # when the physician opens the staging page from the chart and chooses TNM 8 of the lung
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Stadiazione").click()
    page.get_by_label("Sistema di stadiazione").select_option("tnm8_lung")
    page.get_by_role("button", name="Scegli").click()
    form = page.get_by_test_id("staging-form")
    # and enters a combination the table does not hold (Tis N1 M0)
    form.get_by_label("Categoria T").select_option("Tis")
    form.get_by_label("Categoria N").select_option("N1")
    form.get_by_label("Categoria M").select_option("M0")
    form.get_by_role("button", name="Calcola e firma lo stadio").click()
    # then it is refused in Italian and nothing is saved
    expect(page.get_by_test_id("staging-form")).to_contain_text(
        "La combinazione cTis N1 M0 non ha uno stadio nella tabella TNM 8ª edizione"
    )
    assert DiagnosisStaging.objects.count() == 0
    assert_accessible_basics(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staging_refused.png"), full_page=True)
    # when the physician corrects T to T2a and signs
    form = page.get_by_test_id("staging-form")
    form.get_by_label("Categoria T").select_option("T2a")
    form.get_by_role("button", name="Calcola e firma lo stadio").click()
    expect(page.get_by_test_id("current-stage")).to_have_text("Stadio IIB")
    page.screenshot(path=str(SCREENSHOTS / "staging_signed.png"), full_page=True)
    # then the chart's header shows the stage group computed from the TNM
    page.get_by_role("link", name="Torna alla cartella clinica").click()
    stage = page.get_by_test_id("stage")
    expect(stage).to_contain_text("IIB")
    expect(stage).to_contain_text("cT2a N1 M0 · TNM 8ª ed. – Polmone")
    expect(page.get_by_test_id("allergies")).to_contain_text("Allergie non rilevate")
    assert_accessible_basics(page)
    signed = DiagnosisStaging.objects.get()
    assert (signed.stage, signed.author.username, signed.inputs) == (
        "IIB",
        "medico",
        {"t": "T2a", "n": "N1", "m": "M0"},
    )


def test_physician_computes_the_ipi_on_the_scores_page(page: Page, demo_users: str) -> None:
    # given a patient
    patient = patient_registered(User.objects.get(username="coordinatore"))
    # when the physician chooses the IPI and enters the inputs of the Shipp 1993 example
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/scores/")
    page.get_by_label("Punteggio prognostico").select_option("ipi")
    page.get_by_role("button", name="Scegli").click()
    form = page.get_by_test_id("score-form")
    form.get_by_label("Età (anni)").fill("65")
    form.get_by_label("LDH (U/L)").fill("300")
    form.get_by_label("Limite superiore LDH del laboratorio (U/L)").fill("250")
    form.get_by_label("Performance status ECOG").select_option("1")
    form.get_by_label("Stadio Ann Arbor").select_option("3")
    form.get_by_role("button", name="Calcola e registra").click()
    # then a missing input is refused in Italian
    expect(page.get_by_test_id("score-form")).to_contain_text("Dato mancante: Sedi extranodali.")
    page.get_by_test_id("score-form").get_by_label("Sedi extranodali").fill("2")
    page.get_by_test_id("score-form").get_by_role("button", name="Calcola e registra").click()
    # and with it the IPI is 1 + 1 + 0 + 1 + 1 = 4, high risk (Shipp 1993)
    expect(page.get_by_test_id("score-value")).to_have_text("4")
    expect(page.get_by_test_id("score-list")).to_contain_text("Alto")
    expect(page.get_by_test_id("score-list")).to_contain_text("Shipp 1993")
    assert_accessible_basics(page)
