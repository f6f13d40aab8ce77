"""Regression tests for the authentication holes of issue 26: an Authorization header
borrowing a session (skipping its inactivity timeout and password expiry), and API tokens
outliving a password change or reset."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from corsia.accounts import services
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, User
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser, logged_in

LAST_ACTIVITY = "corsia_last_activity"


def _session(user: User) -> Client:
    return logged_in(user)


def _idle(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY] = time.time() - seconds
    session.save()


def _is_problem(response: Any, status: int, code: str) -> bool:
    return bool(
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["code"] == code
    )


@pytest.mark.parametrize("header", ["Bearer x", "Bearer ", "bearer made-up", "Basic dXNlcjpwdw=="])
def test_bearer_header_does_not_borrow_the_session(make_user: MakeUser, header: str) -> None:
    # given a signed-in page session
    client = _session(make_user(Role.PHYSICIAN))
    assert client.get("/api/v1/auth/me").status_code == 200
    # when an API call carries a made-up Authorization header beside the session cookie
    response = client.get("/api/v1/auth/me", headers={"Authorization": header})
    # then the header alone decides: 401 problem+json, the session is not used
    assert _is_problem(response, 401, "not_authenticated")


def _idle_nurse(make_user: MakeUser, settings: Settings) -> Client:
    """A nurse's page session idle for 601 s under a 600 s inactivity timeout."""
    settings.CORSIA_INACTIVITY_TIMEOUT_SECONDS = 600
    client = _session(make_user(Role.NURSE))
    client.get("/password/")
    _idle(client, 601)
    return client


def test_bearer_header_does_not_skip_the_inactivity_timeout(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _idle_nurse(make_user, settings)
    # a page with a bearer header is a session request: the idle session is logged out
    page = client.get("/password/", headers={"Authorization": "Bearer x"})
    assert (page.status_code, page["Location"]) == (302, "/login/?next=/password/")
    assert "_auth_user_id" not in client.session


def test_bearer_header_does_not_skip_the_inactivity_timeout_on_the_api(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _idle_nurse(make_user, settings)
    response = client.get("/api/v1/patients/wards", headers={"Authorization": "Bearer x"})
    assert _is_problem(response, 401, "not_authenticated")


def _password_expired(user: User, settings: Settings) -> User:
    """``user``'s password changed 91 days ago, under a 90-day maximum age."""
    settings.CORSIA_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    return user


def test_bearer_header_does_not_skip_password_expiry(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _session(_password_expired(make_user(Role.PHYSICIAN), settings))
    page = client.get("/patients/", headers={"Authorization": "Bearer x"})
    assert (page.status_code, page["Location"]) == (302, "/password/")
    api = client.get("/api/v1/patients/wards", headers={"Authorization": "Bearer x"})
    assert _is_problem(api, 401, "not_authenticated")


def test_token_of_a_user_whose_password_expired_is_refused(
    make_user: MakeUser, settings: Settings
) -> None:
    user = make_user(Role.PHYSICIAN)
    key, _ = services.token_issue(user=user)
    _password_expired(user, settings)
    response = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert _is_problem(response, 401, "not_authenticated")


def test_api_tokens_are_revoked_when_the_password_is_changed(make_user: MakeUser) -> None:
    # given a user with a live token
    user = make_user(Role.PHYSICIAN, password="Vecchia-pass-2024")
    key, _ = services.token_issue(user=user)
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert bearer.get("/api/v1/auth/me").status_code == 200
    # when they change their password on the page
    response = _session(user).post(
        "/password/",
        {
            "old_password": "Vecchia-pass-2024",
            "new_password1": "Nuova-pass-2025-xy",
            "new_password2": "Nuova-pass-2025-xy",
        },
    )
    assert response.status_code == 302
    # then the token no longer works, and the revocation is in the audit trail
    assert _is_problem(bearer.get("/api/v1/auth/me"), 401, "not_authenticated")
    assert not ApiToken.objects.filter(user=user, revoked_at=None).exists()
    event = AuditEvent.objects.get(event_type="accounts.password_changed")
    assert event.after == {"by_self": True, "tokens_revoked": 1}


def test_api_tokens_are_revoked_when_the_password_is_reset(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    user = make_user(Role.PHARMACIST)
    key, _ = services.token_issue(user=user)
    services.token_issue(user=user)
    services.user_set_password(actor=it, user=user, password="Reimpostata-2025", workstation=None)
    response = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert _is_problem(response, 401, "not_authenticated")
    assert ApiToken.objects.filter(user=user, revoked_at=None).count() == 0
    event = AuditEvent.objects.get(event_type="accounts.password_changed")
    assert event.after is not None and event.after["tokens_revoked"] == 2
