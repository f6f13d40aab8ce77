"""Services for user and role management (used by the administration pages)."""

from __future__ import annotations

import pytest
from django.core.checks import Error, Warning
from pytest_django.fixtures import Settings

from corsia.accounts import role_requests, services
from corsia.accounts.checks import check_ldap_settings
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, RoleRequest, User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.testing.accounts import MakeUser


def _counts() -> tuple[int, int, int]:
    return (
        User.objects.count(),
        AuditEvent.objects.count(),
        ApiToken.objects.filter(revoked_at=None).count(),
    )


def _roles(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def test_it_staff_creates_a_user_with_roles(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    user = services.user_create(
        actor=it,
        username=" g.neri ",
        first_name="Giulia",
        last_name="Neri",
        roles=["physician", Role.COORDINATOR],
        reason="nuova assunzione",
        password="Prima-pass-2024",
        badge_code="B-77",
        tax_code="nrigli80a41h501u",
        workstation=None,
    )
    assert (user.username, user.tax_code, user.badge_code) == ("g.neri", "NRIGLI80A41H501U", "B-77")
    assert user.check_password("Prima-pass-2024")
    event = AuditEvent.objects.get(event_type="accounts.user_created")
    assert (event.actor_id, event.target_id) == (it.pk, str(user.pk))
    assert event.after == {"username": "g.neri", "roles": []}
    # the roles wait for a second user manager's approval (four eyes)
    assert _roles(user) == []
    pending = RoleRequest.objects.get(user=user)
    role_requests.role_request_approve(
        actor=make_user(Role.ADMINISTRATOR), request_id=pending.pk, workstation=None
    )
    assert _roles(user) == ["coordinator", "physician"]


def test_directory_user_is_created_without_a_usable_password(make_user: MakeUser) -> None:
    user = services.user_create(
        actor=make_user(Role.ADMINISTRATOR),
        username="ad.user",
        first_name="A",
        last_name="D",
        roles=[Role.NURSE],
        reason="assunzione",
        workstation=None,
    )
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"username": "  "}, ValidationFailed, "username"),
        ({"username": "USER1"}, ConflictError, "username"),  # clashes with the actor "user1"
        ({"roles": ["surgeon"]}, ValidationFailed, "roles"),
        ({"password": "corta"}, ValidationFailed, "password"),
    ],
)
def test_bad_user_creation_is_refused_and_changes_nothing(
    make_user: MakeUser,
    kwargs: dict[str, object],
    error: type[Exception],
    field: str,
) -> None:
    it = make_user(Role.IT_STAFF)  # username "user1"
    before = _counts()
    arguments = {
        "username": "nuovo",
        "first_name": "N",
        "last_name": "U",
        "roles": [Role.NURSE],
        "reason": "assunzione",
    } | kwargs
    with pytest.raises(error) as raised:
        services.user_create(actor=it, workstation=None, **arguments)  # type: ignore[arg-type]  # mixed-type kwargs table
    assert getattr(raised.value, "field", None) == field
    assert _counts() == before


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.IT_STAFF, Role.ADMINISTRATOR)])
def test_only_user_managers_may_manage_users(make_user: MakeUser, role: Role) -> None:
    actor = make_user(role)
    target = make_user(Role.NURSE)
    before = (_counts(), _roles(target))
    with pytest.raises(PermissionRefused):
        services.user_create(
            actor=actor, username="x", first_name="x", last_name="x", roles=[], workstation=None
        )
    with pytest.raises(PermissionRefused):
        services.user_set_roles(
            actor=actor, user_id=target.pk, roles=[Role.PHYSICIAN], workstation=None
        )
    with pytest.raises(PermissionRefused):
        services.user_deactivate(actor=actor, user_id=target.pk, reason="x", workstation=None)
    assert (_counts(), _roles(target)) == before


def test_set_roles_replaces_role_groups_and_audits_before_after(make_user: MakeUser) -> None:
    from django.contrib.auth.models import Group

    admin = make_user(Role.ADMINISTRATOR)
    user = make_user(Role.NURSE)
    user.groups.add(Group.objects.create(name="newsletter"))
    pending = services.user_set_roles(
        actor=admin,
        user_id=user.pk,
        roles=[Role.PHYSICIAN, Role.COORDINATOR],
        workstation=None,
        reason="cambio reparto",
    )
    assert pending is not None
    role_requests.role_request_approve(
        actor=make_user(Role.IT_STAFF), request_id=pending.pk, workstation=None
    )
    assert _roles(user) == ["coordinator", "newsletter", "physician"]
    event = AuditEvent.objects.get(event_type="accounts.user_roles_changed")
    assert (event.before, event.after, event.reason) == (
        {"roles": ["nurse"]},
        {"roles": ["coordinator", "physician"]},
        "cambio reparto",
    )
    # the same roles again: nothing to record
    services.user_set_roles(
        actor=admin, user_id=user.pk, roles=["physician", "coordinator"], workstation=None
    )
    assert AuditEvent.objects.filter(event_type="accounts.user_roles_changed").count() == 1


def test_nobody_changes_their_own_roles(make_user: MakeUser) -> None:
    admin = make_user(Role.ADMINISTRATOR)
    with pytest.raises(PermissionRefused) as refused:
        services.user_set_roles(
            actor=admin, user_id=admin.pk, roles=[Role.AUDITOR], workstation=None
        )
    assert refused.value.code == "own_roles"
    assert _roles(admin) == ["administrator"]


def test_deactivation_needs_a_reason_revokes_tokens_and_audits(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    user = make_user(Role.PHARMACIST)
    services.token_issue(user=user)
    before = _counts()
    with pytest.raises(ValidationFailed) as missing:
        services.user_deactivate(actor=it, user_id=user.pk, reason="  ", workstation=None)
    assert missing.value.field == "reason"
    assert _counts() == before
    services.user_deactivate(actor=it, user_id=user.pk, reason="fine contratto", workstation=None)
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user, revoked_at=None).exists()
    event = AuditEvent.objects.get(event_type="accounts.user_deactivated")
    assert (event.reason, event.after) == (
        "fine contratto",
        {"is_active": False, "tokens_revoked": 1},
    )
    with pytest.raises(ConflictError):
        services.user_deactivate(actor=it, user_id=user.pk, reason="di nuovo", workstation=None)
    with pytest.raises(PermissionRefused):
        services.user_deactivate(actor=it, user_id=it.pk, reason="io", workstation=None)


def test_another_users_password_needs_manage_users(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    other = make_user(Role.NURSE)
    with pytest.raises(PermissionRefused):
        services.user_set_password(
            actor=nurse, user=other, password="Nuova-pass-2024", workstation=None
        )
    services.user_set_password(
        actor=make_user(Role.IT_STAFF), user=other, password="Nuova-pass-2024", workstation=None
    )
    other.refresh_from_db()
    assert other.check_password("Nuova-pass-2024")


# --- system check of the directory configuration ---------------------------------------------


def test_system_check_reports_a_bad_role_map(settings: Settings) -> None:
    settings.CORSIA_LDAP_GROUP_ROLE_MAP = "CN=Medici,DC=osp=chirurgo"
    [error] = check_ldap_settings()
    assert isinstance(error, Error)
    assert error.id == "corsia.E001"
    assert "Ruolo sconosciuto 'chirurgo'" in error.msg
    assert "Unknown role 'chirurgo'" in error.msg


def test_system_check_reports_missing_search_bases_and_an_empty_map(settings: Settings) -> None:
    settings.LDAP_SERVER_URI = "ldap://dc.osp.it"
    settings.LDAP_USER_SEARCH_BASE = ""
    settings.LDAP_GROUP_SEARCH_BASE = ""
    settings.CORSIA_LDAP_GROUP_ROLE_MAP = ""
    found = check_ldap_settings()
    assert [(type(m), m.id) for m in found] == [
        (Error, "corsia.E002"),
        (Error, "corsia.E003"),
        (Warning, "corsia.W001"),
    ]


def test_system_check_is_silent_without_ldap(settings: Settings) -> None:
    settings.LDAP_SERVER_URI = ""
    settings.CORSIA_LDAP_GROUP_ROLE_MAP = ""
    assert check_ldap_settings() == []
