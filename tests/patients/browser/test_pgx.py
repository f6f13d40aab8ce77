"""A physician records a DPYD result on the patient's page in a real browser: the page
lists it as the current result, accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.demo.patients import ensure_demo_patients, ensure_wards
from corsia.patients.models import Patient
from corsia.patients.models_pgx import PgxResult
from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser


def test_physician_records_a_dpyd_intermediate_result(page: Page, demo_users: str) -> None:
    ensure_wards()
    ensure_demo_patients(actor=User.objects.get(username="coordinatore"))
    patient = Patient.objects.order_by("pk").first()
    assert patient is not None
    log_in(page, "medico", demo_users)
    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_test_id("pgx-current")).to_contain_text(
        "Nessun risultato farmacogenomico registrato."
    )
    page.get_by_text("Registra un risultato farmacogenomico").click()
    form = page.get_by_test_id("pgx-form")
    form.get_by_label("Gene").select_option("DPYD")
    form.get_by_label("Fenotipo").select_option("intermediate_metabolizer")
    form.get_by_label("Punteggio di attività (solo DPYD)").select_option("1.5")
    form.get_by_label("Diplotipo (come da referto)").fill("c.1236G>A/wt")
    form.get_by_label("Data del referto").fill("2026-11-02")
    assert_accessible_basics(page)
    form.get_by_role("button", name="Registra risultato").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("pgx-current")).to_contain_text(
        "DPYD: metabolizzatore intermedio (punteggio di attività 1,5), referto del 02/11/2026"
    )
    assert PgxResult.objects.filter(patient=patient, gene="DPYD").count() == 1
    assert_accessible_basics(page)
    step(page, "pgx-recorded")
