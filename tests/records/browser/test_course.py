"""The treatment course in a real browser: the physician opens the course of a patient on
a line of therapy, signs a RECIST 1.1 baseline and a re-evaluation, and reads the computed
response in the line's history and in the chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.records import services
from corsia.records.models import ResponseEvaluation
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.browser


def test_physician_signs_a_recist_re_evaluation(page: Page, demo_users: str) -> None:
    # given a patient on a second line given elsewhere (a regimen outside the library)
    physician = User.objects.get(username="medico")
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    started = timezone.localdate() - timedelta(days=70)
    services.treatment_line_start(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.LineInput(
            number=2, intent="palliative", started_on=started,
            external_regimen="Capecitabina (altro centro)", planned_cycles=8,
        ),
    )  # fmt: skip
    # when the physician opens the chart and the course
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    expect(page.get_by_test_id("chart-course")).to_contain_text("Linea 2 · Capecitabina")
    page.get_by_role("link", name="Linee, cicli, rivalutazioni").click()
    assert_accessible_basics(page)
    # and signs the RECIST baseline: liver 30 mm + lung 20 mm = 50 mm
    page.get_by_role("link", name="Rivalutazione RECIST 1.1").click()
    form = page.get_by_test_id("evaluation-form")
    form.get_by_label("Data dell'esame").fill((started - timedelta(days=7)).isoformat())
    form.get_by_label("Organo / sede 1").fill("fegato")
    form.get_by_label("Diametro (mm) 1").fill("30")
    form.get_by_label("Organo / sede 2").fill("polmone")
    form.get_by_label("Diametro (mm) 2").fill("20")
    assert_accessible_basics(page)
    form.get_by_role("button", name="Firma il basale").click()
    page.wait_for_load_state("load")
    # and a re-evaluation: 15 + 10 = 25 mm, (25 - 50) / 50 = -50 % → partial response
    page.get_by_test_id("line-2").get_by_role("link", name="Rivalutazione RECIST 1.1").click()
    form = page.get_by_test_id("evaluation-form")
    form.get_by_label("Data dell'esame").fill(timezone.localdate().isoformat())
    form.get_by_label("Lesione T1 (fegato)").fill("15")
    form.get_by_label("Lesione T2 (polmone)").fill("10")
    form.get_by_role("button", name="Firma la rivalutazione").click()
    page.wait_for_load_state("load")
    # then the line's history shows the sums and the response computed
    history = page.get_by_test_id("line-2").get_by_test_id("line-evaluations")
    expect(history).to_contain_text("Risposta parziale (PR)")
    expect(history).to_contain_text("-50,0%")
    expect(page.get_by_test_id("response-history")).to_contain_text("Basale")
    assert_accessible_basics(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "course_full.png"), full_page=True)
    latest = ResponseEvaluation.objects.filter(baseline=False).get()
    assert (str(latest.sum_mm), latest.response, latest.recorded_by.username) == (
        "25.0",
        "pr",
        "medico",
    )
