"""The care plan shown by stay (the current one by default, an earlier one chosen, the same
filter in the API) and a care-plan template withdrawn and put back (service, page, API:
reason required, audited, nothing changed on a refusal)."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.nursing import selectors_care, services
from corsia.nursing.models import CareProblem, CareTemplate
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.records import admit

API = "/api/v1/nursing"


@pytest.fixture
def templates(db: None) -> None:
    services.care_templates_reference_load()


def _problem(nurse: User, patient: Patient, code: str) -> CareProblem:
    template = CareTemplate.objects.get(code=code)
    data = services.ProblemInput(template_id=template.pk)
    return services.care_problem_open(
        actor=nurse, workstation="t", patient_id=patient.pk, data=data
    )


@pytest.fixture
def two_stays(
    templates: None, make_user: MakeUser, nurse: User, patient: Patient
) -> tuple[int, int]:
    """A first stay (falls risk), discharged; a second in progress (neutropenia)."""
    first = admit(make_user, patient)
    _problem(nurse, patient, "rischio_cadute")
    patient_services.encounter_discharge(
        actor=make_user(Role.COORDINATOR), workstation=None, encounter_id=first, expected_version=1
    )
    second = admit(make_user, patient)
    _problem(nurse, patient, "infezione_neutropenia")
    return first, second


def _wordings(plan: selectors_care.CarePlan) -> set[str]:
    return {v.problem.template.code for v in plan.open if v.problem.template}


def test_the_plan_shows_the_current_stay_and_an_earlier_one_on_request(
    two_stays: tuple[int, int], nurse: User, patient: Patient
) -> None:
    first, second = two_stays
    plan = selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk)
    assert (plan.stay, _wordings(plan)) == (second, {"infezione_neutropenia"})
    assert [(c.id, c.current) for c in plan.stays] == [(second, True), (first, False)]
    earlier = selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk, stay=first)
    assert _wordings(earlier) == {"rischio_cadute"}
    with pytest.raises(NotFound):
        selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk, stay=first + 99)
    assert AccessLogEntry.objects.filter(user=nurse, patient_id=patient.pk).count() == 2


def test_the_stay_filter_on_the_page_and_in_the_api(
    two_stays: tuple[int, int], nurse: User, patient: Patient
) -> None:
    first, second = two_stays
    old, new = (CareProblem.objects.get(encounter_id=s).pk for s in (first, second))
    page = logged_in(nurse)
    base = f"/nursing/patients/{patient.pk}/plan/"
    current = page.get(base).content.decode()
    assert 'data-testid="stay-filter"' in current
    assert f'data-testid="problem-{new}"' in current
    assert f'data-testid="problem-{old}"' not in current
    earlier = page.get(base, {"stay": first}).content.decode()
    assert f'data-testid="problem-{old}"' in earlier
    assert f'data-testid="problem-{new}"' not in earlier
    for bad in ["abc", "1e308", "-1", str(first + 99)]:  # a NUL: 400 by the middleware
        answer = page.get(base, {"stay": bad})
        assert answer.status_code == 200
        assert "Ricovero non trovato." in answer.content.decode()
    client = api_client(nurse)
    body = client.get(f"{API}/patients/{patient.pk}/care-plan").json()
    assert body["stay"] == second
    assert [p["template"] for p in body["problems"]] == ["infezione_neutropenia v1"]
    body = client.get(f"{API}/patients/{patient.pk}/care-plan", {"stay": first}).json()
    assert [p["template"] for p in body["problems"]] == ["rischio_cadute v1"]
    missing = client.get(f"{API}/patients/{patient.pk}/care-plan", {"stay": first + 99})
    assert (missing.status_code, missing.json()["code"]) == (404, "stay_not_found")


def test_a_template_withdrawn_and_put_back_with_a_reason(
    templates: None, coordinator: User, nurse: User
) -> None:
    falls = CareTemplate.objects.get(code="rischio_cadute")
    with pytest.raises(ValidationFailed):
        services.care_template_set_active(
            actor=coordinator, workstation="t", template_id=falls.pk, active=False, reason=" "
        )
    with pytest.raises(ValidationFailed, match="caratteri non ammessi"):
        services.care_template_set_active(
            actor=coordinator, workstation="t", template_id=falls.pk, active=False, reason="a\x00"
        )
    with pytest.raises(PermissionRefused):
        services.care_template_set_active(
            actor=nurse, workstation="t", template_id=falls.pk, active=False, reason="x"
        )
    falls.refresh_from_db()
    assert falls.active
    services.care_template_set_active(
        actor=coordinator, workstation="t", template_id=falls.pk, active=False, reason="Protocollo"
    )
    assert falls not in selectors_care.care_templates_in_use(user=nurse)
    event = AuditEvent.objects.get(event_type="nursing.care_template_activation_changed")
    assert (event.actor_id, event.reason) == (coordinator.pk, "Protocollo")


def test_the_template_activation_on_the_page_and_in_the_api(
    templates: None, coordinator: User, nurse: User
) -> None:
    falls = CareTemplate.objects.get(code="rischio_cadute")
    page = logged_in(coordinator)
    listing = page.get("/nursing/care-templates/").content.decode()
    assert 'data-testid="template-activation-rischio_cadute-1"' in listing
    url = f"/nursing/care-templates/{falls.pk}/activation/"
    empty = page.post(url, {"active": "0", "reason": ""}, follow=True)
    assert "Indica il motivo." in empty.content.decode()
    falls.refresh_from_db()
    assert falls.active
    assert page.post(url, {"active": "0", "reason": "Nuovo protocollo"}).status_code == 302
    assert not CareTemplate.objects.get(pk=falls.pk).active
    assert logged_in(nurse).post(url, {"active": "1", "reason": "x"}).status_code == 403
    status, body = post_json(
        api_client(nurse),
        f"{API}/care-templates/{falls.pk}/activation",
        {"active": True, "reason": "x"},
    )
    assert status == 403
    client = api_client(coordinator)
    status, body = post_json(
        client, f"{API}/care-templates/{falls.pk}/activation", {"active": True, "reason": ""}
    )
    assert (status, body["code"]) == (422, "reason_required")
    status, body = post_json(
        client, f"{API}/care-templates/99999999999/activation", {"active": True, "reason": "x"}
    )
    assert (status, body["code"]) == (404, "care_template_not_found")
    status, body = post_json(
        client, f"{API}/care-templates/{falls.pk}/activation", {"active": True, "reason": "Torna"}
    )
    assert (status, body["active"]) == (201, True)
    assert (
        AuditEvent.objects.filter(event_type="nursing.care_template_activation_changed").count()
        == 2
    )
