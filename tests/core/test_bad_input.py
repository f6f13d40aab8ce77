"""Regression tests: bad input is a clear 4xx, never a 500; every API error is
problem+json (issue 26)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.models import AuditEvent
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import patient_registered


def _api(user: User, **kwargs: Any) -> Client:
    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"}, **kwargs)


def _session(user: User) -> Client:
    return logged_in(user)


def _is_problem(response: Any, status: int, code: str) -> bool:
    return bool(
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["code"] == code
    )


def _patient(actor: User) -> Patient:
    return patient_registered(actor)


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


def test_numeric_overflow_is_422_not_500(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    physician = make_user(Role.PHYSICIAN)
    client = _api(physician)
    far = client.get("/api/v1/orders", {"day": "2025-03-01", "days_ahead": str(10**9)})
    # the schema's bounded day count names the field (corsia.core.schemas.DayCount)
    assert _is_problem(far, 422, "validation_failed") and far.json()["field"] == "days_ahead"

    def overflowing() -> None:
        raise OverflowError("date value out of range")

    # the backstop for a schema still unbounded: date arithmetic out of range is a 422
    monkeypatch.setattr("corsia.patients.selectors.wards_with_places", overflowing)
    assert _is_problem(client.get("/api/v1/patients/wards"), 422, "value_out_of_range")
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


def test_a_multipart_body_on_the_api_is_400_not_500(make_user: MakeUser) -> None:
    # the regimen import reads the raw body; a multipart body was parsed (its stream
    # consumed) by the bad-input checks first, and reading the body then was a 500
    client = _api(make_user(Role.PHARMACIST), raise_request_exception=False)
    answers = {}
    for content_type, body in (
        ("multipart/form-data", b"a"),  # no boundary
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; "
         b"name=a\r\n\r\n1\r\n--x--\r\n"),
    ):  # fmt: skip
        response = client.post("/api/v1/regimens/import", body, content_type=content_type)
        answers[content_type] = (response.status_code, response["Content-Type"])
    assert answers == dict.fromkeys(answers, (400, "application/problem+json"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/measurements"])
def test_a_json_body_nested_past_the_parser_is_400_not_500(make_user: MakeUser, path: str) -> None:
    # found by the corpus (tests/core/outside/test_bad_input_corpus.py): the
    # bad-input check's json.loads raised RecursionError, a 500, before authentication
    client = _api(make_user(Role.PHYSICIAN), raise_request_exception=False)
    body = '{"username": ' + "[" * 100_000 + "]" * 100_000 + "}"
    before = AuditEvent.objects.count()
    response = client.post(path, body, content_type="application/json")
    assert _is_problem(response, 400, "body_too_deep")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_413_problem_json(
    make_user: MakeUser, settings: Any
) -> None:
    # found by the corpus: answered 400 with the generic code bad_request
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = _api(make_user(Role.PHYSICIAN), raise_request_exception=False)
    body = json.dumps({"kind": "note", "text": "A" * 10_001})
    patient = _patient(make_user(Role.COORDINATOR))
    response = client.post(
        f"/api/v1/patients/{patient.pk}/diary", body, content_type="application/json"
    )
    assert _is_problem(response, 413, "body_too_large")


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


GARBLED_IDS = ["abc", "1e308", "²", "9" * 40, " -1", "1\x00"]
# (page, the posted form around the garbled field, the field) — every page view that read a
# posted id with int() and answered a garbled one with a 500
GARBLED_ID_PAGES = [
    (Role.PHYSICIAN, "/prescribing/patient/{patient}/orders/new/", {"start_date": "2025-03-03"}, "regimen_version"),
    (Role.PHYSICIAN, "/prescribing/patient/{patient}/orders/new/", {"start_date": "2025-03-03", "regimen_version": "1"}, "diagnosis"),
    (Role.PHYSICIAN, "/prescribing/patient/{patient}/orders/new/", {"start_date": "2025-03-03", "regimen_version": "1"}, "cycle_number"),
    (Role.PHYSICIAN, "/prescribing/patient/{patient}/prior-doses/", {"amount": "100", "unit": "mg", "given_from": "2024-01-10"}, "ingredient_id"),
    (Role.PHYSICIAN, "/prescribing/patient/{patient}/prior-doses/", {"amount": "100", "unit": "mg", "given_from": "2024-01-10", "ingredient_id": "1"}, "corrects_id"),
    (Role.PHYSICIAN, "/prescribing/orders/1/items/1/product/", {}, "product"),
    (Role.PHARMACIST, "/compounding/orders/1/action/", {"action": "validate_item"}, "item_id"),
    (Role.PHARMACIST, "/compounding/sessions/", {"day": "2025-03-03", "hood": "1"}, "technician"),
    (Role.PHARMACIST, "/compounding/sessions/", {"day": "2025-03-03", "technician": "1"}, "hood"),
    (Role.NURSE, "/administration/bedside/", {"action": "end", "version": "1"}, "administration"),
    (Role.COORDINATOR, "/administration/appointment/", {"day": "2025-03-03", "start": "09:00"}, "order"),
    (Role.COORDINATOR, "/administration/appointment/", {"day": "2025-03-03", "start": "09:00", "order": "1"}, "place"),
]  # fmt: skip


@pytest.mark.parametrize("garbled", GARBLED_IDS)
@pytest.mark.parametrize("page", GARBLED_ID_PAGES)
def test_garbled_posted_id_on_a_page_is_refused_not_a_500(
    make_user: MakeUser, page: tuple[Role, str, dict[str, str], str], garbled: str
) -> None:
    role, path, form, field = page
    # given a page a user may post to, and a patient to post about
    patient = _patient(make_user(Role.COORDINATOR))
    client = _session(make_user(role))
    written = AuditEvent.objects.count()
    # when the form carries a garbled id
    response = client.post(path.format(patient=patient.pk), {**form, field: garbled})
    # then the page refuses it (a message and back, the form again, or the error page),
    # never a server error, and nothing is changed (a blocked bedside scan is itself
    # recorded, as every blocked scan is)
    assert response.status_code in (200, 302, 400, 404, 422), response.status_code
    assert list(
        AuditEvent.objects.order_by("id")[written:].values_list("event_type", flat=True)
    ) in ([], ["administration.bedside_refused"])


HUGE_REASON = "x" * 1_000_000
TODAY = timezone.localdate().isoformat()  # inside the clinical window: the count is the point
# (role, method, path, JSON body or query) — a number no column holds, a span of days no
# calendar holds, a megabyte as a reason, a datetime without its offset
UNBOUNDED_API_INPUT = [
    (Role.PHYSICIAN, "get", "/api/v1/orders", {"day": "2025-03-01", "days_ahead": "1000000000"}),
    (Role.PHYSICIAN, "post", "/api/v1/measurements", {"patient_id": "{patient}", "kind": "weight", "value": 1e308}),
    (Role.PHYSICIAN, "post", "/api/v1/measurements", {"patient_id": "{patient}", "kind": "weight", "value": 80, "measured_at": "2025-03-01T10:00:00"}),
    (Role.PHYSICIAN, "post", "/api/v1/orders", {"patient_id": "{patient}", "regimen_version_id": 1, "start_date": TODAY, "cycle_number": 10**12}),
    (Role.PHYSICIAN, "post", "/api/v1/orders/1/transitions", {"event": "cancel", "reason": HUGE_REASON, "expected_version": 1}),
    (Role.PHYSICIAN, "post", "/api/v1/orders/1/items/1/adjust", {"final_dose": 1e308, "reason": "x", "expected_version": 1}),
    (Role.PHYSICIAN, "post", "/api/v1/cumulative/patients/{patient}/prior-doses", {"ingredient_id": 1, "amount": "1e308", "unit": "mg", "hospital": "H", "given_from": "2024-01-10", "document_ref": "D", "reason": "r"}),
    (Role.PHYSICIAN, "post", "/api/v1/dosing/preview", {"patient": {"sex": "M", "age_years": 60, "height_cm": 1e308, "weight_kg": 80}, "components": [{"drug": "x", "dose": 1, "unit": "mg/m2"}]}),
    (Role.PHARMACIST, "post", "/api/v1/compounding/preparations/1/weighings", {"measured_g": 1e308}),
    (Role.PHARMACIST, "post", "/api/v1/compounding/preparations/1/reject", {"reason": HUGE_REASON}),
    (Role.PHARMACIST, "post", "/api/v1/compounding/sessions", {"hood_id": 10**30, "technician_id": 1}),
    (Role.NURSE, "post", "/api/v1/administration/administrations/1/interrupt", {"volume_given_ml": 1e308, "reason": "x", "expected_version": 1}),
    (Role.NURSE, "post", "/api/v1/administration/administrations/1/end", {"reason": HUGE_REASON, "expected_version": 1}),
]  # fmt: skip


@pytest.mark.parametrize(("role", "method", "path", "data"), UNBOUNDED_API_INPUT)
def test_unbounded_api_input_is_a_422_problem_and_changes_nothing(
    make_user: MakeUser, role: Role, method: str, path: str, data: dict[str, Any]
) -> None:
    # given a user of the endpoint and a patient
    patient = _patient(make_user(Role.COORDINATOR))
    client = _api(make_user(role))
    written = AuditEvent.objects.count()
    # when the input is out of any bound
    if method == "get":
        response = client.get(path, data)
    else:
        body = {k: patient.pk if v == "{patient}" else v for k, v in data.items()}
        response = client.post(
            path.format(patient=patient.pk), json.dumps(body), content_type="application/json"
        )
    # then a 422 problem+json, nothing written
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in ("validation_failed", "naive_datetime")
    assert AuditEvent.objects.count() == written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path", "body", "field"),
    [
        (None, "/api/v1/auth/token", {"username": "u" * 151, "password": "x"}, "username"),
        (Role.PHYSICIAN, "/api/v1/cumulative/patients/1/prior-doses",
         {"unit": "mg/m2" * 10}, "unit"),
        (Role.PHYSICIAN, "/api/v1/cumulative/patients/1/prior-doses",
         {"hospital": "H" * 201}, "hospital"),
        (Role.PHYSICIAN, "/api/v1/cumulative/patients/1/prior-doses",
         {"document_ref": "D" * 201}, "document_ref"),
        (Role.NURSE, "/api/v1/administration/bedside/verify",
         {"wristband": "W" * 129, "label": "L"}, "wristband"),
        (Role.NURSE, "/api/v1/administration/bedside/verify",
         {"wristband": "W", "label": "L", "pump_serial": "P" * 129}, "pump_serial"),
    ],
)  # fmt: skip
def test_an_over_long_free_text_is_a_422_naming_the_field_not_value_out_of_range(
    make_user: MakeUser, role: Role | None, path: str, body: dict[str, Any], field: str
) -> None:
    # issue 26: units, hospitals, document references, scans reached their columns and
    # came back as a bare value_out_of_range (the username from the failed-login log)
    prior_dose = {
        "ingredient_id": 1, "amount": "100", "unit": "mg", "hospital": "H",
        "given_from": "2024-01-01", "document_ref": "D", "reason": "r",
    }  # fmt: skip
    full = {**prior_dose, **body} if "prior-doses" in path else body
    client = Client() if role is None else _api(make_user(role))
    response = client.post(path, json.dumps(full), content_type="application/json")
    assert _is_problem(response, 422, "validation_failed"), response.content
    assert response.json()["field"] == field
