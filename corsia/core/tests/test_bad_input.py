"""Regression tests: bad input is a clear 4xx, never a 500; every API error is
problem+json (issue 26)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.models import AuditEvent
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser


def _api(user: User, **kwargs: Any) -> Client:
    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"}, **kwargs)


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _is_problem(response: Any, status: int, code: str) -> bool:
    return bool(
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["code"] == code
    )


def _patient(actor: User) -> Patient:
    return patient_services.patient_create(
        actor=actor,
        workstation=None,
        data=patient_services.PatientInput(
            surname="Rossi",
            given_names="Mario",
            sex="M",
            date_of_birth=date(1985, 12, 10),
            codice_fiscale="RSSMRA85T10A562S",
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        '{"username": "a\\u0000b", "password": "x"}',
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "x", "password": "x", "\\u0000": 1}',
    ],
)
def test_nul_or_lone_surrogate_on_the_token_endpoint_is_400_without_authentication(
    body: str,
) -> None:
    before = AuditEvent.objects.count()
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert _is_problem(response, 400, "invalid_characters")
    assert AuditEvent.objects.count() == before


def test_nul_byte_in_an_api_query_is_400(make_user: MakeUser) -> None:
    response = _api(make_user(Role.PHYSICIAN)).get("/api/v1/patients/search", {"q": "ros\x00si"})
    assert _is_problem(response, 400, "invalid_characters")
    assert response.json()["field"] == "q"


def test_nul_byte_in_a_page_form_is_an_italian_400(make_user: MakeUser) -> None:
    client = _session(make_user(Role.COORDINATOR))
    response = client.post("/patients/new/", {"surname": "Ros\x00si", "given_names": "Mario"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "caratteri non ammessi" in page and '<html lang="it">' in page
    assert not Patient.objects.exists()
    query = client.get("/patients/", {"q": "\x00"})
    assert query.status_code == 400


def test_naive_datetime_on_the_api_is_422(make_user: MakeUser) -> None:
    coordinator = make_user(Role.COORDINATOR)
    patient = _patient(coordinator)
    ward = Ward.objects.create(code="DH", name="Day Hospital", kind="day_hospital")
    response = _api(coordinator).post(
        f"/api/v1/patients/{patient.pk}/encounters",
        {"kind": "day_hospital", "ward_id": ward.pk, "admitted_at": "2025-03-01T10:00"},
        content_type="application/json",
    )
    assert _is_problem(response, 422, "naive_datetime")
    assert response.json()["field"] == "admitted_at"
    assert not patient.encounters.exists()


def test_numeric_overflow_is_422_not_500(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    client = _api(physician)
    far = client.get("/api/v1/orders", {"day": "2025-03-01", "days_ahead": str(10**9)})
    assert _is_problem(far, 422, "value_out_of_range")
    patient = _patient(make_user(Role.COORDINATOR))
    huge = client.post(
        "/api/v1/measurements",
        f'{{"patient_id": {patient.pk}, "kind": "weight", "value": 1e308}}',
        content_type="application/json",
    )
    assert huge.status_code == 422
    assert huge["Content-Type"] == "application/problem+json"


def test_api_unknown_address_and_wrong_method_are_problem_json(make_user: MakeUser) -> None:
    client = _api(make_user(Role.PHYSICIAN))
    assert _is_problem(client.get("/api/v1/nothing-here"), 404, "not_found")
    wrong = client.delete("/api/v1/patients/wards")
    assert _is_problem(wrong, 405, "method_not_allowed")
    assert "GET" in wrong["Allow"]


def test_api_server_error_is_problem_json(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("corsia.patients.selectors.wards_with_places", broken)
    client = _api(make_user(Role.PHYSICIAN), raise_request_exception=False)
    response = client.get("/api/v1/patients/wards")
    assert _is_problem(response, 500, "server_error")
    assert "boom" not in response.content.decode()
