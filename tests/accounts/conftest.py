from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from corsia.testing import ldap_server


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ldap_server.LdapServer]:
    """A real OpenLDAP server for the whole session (about 50 ms to start)."""
    if not ldap_server.slapd_available():
        pytest.skip("OpenLDAP's slapd is not installed (/usr/sbin/slapd): run tools/system-deps.sh")
    server = ldap_server.start(Path(tmp_path_factory.mktemp("slapd")) / "slapd")
    yield server
    server.stop()


@pytest.fixture
def ldap_settings(settings: SettingsWrapper, slapd: ldap_server.LdapServer) -> SettingsWrapper:
    """Corsia configured for the test directory, as the environment would configure it."""
    settings.LDAP_SERVER_URI = slapd.uri
    settings.LDAP_BIND_DN = ldap_server.BIND_DN
    settings.LDAP_BIND_PASSWORD = ldap_server.BIND_PASSWORD
    settings.LDAP_USER_SEARCH_BASE = ldap_server.USERS_BASE
    settings.LDAP_USER_FILTER = "(sAMAccountName=%(user)s)"
    settings.LDAP_GROUP_SEARCH_BASE = ldap_server.GROUPS_BASE
    settings.CORSIA_LDAP_GROUP_ROLE_MAP = (
        f"{ldap_server.PHYSICIANS_GROUP}=physician; {ldap_server.PHARMACISTS_GROUP}=pharmacist"
    )
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "rules.permissions.ObjectPermissionBackend",
        "corsia.accounts.ldap.CorsiaLDAPBackend",
        "corsia.accounts.backends.CachedPermissionsBackend",
    ]
    return settings
