"""A nurse runs the nursing process on a tablet-sized page in a real browser: a Braden in
the high-risk band proposes the pressure-injury template (a suggestion), the nurse applies
it, records a turn as done and evaluates the goal; axe-core checks every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.nursing.models import CareEvaluation, CareProblem, InterventionRecord
from corsia.nursing.services import (
    AssessmentInput,
    assessment_record,
    care_templates_reference_load,
    scales_reference_load,
)
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.nursing import BRADEN_11
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.browser


def test_apply_template_record_and_evaluate(page: Page, demo_users: str) -> None:
    # given the shipped scales and templates, a patient with a Braden of 11 (high risk)
    scales_reference_load()
    care_templates_reference_load()
    nurse = User.objects.get(username="infermiere")
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    assessment_record(
        actor=nurse,
        workstation="tablet",
        patient_id=patient.pk,
        data=AssessmentInput(scale_code="braden", answers=BRADEN_11),
    )
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, "infermiere", demo_users)
    # when the nurse opens the plan from the nursing page
    page.goto(f"/nursing/patients/{patient.pk}/")
    page.get_by_role("link", name="Piano assistenziale").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the Braden proposes the pressure-injury template, nothing applied yet
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions).to_contain_text("Rischio di lesioni da pressione")
    expect(suggestions).to_contain_text("Rischio alto")
    assert not CareProblem.objects.exists()
    step(page, "plan-suggested")
    # when the nurse applies it
    suggestions.get_by_role("button", name="Applica il modello").click()
    page.wait_for_load_state("load")
    problem = CareProblem.objects.get()
    card = page.get_by_test_id(f"problem-{problem.pk}")
    expect(card).to_contain_text("Cambio di postura secondo il piano di mobilizzazione")
    # and records the 10:00 turn as done
    turn = problem.interventions.get(text__startswith="Cambio di postura")
    card.get_by_test_id(f"intervention-{turn.pk}").get_by_role(
        "button", name="10:00 eseguito"
    ).click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id(f"slot-{turn.pk}-1000")).to_contain_text("eseguito")
    record = InterventionRecord.objects.get()
    assert (record.done, record.author.username) == (True, "infermiere")
    # and evaluates the skin goal: met, continue
    goal = problem.goals.get()
    card = page.get_by_test_id(f"problem-{problem.pk}")
    card.get_by_test_id(f"goal-{goal.pk}").locator("summary").click()
    form = page.get_by_test_id(f"evaluate-{goal.pk}")
    form.get_by_label("Esito").select_option("met")
    form.get_by_label("Decisione").select_option("continue")
    form.get_by_label("Nota").fill("Cute integra a sacro e talloni")
    step(page, "plan-evaluating")
    form.get_by_role("button", name="Registra la valutazione").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id(f"goal-{goal.pk}")).to_contain_text("Raggiunto")
    assert_accessible_basics(page)
    step(page, "plan-evaluated")
    assert CareEvaluation.objects.get().outcome == "met"
