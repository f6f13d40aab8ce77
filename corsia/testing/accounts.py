"""Types of the project's factory fixtures (conftest.py), for annotating tests, and the
test clients of a signed-in user."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User

MakeUser = Callable[..., User]


def role_user(role: Role, username: str | None = None) -> Any:
    """A fixture, named by the conftest name it is assigned to: the user of ``role`` called
    ``username`` (``physician = role_user(Role.PHYSICIAN, "dr_verdi")``; None: the
    factory's ``user<n>``)."""

    def user(make_user: MakeUser) -> User:
        return make_user(role, username=username)

    return pytest.fixture(user)


def full_name(user: User) -> str:
    """How a page or a print names ``user``: the full name, else the username."""
    return user.get_full_name() or user.username


def logged_in(user: User) -> Client:
    """A test client with ``user`` signed in (the pages)."""
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: Any = None) -> tuple[int, Any]:
    """POST ``body`` (nothing: ``{}``) as JSON to ``url``: the status and the JSON answer."""
    response = client.post(
        url, json.dumps({} if body is None else body), content_type="application/json"
    )
    return response.status_code, response.json()


def api_client(user: User) -> Client:
    """A client carrying a fresh API token of ``user`` (the API)."""
    from corsia.accounts.services import token_issue

    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


def assert_permission_refused(response: Any) -> None:
    """An API answer refusing the act for want of its permission: 403 problem+json,
    ``permission_denied``."""
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission_denied"
