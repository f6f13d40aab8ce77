"""The pharmacist creates a trial, enrols a patient and assigns the monitor in a real
browser; the monitor then sees the trial and the enrolled patient's chart, and nobody else."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.patients import services as patient_services
from corsia.testing.browser import assert_accessible_basics, log_in

pytestmark = pytest.mark.browser


def test_pharmacist_enrols_and_the_monitor_sees_only_the_enrolled(
    page: Page, demo_users: str
) -> None:
    registrar = User.objects.get(username="coordinatore")
    enrolled, other = (
        patient_services.patient_create(
            actor=registrar,
            workstation=None,
            data=patient_services.PatientInput(
                surname="Bianchi", given_names=given, sex=sex, date_of_birth=born,
                codice_fiscale=cf,
            ),
        )
        for given, sex, born, cf in (
            ("Anna", "F", date(1970, 4, 2), "BNCNNA70D42H501A"),
            ("Luigi", "M", date(1980, 1, 1), "BNCLGU80A01H501A"),
        )
    )  # fmt: skip
    # given the pharmacist creating a trial
    log_in(page, "farmacista", demo_users)
    page.goto("/regimens/trials/")
    page.get_by_role("link", name="Nuovo studio").click()
    assert_accessible_basics(page)
    page.get_by_label("Codice dello studio").fill("CRC-01")
    page.get_by_label("Titolo").fill("Studio colon-retto adiuvante")
    page.get_by_label("Numero EudraCT").fill("2021-000123-45")
    page.get_by_role("button", name="Registra lo studio").click()
    expect(page.locator("h1")).to_contain_text("CRC-01")
    # when a patient is enrolled with consent date and study id, and the monitor assigned
    page.get_by_label("Paziente (MRN o codice fiscale)").fill(enrolled.codice_fiscale)
    page.get_by_label("Codice soggetto nello studio").fill("CRC-001")
    page.get_by_label("Data del consenso informato").fill("2026-11-20")
    page.get_by_role("button", name="Arruola", exact=True).click()
    expect(page.get_by_test_id("enrollments")).to_contain_text("BIANCHI Anna")
    page.get_by_label("Monitor da assegnare").select_option("monitor")
    page.get_by_role("button", name="Assegna").click()
    expect(page.get_by_test_id("monitors")).to_contain_text("Elena Costa")
    assert_accessible_basics(page)
    page.screenshot(path="test-artifacts/trial-detail-pharmacist.png", full_page=True)
    # then the monitor (signed in afresh) sees the trial, opens the enrolled patient's chart,
    # not the other's
    page.context.clear_cookies()
    log_in(page, "monitor", demo_users)
    page.goto("/regimens/trials/")
    page.get_by_role("link", name="CRC-01").click()
    expect(page.get_by_test_id("enrollments")).to_contain_text("BIANCHI Anna")
    expect(page.get_by_test_id("enrol-form")).to_have_count(0)
    page.screenshot(path="test-artifacts/trial-detail-monitor.png", full_page=True)
    page.get_by_test_id("enrollments").get_by_role("link", name="cartella").click()
    expect(page.locator("h1")).to_contain_text("Cartella clinica")
    response = page.goto(f"/records/patients/{other.pk}/")
    assert response is not None and response.status == 404
    page.goto("/patients/?q=bianchi")
    expect(page.locator("main")).to_contain_text("Anna")
    expect(page.locator("main")).not_to_contain_text("Luigi")
