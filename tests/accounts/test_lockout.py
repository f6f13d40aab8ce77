"""Account lock after repeated failures (django-axes), for the login page and the API."""

from __future__ import annotations

from django.test import Client
from pytest_django.fixtures import Settings

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser

PASSWORD = "Giusta-pass-2024"


def _page_login(client: Client, password: str) -> int:
    return client.post("/login/", {"username": "inf.rossi", "password": password}).status_code


def _api_login(password: str) -> Client:
    client = Client()
    client.response = client.post(  # type: ignore[attr-defined]  # kept for the assertions
        "/api/v1/auth/token",
        {"username": "inf.rossi", "password": password},
        content_type="application/json",
    )
    return client


def test_page_login_locks_the_account_after_n_failures(
    make_user: MakeUser, settings: Settings
) -> None:
    # given a limit of 3 failures
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    client = Client()
    # when the password is wrong twice: ordinary refusals
    assert [_page_login(client, "sbagliata") for _ in range(2)] == [200, 200]
    # the third failure locks the account
    assert _page_login(client, "sbagliata") == 429
    # then even the right password is refused, from another PC too, with the lock page
    other = Client(REMOTE_ADDR="10.9.9.9")
    locked = other.post("/login/", {"username": "inf.rossi", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Account bloccato" in locked.content.decode()
    assert "_auth_user_id" not in other.session
    # and the failures are in the audit trail, the last ones marked as locked
    failed = AuditEvent.objects.filter(event_type="accounts.login_failed").order_by("id")
    assert [e.after["locked_out"] for e in failed if e.after] == [False, False, True, True]
    assert not AuditEvent.objects.filter(event_type="accounts.login_succeeded").exists()


def test_api_token_endpoint_counts_failures_and_answers_account_locked(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    # two wrong passwords: 401 invalid_credentials
    for _ in range(2):
        response = _api_login("sbagliata").response  # type: ignore[attr-defined]
        assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    # the third: the account is locked
    third = _api_login("sbagliata").response  # type: ignore[attr-defined]
    assert third.status_code == 429
    assert third["Content-Type"] == "application/problem+json"
    assert third.json()["code"] == "account_locked"
    # the right password is refused while locked, and no token is issued
    right = _api_login(PASSWORD).response  # type: ignore[attr-defined]
    assert right.status_code == 429
    assert right.json()["code"] == "account_locked"
    assert right.json()["retry_after_minutes"] == 30
    assert not ApiToken.objects.exists()


def test_failures_on_the_api_and_the_page_add_up(make_user: MakeUser, settings: Settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    assert _api_login("sbagliata").response.status_code == 401  # type: ignore[attr-defined]
    assert _page_login(Client(), "sbagliata") == 429
    assert _api_login(PASSWORD).response.status_code == 429  # type: ignore[attr-defined]


def test_a_success_before_the_limit_resets_the_count(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    client = Client()
    assert [_page_login(client, "sbagliata") for _ in range(2)] == [200, 200]
    assert _page_login(client, PASSWORD) == 302
    assert [_page_login(Client(), "sbagliata") for _ in range(2)] == [200, 200]
    assert _page_login(Client(), PASSWORD) == 302


def test_lock_of_one_account_does_not_lock_another_on_the_same_pc(
    make_user: MakeUser, settings: Settings
) -> None:
    # a ward PC is shared: locking is per account, not per address
    settings.AXES_FAILURE_LIMIT = 2
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    make_user(Role.NURSE, username="inf.verdi", password=PASSWORD)
    client = Client()
    assert [_page_login(client, "sbagliata") for _ in range(2)] == [200, 429]
    response = client.post("/login/", {"username": "inf.verdi", "password": PASSWORD})
    assert response.status_code == 302
