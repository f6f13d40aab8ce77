"""The nursing process through the API and the pages: the same services and permissions,
problem+json codes for bad input, nothing written on a refusal; the corrections of a
diary note and a monitored value (page action and API)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.nursing import services
from corsia.nursing.models import (
    CareEvaluation,
    CareProblem,
    CareTemplate,
    InterventionRecord,
    MonitoringEntry,
    NursingNote,
)
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json

API = "/api/v1/nursing"


@pytest.fixture
def templates(db: None) -> None:
    services.care_templates_reference_load()


def test_api_flow_and_refusals(templates: None, nurse: User, patient: Patient) -> None:
    client = api_client(nurse)
    template = CareTemplate.objects.get(code="infezione_neutropenia")
    status, body = post_json(
        client, f"{API}/patients/{patient.pk}/problems", {"template_id": template.pk}
    )
    assert status == 201, body
    assert body["template"] == "infezione_neutropenia v1"
    fever = next(i for i in body["interventions"] if i["times"] == ["06:00", "14:00", "22:00"])
    goal = body["goals"][0]
    # a goal before the plan, a NUL, a huge string, an unknown template: refused, nothing written
    before = (timezone.localdate() - timedelta(days=1)).isoformat()
    for payload, code in [
        (
            {"text": "x", "target_date": before, "expected_version": body["version"]},
            "goal_before_plan",
        ),
        (
            {
                "text": "a\x00b",
                "target_date": goal["target_date"],
                "expected_version": body["version"],
            },
            "invalid_characters",
        ),
        (
            {
                "text": "a" * 100_000,
                "target_date": goal["target_date"],
                "expected_version": body["version"],
            },
            "text_too_long",
        ),
        (
            {"text": "ok", "target_date": goal["target_date"], "expected_version": 99},
            "version_conflict",
        ),
    ]:
        status, refused = post_json(client, f"{API}/problems/{body['id']}/goals", payload)
        assert status in {400, 409, 422} and refused["code"] == code, refused
    assert CareProblem.objects.get().goals.count() == 2
    status, refused = post_json(
        client, f"{API}/patients/{patient.pk}/problems", {"template_id": 10**9}
    )
    assert (status, refused["code"]) == (404, "template_not_found")
    # implementation, evaluation
    status, record = post_json(
        client,
        f"{API}/interventions/{fever['id']}/records",
        {"done": False, "reason_not_done": "Paziente dorme"},
    )
    assert status == 201 and record["reason_not_done"] == "Paziente dorme"
    assert record["workstation"]
    status, evaluation = post_json(
        client,
        f"{API}/goals/{goal['id']}/evaluations",
        {
            "outcome": "partial",
            "decision": "revise",
            "note": "Un picco a 38,2",
            "expected_version": 1,
        },
    )
    assert status == 201, evaluation
    status, again = post_json(
        client,
        f"{API}/goals/{goal['id']}/evaluations",
        {"outcome": "met", "decision": "continue", "expected_version": 1},
    )
    assert (status, again["code"]) == (409, "version_conflict")
    plan = client.get(f"{API}/patients/{patient.pk}/care-plan").json()
    assert plan["problems"][0]["goals"][0]["status"] == "partial"
    assert [r["id"] for r in plan["records_today"]] == [record["id"]]
    # closed with a reason; then evaluating it is refused
    status, ended = post_json(
        client,
        f"{API}/problems/{body['id']}/status",
        {
            "status": "resolved",
            "reason": "Neutrofili ripresi",
            "expected_version": plan["problems"][0]["version"],
        },
    )
    assert status == 201 and ended["status"] == "resolved"
    status, closed = post_json(
        client,
        f"{API}/goals/{goal['id']}/evaluations",
        {"outcome": "met", "decision": "continue", "expected_version": 2},
    )
    assert (status, closed["code"]) == (409, "problem_closed")
    assert CareEvaluation.objects.count() == 1


def test_api_permissions(templates: None, make_user: MakeUser, patient: Patient) -> None:
    pharmacist = api_client(make_user(Role.PHARMACIST))
    assert pharmacist.get(f"{API}/patients/{patient.pk}/care-plan").status_code == 200
    template = CareTemplate.objects.get(code="rischio_cadute")
    status, _ = post_json(
        pharmacist, f"{API}/patients/{patient.pk}/problems", {"template_id": template.pk}
    )
    assert status == 403
    status, _ = post_json(
        api_client(make_user(Role.NURSE)), f"{API}/care-templates", {"definition": {}}
    )
    assert status == 403
    assert not CareProblem.objects.exists()


def test_corrections_api_and_page(nurse: User, patient: Patient) -> None:
    note = services.note_write(
        actor=nurse, workstation="t", patient_id=patient.pk, text="Notte tranquila"
    )
    entry = services.monitoring_record(
        actor=nurse, workstation="t", patient_id=patient.pk, parameter="diuresis_ml", value="1200"
    )
    client = api_client(nurse)
    status, body = post_json(
        client, f"{API}/notes/{note.pk}/corrections", {"text": "Notte tranquilla", "reason": ""}
    )
    assert (status, body["code"]) == (422, "required")
    status, body = post_json(
        client,
        f"{API}/notes/{note.pk}/corrections",
        {"text": "Notte tranquilla", "reason": "Refuso"},
    )
    assert status == 201 and body["supersedes_id"] == note.pk
    status, body = post_json(
        client, f"{API}/notes/{note.pk}/corrections", {"text": "x", "reason": "y"}
    )
    assert (status, body["code"]) == (409, "superseded")
    page = logged_in(nurse)
    url = f"/nursing/patients/{patient.pk}/corrections/monitoring/{entry.pk}/"
    refused = page.post(url, {"value": "1e308", "reason": "Letto male"}, follow=True)
    assert MonitoringEntry.objects.count() == 1
    assert refused.status_code == 200
    page.post(url, {"value": "1020", "reason": "Letto male"})
    assert MonitoringEntry.objects.filter(supersedes=entry).get().value == 1020
    assert NursingNote.objects.count() == 2


def test_plan_page_actions(templates: None, nurse: User, patient: Patient) -> None:
    page = logged_in(nurse)
    template = CareTemplate.objects.get(code="rischio_cadute")
    base = f"/nursing/patients/{patient.pk}/plan/"
    page.post(f"{base}open/0/", {"template_id": template.pk})
    problem = CareProblem.objects.get()
    shown = page.get(base)
    assert shown.status_code == 200
    assert "Rischio di caduta" in shown.content.decode()
    bell = problem.interventions.get(text__startswith="Campanello")
    # not done without a reason: the message on the page, nothing written
    refused = page.post(
        f"{base}record/{bell.pk}/", {"done": "0", "reason_not_done": ""}, follow=True
    )
    assert "Scrivi «Motivo»." in refused.content.decode()
    assert not InterventionRecord.objects.exists()
    page.post(f"{base}record/{bell.pk}/", {"done": "1"})
    assert InterventionRecord.objects.get().done
    # a free problem with a NUL in its wording: refused
    page.post(
        f"{base}open/0/",
        {
            "wording": "Ansia\x00",
            "pattern": "coping_stress",
            "goal": "Calma",
            "target_date": timezone.localdate().isoformat(),
        },
    )
    assert CareProblem.objects.count() == 1
    discharge = page.post(f"/nursing/patients/{patient.pk}/discharge/", {"destination": "RSA"})
    assert discharge.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "closed"
    assert page.get("/nursing/care-templates/").status_code == 200


def test_templates_page_defines_a_new_version(
    templates: None, coordinator: User, nurse: User
) -> None:
    page = logged_in(coordinator)
    bad = page.post("/nursing/care-templates/", {"definition": "{"})
    assert bad.status_code == 422
    assert "Il testo non è JSON valido." in bad.content.decode()
    old = CareTemplate.objects.get(code="rischio_cadute")
    raw = old.definition | {"version": "2", "problem": "Rischio di caduta (protocollo 2027)"}
    assert page.post("/nursing/care-templates/", {"definition": json.dumps(raw)}).status_code == 302
    again = page.post("/nursing/care-templates/", {"definition": json.dumps(raw)})
    assert again.status_code == 422
    assert "ha già una versione 2" in again.content.decode()
    assert CareTemplate.objects.filter(code="rischio_cadute").count() == 2
    assert (
        logged_in(nurse).post("/nursing/care-templates/", {"definition": "{}"}).status_code == 403
    )


@pytest.mark.parametrize("due", ["2026-02-30T10:00:00+01:00", "domani", "2026-12-03T10:00:00"])
def test_an_unreadable_slot_is_refused_on_the_page(
    templates: None, nurse: User, patient: Patient, due: str
) -> None:
    page = logged_in(nurse)
    template = CareTemplate.objects.get(code="rischio_cadute")
    base = f"/nursing/patients/{patient.pk}/plan/"
    page.post(f"{base}open/0/", {"template_id": template.pk})
    bell = CareProblem.objects.get().interventions.get(text__startswith="Campanello")
    answer = page.post(f"{base}record/{bell.pk}/", {"done": "1", "due_at": due}, follow=True)
    assert answer.status_code == 200
    assert "Orario previsto non valido." in answer.content.decode()
    assert not InterventionRecord.objects.exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("interventions/99999999999/records", {"done": True}),
        (
            "goals/99999999999/evaluations",
            {"outcome": "met", "decision": "continue", "expected_version": 1},
        ),
        (
            "problems/99999999999/goals",
            {"text": "x", "target_date": "2026-12-31", "expected_version": 1},
        ),
        ("notes/99999999999/corrections", {"text": "x", "reason": "y"}),
    ],
)
def test_an_id_no_column_holds_is_not_found(
    nurse: User, path: str, body: dict[str, object]
) -> None:
    status, answer = post_json(api_client(nurse), f"{API}/{path}", body)
    assert status == 404, answer
