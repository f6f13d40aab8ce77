"""Regression tests: IT staff can no longer make themselves clinicians (issue 26).

A password somebody else chose (a new account, a reset) must be changed at first use and
gets no API token before; granting a role takes a reason and a second user manager's
approval — pages, services and API."""

from __future__ import annotations

import pytest
from django.test import Client

from corsia.accounts import role_requests, services
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, RoleRequest, User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.testing.accounts import MakeUser, logged_in

TEMPORARY = "Scelta-da-IT-2025"


def _roles(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _session(user: User) -> Client:
    return logged_in(user)


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def _new_physician(it: User) -> User:
    return services.user_create(
        actor=it,
        username="dr.nuovo",
        first_name="Dario",
        last_name="Nuovo",
        roles=[Role.PHYSICIAN],
        reason="nuovo medico del reparto",
        password=TEMPORARY,
        workstation=None,
    )


def test_it_staff_cannot_create_a_usable_physician_account_alone(make_user: MakeUser) -> None:
    # given IT staff creating a physician with a password of their choosing
    it = make_user(Role.IT_STAFF)
    physician = _new_physician(it)
    # then the account holds no role until somebody else approves it
    assert _roles(physician) == []
    assert RoleRequest.objects.get(user=physician).state == "pending"
    # and signing in with the chosen password leads only to the password change page
    client = _sign_in("dr.nuovo", TEMPORARY)
    patients = client.get("/patients/")
    assert (patients.status_code, patients["Location"]) == (302, "/password/")
    api = client.get("/api/v1/patients/wards")
    assert (api.status_code, api.json()["code"]) == (403, "password_change_required")
    # and no API token is given for it
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "dr.nuovo", "password": TEMPORARY},
        content_type="application/json",
    )
    assert (token.status_code, token.json()["code"]) == (403, "password_change_required")
    assert not ApiToken.objects.filter(user=physician).exists()


def test_it_staff_cannot_approve_their_own_role_request(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    physician = _new_physician(it)
    pending = RoleRequest.objects.get(user=physician)
    with pytest.raises(PermissionRefused) as refused:
        role_requests.role_request_approve(actor=it, request_id=pending.pk, workstation=None)
    assert refused.value.code == "own_request"
    assert _roles(physician) == []
    # nor through the page
    response = _session(it).post(f"/accounts/role-requests/{pending.pk}/approve/", follow=True)
    assert "serve un&#x27;altra persona" in response.content.decode()
    assert _roles(physician) == []
    assert RoleRequest.objects.get(pk=pending.pk).state == "pending"


def test_nobody_approves_a_role_request_for_themselves(make_user: MakeUser) -> None:
    # given an IT staff member for whom a colleague asks the administrator role
    colleague = make_user(Role.IT_STAFF)
    it = make_user(Role.IT_STAFF)
    pending = services.user_set_roles(
        actor=colleague,
        user_id=it.pk,
        roles=[Role.IT_STAFF, Role.ADMINISTRATOR],
        reason="responsabile",
        workstation=None,
    )
    assert pending is not None
    with pytest.raises(PermissionRefused) as refused:
        role_requests.role_request_approve(actor=it, request_id=pending.pk, workstation=None)
    assert refused.value.code == "own_roles"
    assert _roles(it) == ["it_staff"]


def test_a_second_user_manager_approves_and_both_are_audited(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    admin = make_user(Role.ADMINISTRATOR)
    physician = _new_physician(it)
    pending = RoleRequest.objects.get(user=physician)
    role_requests.role_request_approve(actor=admin, request_id=pending.pk, workstation=None)
    assert _roles(physician) == ["physician"]
    decided = RoleRequest.objects.get(pk=pending.pk)
    assert (decided.state, decided.decided_by_id) == ("approved", admin.pk)
    trail = list(
        AuditEvent.objects.filter(target_id=str(physician.pk))
        .order_by("id")
        .values_list("event_type", "actor_id", "reason")
    )
    assert trail == [
        ("accounts.user_created", it.pk, ""),
        ("accounts.roles_requested", it.pk, "nuovo medico del reparto"),
        ("accounts.roles_request_approved", admin.pk, "nuovo medico del reparto"),
        ("accounts.user_roles_changed", admin.pk, "nuovo medico del reparto"),
    ]
    with pytest.raises(ConflictError):
        role_requests.role_request_approve(
            actor=make_user(Role.ADMINISTRATOR), request_id=pending.pk, workstation=None
        )


def test_granting_a_role_needs_a_reason(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    nurse = make_user(Role.NURSE)
    before = (AuditEvent.objects.count(), RoleRequest.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.user_set_roles(
            actor=it, user_id=nurse.pk, roles=[Role.NURSE, Role.PHYSICIAN], workstation=None
        )
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert (AuditEvent.objects.count(), RoleRequest.objects.count()) == before
    assert _roles(nurse) == ["nurse"]


def test_removing_a_role_applies_at_once(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    user = make_user(Role.NURSE)
    assert services.user_set_roles(actor=it, user_id=user.pk, roles=[], workstation=None) is None
    assert _roles(user) == []


def test_a_stale_role_request_is_refused(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    user = make_user(Role.NURSE)
    pending = services.user_set_roles(
        actor=it,
        user_id=user.pk,
        roles=[Role.NURSE, Role.COORDINATOR],
        reason="coordinatrice",
        workstation=None,
    )
    assert pending is not None
    services.user_set_roles(actor=it, user_id=user.pk, roles=[], workstation=None)
    with pytest.raises(ConflictError) as refused:
        role_requests.role_request_approve(
            actor=make_user(Role.ADMINISTRATOR), request_id=pending.pk, workstation=None
        )
    assert refused.value.code == "role_request_stale"
    assert _roles(user) == []


def test_rejecting_a_role_request_needs_a_reason(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    admin = make_user(Role.ADMINISTRATOR)
    physician = _new_physician(it)
    pending = RoleRequest.objects.get(user=physician)
    with pytest.raises(ValidationFailed):
        role_requests.role_request_reject(
            actor=admin, request_id=pending.pk, reason=" ", workstation=None
        )
    role_requests.role_request_reject(
        actor=admin, request_id=pending.pk, reason="non è del reparto", workstation=None
    )
    assert RoleRequest.objects.get(pk=pending.pk).state == "rejected"
    assert _roles(physician) == []
    event = AuditEvent.objects.get(event_type="accounts.roles_request_rejected")
    assert (event.actor_id, event.reason) == (admin.pk, "non è del reparto")


def test_reset_password_must_be_changed_at_first_use(make_user: MakeUser) -> None:
    # given a physician whose password IT staff reset
    it = make_user(Role.IT_STAFF)
    physician = make_user(Role.PHYSICIAN, username="dr.reset")
    _session(it).post(f"/accounts/users/{physician.pk}/password/", {"password": TEMPORARY})
    assert User.objects.get(pk=physician.pk).must_change_password
    # when the physician signs in: only the change page, no token
    client = _sign_in("dr.reset", TEMPORARY)
    worklist = client.get("/patients/")
    assert (worklist.status_code, worklist["Location"]) == (302, "/password/")
    page = client.get("/password/")
    assert "impostata da un altro utente" in page.content.decode()
    refused = Client().post(
        "/api/v1/auth/token",
        {"username": "dr.reset", "password": TEMPORARY},
        content_type="application/json",
    )
    assert refused.status_code == 403
    # once changed, the account works again, tokens included
    changed = client.post(
        "/password/",
        {
            "old_password": TEMPORARY,
            "new_password1": "Mia-pass-2025-xyz",
            "new_password2": "Mia-pass-2025-xyz",
        },
    )
    assert changed.status_code == 302
    assert not User.objects.get(pk=physician.pk).must_change_password
    assert client.get("/patients/").status_code == 200
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "dr.reset", "password": "Mia-pass-2025-xyz"},
        content_type="application/json",
    )
    assert token.status_code == 200


def test_role_requests_through_the_api(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    admin = make_user(Role.ADMINISTRATOR)
    nurse = make_user(Role.NURSE)

    def api(user: User) -> Client:
        key, _ = services.token_issue(user=user)
        return Client(headers={"Authorization": f"Bearer {key}"})

    asked = api(it).put(
        f"/api/v1/auth/users/{nurse.pk}/roles",
        {"roles": ["nurse", "physician"], "reason": "specializzanda"},
        content_type="application/json",
    )
    assert asked.status_code == 200
    body = asked.json()
    assert (body["applied"], body["roles"]) == (False, ["nurse"])
    request_id = body["request"]["id"]
    listed = api(admin).get("/api/v1/auth/role-requests").json()
    assert [r["id"] for r in listed] == [request_id]
    own = api(it).post(f"/api/v1/auth/role-requests/{request_id}/approve")
    assert (own.status_code, own.json()["code"]) == (403, "own_request")
    approved = api(admin).post(f"/api/v1/auth/role-requests/{request_id}/approve")
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    assert _roles(nurse) == ["nurse", "physician"]
