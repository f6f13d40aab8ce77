"""What page views and API calls read from a request: a number typed in a query string;
who acts or reads, from where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from corsia.accounts.models import User
from corsia.core.domain.errors import PermissionRefused
from corsia.core.web import acting, query_int, reading, viewing


def test_a_typed_number_is_clamped_to_its_range() -> None:
    assert query_int("7", 3, low=1, high=14) == 7
    assert query_int("0", 3, low=1, high=14) == 1
    assert query_int("99", 3, low=1, high=14) == 14


def test_an_empty_or_malformed_number_gives_the_default() -> None:
    assert query_int(None, 3, low=1, high=14) == 3
    assert query_int("", 3, low=1, high=14) == 3
    assert query_int("tre", 3, low=1, high=14) == 3


def test_a_request_gives_the_actor_and_workstation_as_keyword_arguments() -> None:
    # given a signed-in user's request from a workstation
    user = User(username="medico")
    request = RequestFactory().get("/")
    request.user = user
    request.workstation = "ONC-PC01"  # type: ignore[attr-defined]  # the middleware's attribute
    # then a service, a page's read and an API read take them under their own names
    assert acting(request) == {"actor": user, "workstation": "ONC-PC01"}
    assert viewing(request) == {"user": user, "workstation": "ONC-PC01"}
    assert reading(request) == {"user": user, "workstation": "ONC-PC01", "channel": "api"}


def test_an_anonymous_request_is_refused_before_any_read() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionRefused):
        reading(request)
