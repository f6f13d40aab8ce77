"""The follow-up page's forms for the acts the API already offered: the disease's response,
the consents and adverse events (JACIE), the correction of a signed visit. Each is saved
with the values typed and its audit event; refused (403, nothing written) for a role
without the permission; refused in Italian beside its form, nothing written, on bad input."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in
from corsia.testing.transplant_followup import case_in_follow_up, day
from corsia.transplant.models import Transplant
from corsia.transplant.models.followup import (
    AdverseEvent,
    Consent,
    FollowUpVisit,
    ResponseAssessment,
)
from corsia.transplant.services import followup_visits as visits

pytestmark = pytest.mark.django_db


def _base(case: Transplant) -> str:
    return f"/transplant/cases/{case.pk}/followup"


def _text(response: Any) -> str:
    return html.unescape(str(response.content.decode()))


def _signed_visit(physician: User, case: Transplant) -> FollowUpVisit:
    visit = visits.visit_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=visits.VisitInput(visit_on=day(case, 20), conclusions="Stabile, GVHD assente",
                               immunosuppressant="ciclosporin", immunosuppressant_dose="100 mg x 2",
                               performance_scale="karnofsky", performance_score=90),
    )  # fmt: skip
    return visits.visit_sign(actor=physician, workstation=None, visit_id=visit.pk,
                             expected_version=visit.version)  # fmt: skip


# --- the disease's response ----------------------------------------------------------------


def test_response_form_records_the_response_with_its_audit(
    nurse: User, physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(nurse)
    done = client.post(f"{_base(case)}/responses/", {
        "response_on": day(case, 28).isoformat(), "response": "complete_remission",
        "response_note": "Midollo: MRD negativa",
    })  # fmt: skip
    assert done.status_code == 302
    row = ResponseAssessment.objects.get()
    assert (row.assessed_on, row.day, row.response, row.note, row.author) == (
        day(case, 28), 28, "complete_remission", "Midollo: MRD negativa", nurse,
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type="transplant.response_recorded")
    assert (event.actor, event.patient_id) == (nurse, recipient.pk)
    assert event.after == {"day": 28, "response": "complete_remission"}
    page = _text(client.get(f"{_base(case)}/"))
    assert "Remissione completa" in page and "Midollo: MRD negativa" in page


def test_a_response_in_the_future_is_refused(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = logged_in(physician).post(
        f"{_base(case)}/responses/", {"response_on": tomorrow, "response": "stable_disease"}
    )
    assert refused.status_code == 422
    assert "la data è nel futuro" in _text(refused)
    assert not ResponseAssessment.objects.exists()


# --- consents ------------------------------------------------------------------------------


def test_consent_form_records_a_refused_consent(
    nurse: User, physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(nurse)
    done = client.post(f"{_base(case)}/consents/", {
        "kind": "research", "given_on": day(case, 2).isoformat(), "granted": "no",
        "document_version": "v3 2025", "consent_note": "Non desidera l'uso dei campioni",
    })  # fmt: skip
    assert done.status_code == 302
    row = Consent.objects.get()
    assert (row.kind, row.given_on, row.granted, row.document_version, row.note, row.author) == (
        "research", day(case, 2), False, "v3 2025", "Non desidera l'uso dei campioni", nurse,
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type="transplant.consent_recorded")
    assert (event.actor, event.patient_id) == (nurse, recipient.pk)
    assert event.after == {"kind": "research", "granted": False, "version": "v3 2025"}
    page = _text(client.get(f"{_base(case)}/"))
    assert "Uso di dati e campioni per ricerca" in page and "negato" in page


# --- adverse events ------------------------------------------------------------------------


def test_adverse_event_form_records_a_serious_event(
    nurse: User, physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(nurse)
    done = client.post(f"{_base(case)}/adverse-events/", {
        "occurred_on": day(case, 5).isoformat(), "term": "Neutropenia febbrile",
        "ctcae_grade": "3", "severity": "serious", "relation": "procedure",
        "reported_on": day(case, 6).isoformat(), "adverse_note": "Emocolture negative",
    })  # fmt: skip
    assert done.status_code == 302
    row = AdverseEvent.objects.get()
    assert (row.occurred_on, row.term, row.ctcae_grade, row.severity, row.relation,
            row.reported_on, row.note, row.author) == (
        day(case, 5), "Neutropenia febbrile", 3, "serious", "procedure", day(case, 6),
        "Emocolture negative", nurse,
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type="transplant.adverse_event_recorded")
    assert (event.actor, event.patient_id) == (nurse, recipient.pk)
    assert event.after == {"term": "Neutropenia febbrile", "grade": 3, "severity": "serious"}
    page = _text(client.get(f"{_base(case)}/"))
    assert "Neutropenia febbrile (grado CTCAE 3, Grave (SAE), Correlato alla procedura)" in page


# --- bad input on the three forms -----------------------------------------------------------

# Each form's valid input (days from day 0 of the case), then one bad field at a time.
_FORMS: dict[str, tuple[type[models.Model], dict[str, object]]] = {
    "responses": (ResponseAssessment, {"response_on": 28, "response": "partial_response"}),
    "consents": (Consent, {"kind": "transplant", "given_on": 1, "granted": "yes",
                           "document_version": "v2"}),
    "adverse-events": (AdverseEvent, {"occurred_on": 5, "term": "Mucosite", "ctcae_grade": "2",
                                      "severity": "non_serious", "relation": "unrelated"}),
}  # fmt: skip


@pytest.mark.parametrize(
    ("act", "change", "message"),
    [
        ("responses", {"response_on": "1990-01-01"}, "la data è precedente al giorno 0"),
        ("responses", {"response_on": "2026-02-30"}, "La data non è valida"),
        ("responses", {"response_on": ""}, "Indica la data."),
        ("responses", {"response": "cured"}, "Risposta non prevista."),
        ("responses", {"response_note": "x" * 8001}, "Il testo supera 8000 caratteri."),
        ("consents", {"document_version": ""}, "Indica la versione del modulo informativo."),
        ("consents", {"document_version": "v" * 41}, "Il testo supera 40 caratteri."),
        ("consents", {"granted": ""}, "Indica se il consenso è stato accordato o negato."),
        ("consents", {"kind": "marketing"}, "Consenso non previsto."),
        ("consents", {"given_on": "ieri"}, "La data non è valida"),
        ("consents", {"given_on": "2999-01-01"}, "Consenso: la data è nel futuro."),
        ("adverse-events", {"ctcae_grade": "6"}, "Grado CTCAE tra 1 e 5."),
        ("adverse-events", {"ctcae_grade": "1e308"}, "Indica un numero intero."),
        ("adverse-events", {"ctcae_grade": ""}, "Indica il grado CTCAE (da 1 a 5)."),
        ("adverse-events", {"term": "  "}, "Indica l'evento avverso."),
        ("adverse-events", {"severity": "mild"}, "Gravità non prevista."),
        ("adverse-events", {"relation": "drug"}, "Correlazione non prevista."),
        ("adverse-events", {"reported_on": "2000-01-01"},
         "La segnalazione non può precedere l'evento."),
    ],
)  # fmt: skip
def test_a_form_refuses_bad_input_in_italian_and_writes_nothing(
    physician: User, recipient: Patient, act: str, change: dict[str, str], message: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    model, valid = _FORMS[act]
    form = {k: day(case, v).isoformat() if isinstance(v, int) else v for k, v in valid.items()}
    client = logged_in(physician)
    audited = AuditEvent.objects.count()  # after the sign-in's own row
    refused = client.post(f"{_base(case)}/{act}/", {**form, **change})
    assert refused.status_code == 422
    assert message in _text(refused)
    assert not model._default_manager.exists()
    assert AuditEvent.objects.count() == audited


# --- the correction of a signed visit ------------------------------------------------------


def test_a_signed_visit_is_corrected_from_the_page(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    signed = _signed_visit(physician, case)
    client = logged_in(physician)
    # the page offers the correction, filled with what the signed visit says
    page = _text(client.get(f"{_base(case)}/"))
    assert f'data-testid="correct-{signed.pk}"' in page
    assert "Stabile, GVHD assente" in page and 'value="100 mg x 2"' in page
    url = f"{_base(case)}/visits/{signed.pk}/correct/"
    form = {"visit_on": day(case, 20).isoformat(), "conclusions": "Stabile, GVHD cutanea lieve",
            "immunosuppressant": "ciclosporin", "immunosuppressant_dose": "100 mg x 2",
            "performance_scale": "karnofsky", "performance_score": "90"}  # fmt: skip
    # without a reason: refused in Italian, the typed text kept, nothing written
    refused = client.post(url, form)
    assert refused.status_code == 422
    text = _text(refused)
    assert "Indica il motivo della correzione." in text
    assert "Stabile, GVHD cutanea lieve" in text
    assert FollowUpVisit.objects.count() == 1
    # with the reason: a new draft supersedes the signed visit, which stays as it was
    done = client.post(url, {**form, "reason": "GVHD cutanea omessa"})
    assert done.status_code == 302
    new = FollowUpVisit.objects.exclude(pk=signed.pk).get()
    assert (new.supersedes_id, new.correction_reason, new.state, new.conclusions) == (
        signed.pk, "GVHD cutanea omessa", "draft", "Stabile, GVHD cutanea lieve",
    )  # fmt: skip
    assert (new.performance_scale, new.performance_score, new.immunosuppressant) == (
        "karnofsky", 90, "ciclosporin",
    )  # fmt: skip
    signed.refresh_from_db()
    assert (signed.state, signed.conclusions) == ("signed", "Stabile, GVHD assente")
    event = AuditEvent.objects.get(event_type="transplant.visit_corrected")
    assert (event.actor, event.reason, event.patient_id) == (
        physician, "GVHD cutanea omessa", recipient.pk,
    )  # fmt: skip
    assert event.before is not None and event.after is not None
    assert event.before["id"] == signed.pk and event.after["id"] == new.pk
    # corrected once: the page shows the correction, a second correction is refused
    assert "Correzione: GVHD cutanea omessa" in _text(client.get(f"{_base(case)}/"))
    again = client.post(url, {**form, "reason": "ancora"})
    assert again.status_code == 409
    assert "La visita è già stata corretta" in _text(again)
    assert FollowUpVisit.objects.count() == 2


def test_a_draft_is_not_corrected_and_bad_input_writes_nothing(
    physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    draft = visits.visit_record(actor=physician, workstation=None, transplant_id=case.pk,
                                data=visits.VisitInput(visit_on=day(case, 10)))  # fmt: skip
    client = logged_in(physician)
    refused = client.post(
        f"{_base(case)}/visits/{draft.pk}/correct/",
        {"visit_on": day(case, 10).isoformat(), "reason": "errore"},
    )
    assert refused.status_code == 409
    assert "Una visita in bozza si modifica direttamente." in _text(refused)
    signed = _signed_visit(physician, case)
    for bad, message in (
        ({"performance_score": "95", "performance_scale": "karnofsky"}, "multiplo di 10"),
        ({"visit_on": "1990-01-01"}, "la data è precedente al giorno 0"),
        ({"level_ng_ml": "150"}, "richiede l'immunosoppressore"),
    ):
        form = {"visit_on": day(case, 20).isoformat(), "reason": "errore", **bad}
        response = client.post(f"{_base(case)}/visits/{signed.pk}/correct/", form)
        assert response.status_code == 422, bad
        assert message in _text(response)
    assert FollowUpVisit.objects.count() == 2
    assert not AuditEvent.objects.filter(event_type="transplant.visit_corrected").exists()


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("act", ["responses", "consents", "adverse-events", "correct"])
def test_a_role_without_record_is_refused_and_nothing_is_written(
    coordinator: User, physician: User, recipient: Patient, act: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    signed = _signed_visit(physician, case)
    url, form = {
        "responses": ("responses/", {"response_on": day(case, 28).isoformat(),
                                     "response": "complete_remission"}),
        "consents": ("consents/", {"kind": "transplant", "given_on": day(case, 1).isoformat(),
                                   "granted": "yes", "document_version": "v1"}),
        "adverse-events": ("adverse-events/", {"occurred_on": day(case, 5).isoformat(),
                                               "term": "Mucosite", "ctcae_grade": "2",
                                               "severity": "non_serious", "relation": "unknown"}),
        "correct": (f"visits/{signed.pk}/correct/", {"visit_on": day(case, 20).isoformat(),
                                                     "reason": "errore"}),
    }[act]  # fmt: skip
    client = logged_in(coordinator)
    events = list(AuditEvent.objects.values_list("event_type", flat=True))
    assert client.post(f"{_base(case)}/{url}", form).status_code == 403
    assert list(AuditEvent.objects.values_list("event_type", flat=True)) == events
    assert not ResponseAssessment.objects.exists()
    assert not Consent.objects.exists()
    assert not AdverseEvent.objects.exists()
    assert FollowUpVisit.objects.count() == 1
    # and the page shows the coordinator no form for it
    page = client.get(f"{_base(case)}/").content.decode()
    assert "consent-form" not in page and "adverse-form" not in page
    assert "response-form" not in page and f"correct-{signed.pk}" not in page


def test_a_nul_character_is_refused_at_the_door(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    form = {"kind": "transplant", "given_on": day(case, 1).isoformat(), "granted": "yes",
            "document_version": "v1", "consent_note": "a\x00b"}  # fmt: skip
    assert logged_in(physician).post(f"{_base(case)}/consents/", form).status_code == 400
    assert not Consent.objects.exists()


def test_anonymous_is_sent_to_the_login(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    response = Client().post(f"{_base(case)}/consents/", {"kind": "transplant"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Consent.objects.exists()
