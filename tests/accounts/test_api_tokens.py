from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken
from corsia.testing.accounts import MakeUser, logged_in


def _token(client: Client, username: str, password: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def test_token_grants_access_until_revoked(make_user: MakeUser) -> None:
    # given a physician and a token issued for them
    make_user(Role.PHYSICIAN, username="dr.test", password="Pw-test-12345")
    client = Client()
    token = _token(client, "dr.test", "Pw-test-12345")
    auth = {"Authorization": f"Bearer {token}"}
    # when they call the API with it
    me = client.get("/api/v1/auth/me", headers=auth)
    # then they are recognised with their role
    assert me.status_code == 200
    assert me.json()["username"] == "dr.test"
    assert me.json()["roles"] == ["physician"]
    # and once revoked the token no longer works
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    refused = client.get("/api/v1/auth/me", headers=auth)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "not_authenticated"
    assert ApiToken.objects.get().revoked_at is not None


def test_expired_token_is_refused(make_user: MakeUser) -> None:
    make_user(Role.NURSE, username="nurse.test", password="Pw-test-12345")
    client = Client()
    token = _token(client, "nurse.test", "Pw-test-12345")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.django_db
def test_wrong_password_gets_problem_json_and_no_token() -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "nobody", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_missing_field_is_a_422_naming_the_field() -> None:
    response = Client().post(
        "/api/v1/auth/token", {"username": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["field"] == "password"


def test_openapi_schema_is_served(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.NURSE))
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/auth/token" in response.json()["paths"]
