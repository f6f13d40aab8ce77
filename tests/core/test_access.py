"""Declared access control: page decorators and API operations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from ninja import NinjaAPI, Router, Schema
from ninja.testing import TestClient

from corsia.accounts.domain.roles import Role
from corsia.core.access import (
    AUTHENTICATED,
    PUBLIC,
    api_perm,
    declared_permission,
    login_only,
    public,
    require_perm,
)
from corsia.core.domain.errors import CorsiaError, PermissionRefused
from corsia.core.problems import problem_from_error
from corsia.testing.accounts import MakeUser

CALLS: list[str] = []


@require_perm("patients.view_patient")
def guarded(request: HttpRequest, pk: int) -> HttpResponse:
    CALLS.append(f"guarded {pk}")
    return HttpResponse("ok")


@login_only
def any_user(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@public
def open_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@api_perm("accounts.manage_users")
def operation(request: HttpRequest) -> str:
    return "done"


def _request(user: object) -> HttpRequest:
    request = RequestFactory().get("/pazienti/7/?tab=1")
    request.user = user  # type: ignore[assignment]  # a user or AnonymousUser
    return request


def test_declarations_are_readable_through_decorators() -> None:
    assert declared_permission(guarded) == "patients.view_patient"
    assert declared_permission(any_user) == AUTHENTICATED
    assert declared_permission(open_page) == PUBLIC
    assert declared_permission(operation) == "accounts.manage_users"
    assert declared_permission(lambda request: None) is None


def test_anonymous_is_sent_to_login_with_next(db: None) -> None:
    CALLS.clear()
    response = guarded(_request(AnonymousUser()), pk=7)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/pazienti/7/%3Ftab%3D1"
    assert login_only(any_user)(_request(AnonymousUser())).status_code == 302
    assert CALLS == []


def test_missing_permission_is_403_before_the_view_runs(make_user: MakeUser) -> None:
    CALLS.clear()
    with pytest.raises(PermissionDenied):
        guarded(_request(make_user(Role.IT_STAFF)), pk=999999)
    assert CALLS == []


def test_holder_of_the_permission_reaches_the_view(make_user: MakeUser) -> None:
    CALLS.clear()
    assert guarded(_request(make_user(Role.NURSE)), pk=7).status_code == 200
    assert CALLS == ["guarded 7"]
    assert any_user(_request(make_user(Role.TRIAL_MONITOR))).status_code == 200


def test_public_page_is_open_to_anonymous() -> None:
    assert open_page(_request(AnonymousUser())).status_code == 200


def test_api_operation_refuses_with_a_problem_error(make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused) as refused:
        operation(_request(make_user(Role.NURSE)))
    assert refused.value.status == 403
    assert refused.value.details == {"permission": "accounts.manage_users"}
    assert operation(_request(make_user(Role.IT_STAFF))) == "done"


class _Body(Schema):
    quantity: int


_THINGS: list[int] = []
_things_router = Router()


@_things_router.post("/things", auth=None)
@api_perm("accounts.manage_users")
def _create_thing(request: HttpRequest, payload: _Body) -> int:
    _THINGS.append(payload.quantity)
    return payload.quantity


def _problem(request: HttpRequest, exc: object) -> HttpResponse:
    assert isinstance(exc, CorsiaError)
    return problem_from_error(request, exc)


def test_api_permission_is_checked_before_the_input_is_validated(make_user: MakeUser) -> None:
    test_api = NinjaAPI(urls_namespace="access-test")
    test_api.add_exception_handler(CorsiaError, _problem)
    test_api.add_router("/", _things_router)
    client = TestClient(test_api)
    _THINGS.clear()
    # a role without the permission gets 403 even with an invalid body (not 422)
    denied = client.post("/things", json={"quantity": "many"}, user=make_user(Role.NURSE))
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    # the holder gets the validation error, then the result
    holder = make_user(Role.IT_STAFF)
    assert client.post("/things", json={"quantity": "many"}, user=holder).status_code == 422
    assert client.post("/things", json={"quantity": 3}, user=holder).json() == 3
    assert _THINGS == [3]
