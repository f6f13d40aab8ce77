"""`/` sends each role to its worklist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from corsia.accounts.domain.roles import ROLE_LANDING, Role
from corsia.testing.accounts import MakeUser

# The worklist each role expects (written out, not read from the code under test).
EXPECTED = {
    Role.PHYSICIAN: "prescribing:worklist",
    Role.PHARMACIST: "compounding:workplan",
    Role.TECHNICIAN: "compounding:workplan",
    Role.NURSE: "administration:worklist",
    Role.COORDINATOR: "patients:search",
    Role.IT_STAFF: "accounts:users",
    Role.TRIAL_MONITOR: "regimens:trials",
    Role.AUDITOR: "audit:access_log",
    Role.ADMINISTRATOR: "accounts:users",
}


def _resolves(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role", list(Role))
def test_root_redirects_each_role_to_its_worklist(make_user: MakeUser, role: Role) -> None:
    # given a user of the role who logs in with their password
    make_user(role, username=f"u.{role.value}", password="Giusta-pass-2024")
    client = Client()
    login = client.post("/login/", {"username": f"u.{role.value}", "password": "Giusta-pass-2024"})
    assert login["Location"] == "/"
    # when they open /
    response = client.get("/")
    # then they are sent to the role's worklist
    assert response.status_code == 302
    assert ROLE_LANDING[role] == EXPECTED[role]
    target = _resolves(EXPECTED[role])
    if target is not None:
        assert response["Location"] == target
    else:
        # the worklist's module is not installed in this build: the one page every
        # user has is used instead (and the mapping above still names the worklist)
        assert response["Location"] == reverse("accounts:password_change")


def test_user_without_a_role_lands_on_the_password_page(make_user: MakeUser) -> None:
    make_user(None, username="senza.ruolo", password="Giusta-pass-2024")
    client = Client()
    client.post("/login/", {"username": "senza.ruolo", "password": "Giusta-pass-2024"})
    assert client.get("/")["Location"] == "/password/"


def test_anonymous_root_goes_to_login(db: None) -> None:
    assert Client().get("/")["Location"] == "/login/?next=/"
