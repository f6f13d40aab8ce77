"""Active Directory login against a real OpenLDAP server (see corsia/testing/ldap_server.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from corsia.accounts.domain.directory import normalize_dn
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.testing import ldap_server
from corsia.testing.accounts import MakeUser
from corsia.testing.ldap_server import LdapServer

pytestmark = [pytest.mark.ldap, pytest.mark.xdist_group("ldap")]


def _login(username: str, password: str = ldap_server.USER_PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    client.last_response = response  # type: ignore[attr-defined]  # kept for the assertions
    return client


def _roles(username: str) -> list[str]:
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_directory_user_logs_in_and_gets_the_mapped_role(
    roles: None, ldap_settings: SettingsWrapper
) -> None:
    # given Mario Rossi, in AD only in the physicians' group (and the unmapped canteen one)
    # when he logs in with his domain credentials
    client = _login("mrossi")
    # then he is signed in, created with the physician role and his directory details
    assert client.last_response.status_code == 302  # type: ignore[attr-defined]
    assert client.last_response["Location"] == "/"  # type: ignore[attr-defined]
    user = User.objects.get(username="mrossi")
    assert _roles("mrossi") == ["physician"]
    assert (user.first_name, user.last_name, user.email) == (
        "Mario",
        "Rossi",
        "mrossi@ospedale.test",
    )
    assert normalize_dn(user.directory_dn) == normalize_dn(ldap_server.ROSSI)
    assert not user.has_usable_password()
    assert client.get("/api/v1/auth/me").json()["roles"] == ["physician"]
    # and the role assignment is in the audit trail
    synced = AuditEvent.objects.get(event_type="accounts.directory_synced")
    assert synced.after == {"roles": ["physician"], "directory_dn": user.directory_dn}


def test_user_in_two_mapped_groups_gets_both_roles(
    roles: None, ldap_settings: SettingsWrapper
) -> None:
    _login("lbianchi")
    assert _roles("lbianchi") == ["pharmacist", "physician"]


def test_removal_from_the_directory_group_removes_the_role_at_next_login(
    roles: None, ldap_settings: SettingsWrapper, slapd: LdapServer
) -> None:
    # given Laura Bianchi logged in once as physician and pharmacist
    _login("lbianchi")
    user = User.objects.get(username="lbianchi")
    # and a Corsia group that is not a role, which the directory must not touch
    other = Group.objects.create(name="newsletter")
    user.groups.add(other)
    # when AD removes her from the pharmacists' group and she logs in again
    slapd.remove_member(ldap_server.PHARMACISTS_GROUP, ldap_server.BIANCHI)
    try:
        client = _login("lbianchi")
    finally:
        slapd.add_member(ldap_server.PHARMACISTS_GROUP, ldap_server.BIANCHI)
    # then she is a physician only; the non-role group is kept
    assert client.last_response.status_code == 302  # type: ignore[attr-defined]
    assert _roles("lbianchi") == ["newsletter", "physician"]
    last = AuditEvent.objects.filter(event_type="accounts.directory_synced").last()
    assert last is not None
    assert last.before == {"roles": ["pharmacist", "physician"]}
    assert last.after is not None and last.after["roles"] == ["physician"]


def test_wrong_directory_password_is_refused_and_creates_nobody(
    roles: None, ldap_settings: SettingsWrapper
) -> None:
    client = _login("mrossi", password="wrong-password")
    response = client.last_response  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert "Nome utente o password non validi." in response.content.decode()
    assert not User.objects.filter(username="mrossi").exists()
    assert "_auth_user_id" not in client.session


def test_directory_user_in_no_mapped_group_is_refused_with_a_clear_message(
    roles: None, ldap_settings: SettingsWrapper
) -> None:
    # given Giorgio Verdi, whose only AD group (canteen) maps to no Corsia role
    client = _login("gverdi")
    response = client.last_response  # type: ignore[attr-defined]
    # then he is refused, told why, and no Corsia account is created
    assert response.status_code == 200
    assert "non è abilitato a Corsia" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="gverdi").exists()


def test_user_removed_from_every_mapped_group_is_refused_and_keeps_his_roles_until_then(
    roles: None, ldap_settings: SettingsWrapper, slapd: LdapServer
) -> None:
    _login("mrossi")
    slapd.remove_member(ldap_server.PHYSICIANS_GROUP, ldap_server.ROSSI)
    try:
        client = _login("mrossi")
    finally:
        slapd.add_member(ldap_server.PHYSICIANS_GROUP, ldap_server.ROSSI)
    assert "_auth_user_id" not in client.session
    assert "non è abilitato a Corsia" in client.last_response.content.decode()  # type: ignore[attr-defined]


def test_malformed_role_map_refuses_directory_login_and_changes_nothing(
    roles: None, ldap_settings: SettingsWrapper
) -> None:
    # given Mario Rossi known as a physician
    _login("mrossi")
    before = (
        _roles("mrossi"),
        AuditEvent.objects.filter(event_type="accounts.directory_synced").count(),
    )
    # when the map names a role that does not exist
    ldap_settings.CORSIA_LDAP_GROUP_ROLE_MAP = f"{ldap_server.PHYSICIANS_GROUP}=surgeon"
    client = _login("mrossi")
    # then the login is refused with an explanation and nothing about him changed
    assert "_auth_user_id" not in client.session
    assert "configurazione dei ruoli non valida" in client.last_response.content.decode()  # type: ignore[attr-defined]
    assert (
        _roles("mrossi"),
        AuditEvent.objects.filter(event_type="accounts.directory_synced").count(),
    ) == before
    # and the system check reports it in Italian and English
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "corsia.E001" in str(raised.value)
    assert "Ruolo sconosciuto 'surgeon'" in str(raised.value)
    assert "Unknown role 'surgeon'" in str(raised.value)


def test_local_account_with_the_same_name_is_not_taken_over(
    make_user: MakeUser,
    ldap_settings: SettingsWrapper,
) -> None:
    # given a local (non-directory) account called mrossi, a nurse
    from corsia.accounts.domain.roles import Role

    make_user(Role.NURSE, username="mrossi", password="Locale-12345!")
    # when someone logs in as mrossi with the directory password
    client = _login("mrossi")
    # then the local account is not taken over: refused, roles untouched
    assert "_auth_user_id" not in client.session
    assert _roles("mrossi") == ["nurse"]
    assert User.objects.get(username="mrossi").directory_dn == ""
    # while the local password still works
    assert _login("mrossi", "Locale-12345!").last_response.status_code == 302  # type: ignore[attr-defined]
