"""API tokens: IT staff list and revoke anyone's; issue and revoke are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from corsia.accounts import services
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_it_staff_lists_and_revokes_another_users_token(make_user: MakeUser) -> None:
    # given a nurse with a token, and an IT staff member with theirs
    nurse = make_user(Role.NURSE, username="inf.bianchi")
    nurse_key, nurse_token = services.token_issue(user=nurse)
    it_key, _ = services.token_issue(user=make_user(Role.IT_STAFF, username="it.conti"))
    client = Client()
    # when IT lists the nurse's tokens
    listed = client.get("/api/v1/auth/tokens?username=inf.bianchi", headers=_bearer(it_key))
    # then they see it, without the key
    assert listed.status_code == 200
    [row] = listed.json()
    assert (row["id"], row["username"], row["prefix"]) == (
        nurse_token.pk,
        "inf.bianchi",
        nurse_key[:8],
    )
    assert nurse_key not in listed.content.decode()
    # when they revoke it
    revoked = client.post(f"/api/v1/auth/tokens/{nurse_token.pk}/revoke", headers=_bearer(it_key))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    # then the nurse's token stops working and the revocation is audited
    assert client.get("/api/v1/auth/me", headers=_bearer(nurse_key)).status_code == 401
    event = AuditEvent.objects.get(event_type="accounts.token_revoked")
    assert (event.actor_username, event.after) == (
        "it.conti",
        {"prefix": nurse_key[:8], "owner": "inf.bianchi"},
    )
    # revoking twice is a conflict; active=true no longer lists it
    again = client.post(f"/api/v1/auth/tokens/{nurse_token.pk}/revoke", headers=_bearer(it_key))
    assert (again.status_code, again.json()["code"]) == (409, "token_already_revoked")
    active = client.get(
        "/api/v1/auth/tokens?username=inf.bianchi&active=true", headers=_bearer(it_key)
    )
    assert active.json() == []


def test_missing_token_is_404_for_it_staff(make_user: MakeUser) -> None:
    it_key, _ = services.token_issue(user=make_user(Role.IT_STAFF))
    response = Client().post("/api/v1/auth/tokens/999999/revoke", headers=_bearer(it_key))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.IT_STAFF, Role.ADMINISTRATOR)])
def test_other_roles_cannot_list_or_revoke_tokens(make_user: MakeUser, role: Role) -> None:
    _, victim = services.token_issue(user=make_user(Role.NURSE))
    key, _ = services.token_issue(user=make_user(role))
    before = AuditEvent.objects.count()
    client = Client()
    listed = client.get("/api/v1/auth/tokens", headers=_bearer(key))
    revoked = client.post(f"/api/v1/auth/tokens/{victim.pk}/revoke", headers=_bearer(key))
    assert (listed.status_code, revoked.status_code) == (403, 403)
    assert revoked["Content-Type"] == "application/problem+json"
    assert revoked.json()["code"] == "permission_denied"
    assert ApiToken.objects.get(pk=victim.pk).revoked_at is None
    assert AuditEvent.objects.count() == before


def test_issue_and_self_revoke_are_audited(make_user: MakeUser) -> None:
    make_user(Role.PHARMACIST, username="farm", password="Giusta-pass-2024")
    client = Client(REMOTE_ADDR="10.4.4.4")
    issued = client.post(
        "/api/v1/auth/token",
        {"username": "farm", "password": "Giusta-pass-2024"},
        content_type="application/json",
    )
    key = issued.json()["token"]
    assert client.delete("/api/v1/auth/token", headers=_bearer(key)).status_code == 204
    events = list(AuditEvent.objects.filter(event_type__startswith="accounts.token").order_by("id"))
    assert [(e.event_type, e.actor_username, e.workstation) for e in events] == [
        ("accounts.token_issued", "farm", "10.4.4.4"),
        ("accounts.token_revoked", "farm", "10.4.4.4"),
    ]
    assert events[0].after is not None and events[0].after["prefix"] == key[:8]


def test_login_success_and_failure_are_audited(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE, username="inf", password="Giusta-pass-2024")
    client = Client()
    client.post("/login/", {"username": "inf", "password": "sbagliata"})
    client.post("/login/", {"username": "nessuno", "password": "x"})
    client.post("/login/", {"username": "inf", "password": "Giusta-pass-2024"})
    events = [
        (e.event_type, e.actor_id, e.after)
        for e in AuditEvent.objects.filter(event_type__startswith="accounts.log").order_by("id")
    ]
    assert events == [
        ("accounts.login_failed", nurse.pk, {"username": "inf", "locked_out": False}),
        ("accounts.login_failed", None, {"username": "nessuno", "locked_out": False}),
        ("accounts.login_succeeded", nurse.pk, None),
    ]
