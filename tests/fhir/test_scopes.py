"""SMART-style scopes on a bearer token: a scoped token reads only the FHIR resources its
scopes name (403 OperationOutcome otherwise, nothing read or logged), never more than its
user may, and never writes, nor uses the JSON API; an unscoped token is as before."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.domain.scopes import InvalidScope, Scope, parse_scopes, scopes_allow
from corsia.accounts.models import ApiToken, User
from corsia.accounts.services import token_issue
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.fhir import fhir_get, fhir_reads, issue
from corsia.testing.patients import patient_registered

# --- pure ---------------------------------------------------------------------------------------


def test_scopes_are_read_only_and_well_formed() -> None:
    assert parse_scopes("patient/*.read  user/Observation.read") == {
        Scope("patient", "*"),
        Scope("user", "Observation"),
    }
    assert parse_scopes("") == frozenset()
    for bad in ("user/*.write", "user/*.*", "patient/Observation.rs", "system/*.read",
                "user/observation.read", "user/Observation", "x" * 501):  # fmt: skip
        with pytest.raises(InvalidScope):
            parse_scopes(bad)


@pytest.mark.parametrize(
    ("scopes", "resource", "patient_data", "allowed"),
    [
        ("patient/*.read", "Observation", True, True),
        ("patient/*.read", "Practitioner", False, False),  # not a patient's data
        ("user/*.read", "Practitioner", False, True),
        ("user/*.read", "Patient", True, True),
        ("user/Observation.read", "Observation", True, True),
        ("user/Observation.read", "Patient", True, False),
        ("patient/Observation.read user/Medication.read", "Medication", False, True),
    ],
)
def test_what_a_scope_reaches(
    scopes: str, resource: str, patient_data: bool, allowed: bool
) -> None:
    assert scopes_allow(parse_scopes(scopes), resource, patient_data=patient_data) is allowed


# --- through HTTP -------------------------------------------------------------------------------


def _scoped(user: User, scopes: str) -> Client:
    key, _ = token_issue(user=user, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def rossi(make_user: MakeUser) -> Patient:
    return patient_registered(make_user(Role.COORDINATOR))


@pytest.mark.django_db
def test_a_scoped_token_reads_only_what_its_scopes_name(
    make_user: MakeUser, rossi: Patient
) -> None:
    physician = make_user(Role.PHYSICIAN)
    observations = _scoped(physician, "user/Observation.read")
    assert fhir_get(observations, f"/fhir/Observation?patient={rossi.pk}")[0] == 200
    status, body = fhir_get(observations, f"/fhir/Patient/{rossi.pk}")
    assert (status, issue(body)) == (403, "forbidden")
    patient_scoped = _scoped(physician, "patient/*.read")
    assert fhir_get(patient_scoped, f"/fhir/Patient/{rossi.pk}")[0] == 200
    status, body = fhir_get(patient_scoped, f"/fhir/Practitioner/{physician.pk}")
    assert (status, issue(body)) == (403, "forbidden")
    # the metadata stays public
    assert fhir_get(observations, "/fhir/metadata")[0] == 200
    # only the Patient read is logged: the refusal read nothing
    assert fhir_reads(rossi.pk) == ["parametri vitali", "esami di laboratorio", "FHIR Patient"]


@pytest.mark.django_db
def test_scopes_never_add_to_the_user_s_permissions(make_user: MakeUser, rossi: Patient) -> None:
    it_staff = _scoped(make_user(Role.IT_STAFF), "user/*.read")
    status, body = fhir_get(it_staff, f"/fhir/Patient/{rossi.pk}")
    assert (status, issue(body)) == (403, "forbidden")


@pytest.mark.django_db
def test_a_scoped_token_never_writes_nor_uses_the_json_api(make_user: MakeUser) -> None:
    client = _scoped(make_user(Role.PHYSICIAN), "user/*.read")
    me = client.get("/api/v1/auth/me")
    assert (me.status_code, me.json()["code"]) == (403, "token_scope_insufficient")
    revoke = client.delete("/api/v1/auth/token")
    assert (revoke.status_code, revoke.json()["code"]) == (403, "token_scope_insufficient")
    write = client.post("/fhir/Patient", "{}", content_type="application/fhir+json")
    assert write.status_code in (403, 405)
    assert json.loads(write.content)["resourceType"] == "OperationOutcome"
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_scopes_are_asked_for_when_the_token_is_issued(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE, password="Pw-test-12345")
    client = Client()
    body = {"username": user.username, "password": "Pw-test-12345", "scope": "user/*.read"}
    response = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert (response.status_code, response.json()["scope"]) == (200, "user/*.read")
    assert ApiToken.objects.get(user=user).scopes == "user/*.read"
    body["scope"] = "user/*.write"
    refused = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_scope")
    assert ApiToken.objects.filter(user=user).count() == 1
    # without a scope: as before, the token acts as its user
    del body["scope"]
    plain = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert (plain.status_code, plain.json()["scope"]) == (200, "")
