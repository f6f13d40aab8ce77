"""The main menu marks exactly one entry as the current page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from corsia.accounts.domain.roles import Role
from corsia.core.navigation import nav_for
from corsia.testing.accounts import MakeUser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/inventory/requirements/", "/inventory/requirements/"),
        ("/inventory/movements/", "/inventory/"),
        ("/inventory/", "/inventory/"),
    ],
)
def test_only_the_longest_matching_entry_is_current(
    make_user: MakeUser, path: str, current: str
) -> None:
    request = RequestFactory().get(path)
    request.user = make_user(Role.PHARMACIST)
    active = [item["url"] for item in nav_for(request) if item["active"]]
    assert active == [current]


def test_a_page_outside_the_menu_marks_nothing(make_user: MakeUser) -> None:
    request = RequestFactory().get("/account/password/")
    request.user = make_user(Role.PHARMACIST)
    assert not any(item["active"] for item in nav_for(request))
