"""Automatic logout after inactivity (InactivityLogoutMiddleware)."""

from __future__ import annotations

import time

from django.test import Client
from pytest_django.fixtures import Settings

from corsia.accounts import services
from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser, logged_in

KEY = "corsia_last_activity"


def _idle(client: Client, seconds: float) -> None:
    session = client.session
    session[KEY] = time.time() - seconds
    session.save()


def _signed_in(make_user: MakeUser, settings: Settings, timeout: int = 600) -> Client:
    settings.CORSIA_INACTIVITY_TIMEOUT_SECONDS = timeout
    return logged_in(make_user(Role.NURSE, username="inf"))


def test_activity_within_the_timeout_keeps_the_session(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _signed_in(make_user, settings)
    assert client.get("/password/").status_code == 200
    _idle(client, 590)
    assert client.get("/password/").status_code == 200
    # and the request refreshed the clock
    assert time.time() - client.session[KEY] < 5


def test_idle_page_session_is_logged_out_with_a_message(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _signed_in(make_user, settings)
    client.get("/password/")
    _idle(client, 601)
    response = client.get("/password/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/password/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Sessione scaduta per inattività" in page.content.decode()
    logout = AuditEvent.objects.get(event_type="accounts.logged_out")
    assert logout.after == {"cause": "inactivity"}


def test_idle_htmx_request_is_sent_to_login_by_header(
    make_user: MakeUser, settings: Settings
) -> None:
    client = _signed_in(make_user, settings)
    client.get("/password/")
    _idle(client, 601)
    response = client.get("/password/", headers={"HX-Request": "true"})
    assert (response.status_code, response["HX-Redirect"]) == (204, "/login/")


def test_idle_session_on_the_api_is_a_401_problem(make_user: MakeUser, settings: Settings) -> None:
    client = _signed_in(make_user, settings)
    client.get("/api/v1/auth/me")
    _idle(client, 601)
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_bearer_token_requests_are_not_affected(make_user: MakeUser, settings: Settings) -> None:
    # given an integration calling with a token, on a client that also holds an idle session
    settings.CORSIA_INACTIVITY_TIMEOUT_SECONDS = 60
    user = make_user(Role.NURSE, username="integrazione")
    key, _ = services.token_issue(user=user)
    client = logged_in(user)
    client.get("/password/")
    _idle(client, 3600)
    stamp = client.session[KEY]
    # when it calls the API with the token
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    # then the call works, and the page session is neither ended nor refreshed
    assert response.status_code == 200
    assert client.session[KEY] == stamp
    assert "_auth_user_id" in client.session


def test_zero_timeout_disables_the_logout(make_user: MakeUser, settings: Settings) -> None:
    client = _signed_in(make_user, settings, timeout=0)
    _idle(client, 10**6)
    assert client.get("/password/").status_code == 200


def test_explicit_logout_is_audited(make_user: MakeUser, settings: Settings) -> None:
    client = _signed_in(make_user, settings)
    assert client.post("/logout/")["Location"] == "/login/"
    assert AuditEvent.objects.get(event_type="accounts.logged_out").after == {"cause": "user"}
