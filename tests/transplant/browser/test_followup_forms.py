"""The follow-up page's forms in a real browser: the physician records a consent, is told
in Italian why an adverse event is refused, records it, and corrects a signed visit with a
reason. axe-core checks every step, with the forms open (corsia.testing.browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.transplant_followup import case_in_follow_up, day
from corsia.transplant.models.followup import AdverseEvent, Consent, FollowUpVisit
from corsia.transplant.services import followup_visits as visits

pytestmark = pytest.mark.browser


def test_consent_adverse_event_and_correction_from_the_follow_up_page(
    page: Page, demo_users: str
) -> None:
    # given an allogeneic transplant at day +30 with a signed visit at day +20
    physician = User.objects.get(username="medico")
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    case = case_in_follow_up(physician, patient.pk)
    visit = visits.visit_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=visits.VisitInput(visit_on=day(case, 20), conclusions="Stabile"),
    )  # fmt: skip
    visits.visit_sign(actor=physician, workstation=None, visit_id=visit.pk, expected_version=1)
    log_in(page, "medico", demo_users)
    page.goto(f"/transplant/cases/{case.pk}/followup/")
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # when the physician records the registry consent
    page.get_by_text("Registra un consenso").click()
    form = page.get_by_test_id("consent-form")
    form.get_by_label("Consenso").select_option("registry")
    form.get_by_label("Data", exact=True).fill(day(case, 1).isoformat())
    form.get_by_label("Versione del modulo informativo").fill("v3 2025")
    step(page, "consenso")
    form.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    # then it is listed
    expect(page.get_by_test_id("consents")).to_contain_text("Trasmissione dati al registro EBMT")
    assert Consent.objects.get().granted is True
    # when an adverse event is reported before it happened: refused in Italian
    page.get_by_text("Registra un evento avverso").click()
    form = page.get_by_test_id("adverse-form")
    form.get_by_label("Data dell'evento").fill(day(case, 5).isoformat())
    form.get_by_label("Evento (termine CTCAE)").fill("Neutropenia febbrile")
    form.get_by_label("Grado CTCAE").select_option("3")
    form.get_by_label("Gravità").select_option("serious")
    form.get_by_label("Segnalato all'autorità il").fill(day(case, 4).isoformat())
    form.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("refusal")).to_contain_text(
        "La segnalazione non può precedere l'evento."
    )
    assert not AdverseEvent.objects.exists()
    step(page, "evento-rifiutato")
    # the form kept what was typed: the date of the report corrected, recorded
    form = page.get_by_test_id("adverse-form")
    expect(form.get_by_label("Evento (termine CTCAE)")).to_have_value("Neutropenia febbrile")
    form.get_by_label("Segnalato all'autorità il").fill(day(case, 6).isoformat())
    form.get_by_role("button", name="Registra").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("adverse-events")).to_contain_text("Grave (SAE)")
    # when the signed visit is corrected with a reason
    page.get_by_text("Correggi la visita del").click()
    form = page.get_by_test_id(f"correct-{visit.pk}")
    expect(form.get_by_label("Conclusioni")).to_have_value("Stabile")
    form.get_by_label("Motivo della correzione").fill("Omessa la mucosite di grado 1")
    form.get_by_label("Conclusioni").fill("Stabile, mucosite di grado 1")
    step(page, "correzione")
    form.get_by_role("button", name="Registra la correzione").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the new draft supersedes the signed visit, which stays as it was
    expect(page.get_by_test_id("visits")).to_contain_text("Correzione: Omessa la mucosite")
    new = FollowUpVisit.objects.get(supersedes=visit)
    assert (new.state, new.conclusions) == ("draft", "Stabile, mucosite di grado 1")
    step(page, "corretta")
