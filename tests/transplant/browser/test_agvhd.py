"""Recording an acute GVHD assessment in a real browser: the physician opens the case's
follow-up, types the measures, sees the computed stages before saving, records them and
finds the grade in the list. axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.transplant_followup import case_in_follow_up, day
from corsia.transplant.models.followup import AgvhdAssessment

pytestmark = pytest.mark.browser


def test_an_agvhd_assessment_is_graded_from_the_measures(page: Page, demo_users: str) -> None:
    # given an allogeneic transplant at day +30
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    case = case_in_follow_up(User.objects.get(username="medico"), patient.pk)
    log_in(page, "medico", demo_users)
    page.goto(f"/transplant/cases/{case.pk}/followup/")
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # when the physician types rash 30 % BSA, bilirubin 2.5 mg/dL, 4 stools a day
    form = page.get_by_test_id("agvhd-form")
    form.get_by_label("Data della valutazione").fill(day(case, 21).isoformat())
    form.get_by_label("Rash maculopapulare (% BSA)").fill("30")
    form.get_by_label("Bilirubina totale").fill("2,5")
    form.get_by_label("Scariche al giorno").fill("4")
    form.get_by_role("button", name="Calcola gli stadi").click()
    page.wait_for_load_state("load")
    # then the computed stages show before anything is saved: skin 2, liver 1, lower GI 1 → II
    expect(page.get_by_test_id("agvhd-preview")).to_contain_text("grado II")
    assert not AgvhdAssessment.objects.exists()
    step(page, "stadi-calcolati")
    # when recorded
    page.get_by_test_id("agvhd-form").get_by_role("button", name="Registra la valutazione").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the list shows the stages and the grade
    expect(page.get_by_test_id("agvhd")).to_contain_text("II")
    step(page, "valutazione-registrata")
    row = AgvhdAssessment.objects.get()
    assert (row.skin_stage, row.liver_stage, row.lower_gi_stage, row.grade) == (2, 1, 1, 2)
