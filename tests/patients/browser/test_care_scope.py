"""The care scope in a real browser: the coordinator assigns a physician to a ward; the
physician, searching a patient of another ward by codice fiscale, is told that a patient
exists outside their care and opens them by break-the-glass; the auditor reviews it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.demo.patients import ensure_demo_patients, ensure_wards
from corsia.patients.models import BreakGlassGrant, Patient
from corsia.patients.scope import patient_in_scope
from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser


def test_ward_staff_break_the_glass_and_its_review(
    page: Page, demo_users: str, settings: Any
) -> None:
    settings.CORSIA_PATIENT_SCOPE = "care"
    ensure_wards()
    ensure_demo_patients(actor=User.objects.get(username="coordinatore"))

    # the coordinator assigns the physician to a ward the patient is not in
    log_in(page, "coordinatore", demo_users)
    page.goto("/patients/wards/staff/")
    form = page.get_by_test_id("ward-staff-assign")
    form.get_by_label("Utente").select_option("medico")
    ward = form.get_by_label("Reparto")
    ward.select_option(index=0)
    assert_accessible_basics(page)
    form.get_by_role("button", name="Assegna").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("ward-staff")).to_contain_text("medico")
    step(page, "ward-staff")
    page.context.clear_cookies()

    # a patient outside the physician's care: by name not found, by codice fiscale "exists"
    physician = User.objects.get(username="medico")
    patient = next(
        p
        for p in Patient.objects.exclude(codice_fiscale="").order_by("pk")
        if not patient_in_scope(physician, p.pk)
    )
    log_in(page, "medico", demo_users)
    page.goto(f"/patients/?q={patient.surname} {patient.given_names}")
    expect(page.get_by_role("main")).not_to_contain_text(patient.codice_fiscale)
    page.goto(f"/patients/?q={patient.codice_fiscale}")
    expect(page.get_by_test_id("outside-scope")).to_contain_text(
        "esiste un paziente fuori dal suo ambito di cura"
    )
    glass = page.get_by_test_id("break-glass")
    glass.get_by_label("Categoria").select_option("emergency")
    glass.get_by_label("Motivo").fill("Paziente in pronto soccorso, arresto respiratorio")
    assert_accessible_basics(page)
    step(page, "break-the-glass")
    glass.get_by_role("button", name="Accesso di emergenza").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/patients/{patient.pk}/")
    expect(page.get_by_text("Accesso di emergenza registrato")).to_be_visible()
    page.context.clear_cookies()

    # the auditor reviews it
    log_in(page, "auditor", demo_users)
    page.goto("/audit/break-the-glass/")
    expect(page.get_by_test_id("break-glass-grants")).to_contain_text("arresto respiratorio")
    assert_accessible_basics(page)
    step(page, "review")
    grant = BreakGlassGrant.objects.get()
    page.get_by_label("Esito").select_option("justified")
    page.get_by_label("Nota").fill("Verificato con il pronto soccorso")
    page.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    grant.refresh_from_db()
    assert grant.outcome == "justified"
