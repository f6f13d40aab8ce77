"""System checks: a broken directory configuration stops the server before any login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from corsia.accounts.domain.directory import GroupRoleMapError, parse_group_role_map


def check_ldap_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    raw = settings.CORSIA_LDAP_GROUP_ROLE_MAP
    try:
        mapping = parse_group_role_map(raw)
    except GroupRoleMapError as exc:
        errors.append(
            Error(
                str(exc),
                hint=(
                    "Correggi CORSIA_LDAP_GROUP_ROLE_MAP: «<DN del gruppo>=<ruolo>;...». "
                    "Fix CORSIA_LDAP_GROUP_ROLE_MAP: '<group DN>=<role>;...'."
                ),
                id="corsia.E001",
            )
        )
        return errors
    if settings.LDAP_SERVER_URI:
        if not settings.LDAP_USER_SEARCH_BASE:
            errors.append(
                Error(
                    "LDAP_SERVER_URI è impostato ma manca LDAP_USER_SEARCH_BASE. "
                    "LDAP_SERVER_URI is set but LDAP_USER_SEARCH_BASE is missing.",
                    id="corsia.E002",
                )
            )
        if not settings.LDAP_GROUP_SEARCH_BASE:
            errors.append(
                Error(
                    "LDAP_SERVER_URI è impostato ma manca LDAP_GROUP_SEARCH_BASE. "
                    "LDAP_SERVER_URI is set but LDAP_GROUP_SEARCH_BASE is missing.",
                    id="corsia.E003",
                )
            )
        if not mapping.by_group:
            errors.append(
                Warning(
                    "CORSIA_LDAP_GROUP_ROLE_MAP è vuota: nessun utente di dominio potrà accedere. "
                    "CORSIA_LDAP_GROUP_ROLE_MAP is empty: no directory user can log in.",
                    id="corsia.W001",
                )
            )
    return errors
