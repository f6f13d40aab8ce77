"""Active Directory / LDAP login (django-auth-ldap), configured from the environment.

On every directory login the user's Corsia roles are *mirrored* from their directory
groups through ``CORSIA_LDAP_GROUP_ROLE_MAP`` (granted and removed), their name and
e-mail are copied and their DN stored. A directory user in no mapped group is refused
before any Corsia account is created or changed.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import ldap
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from corsia.accounts import services
from corsia.accounts.domain.directory import GroupRoleMapError, parse_group_role_map
from corsia.accounts.models import User

logger = logging.getLogger(__name__)

# Set on the request when a directory login is refused for a reason the user can act on;
# the login form shows it instead of "wrong password".
REFUSAL_ATTR = "corsia_login_refusal"

# AD groups are objectClass=group, OpenLDAP's groupOfNames; both list members in "member".
GROUP_FILTER = "(|(objectClass=group)(objectClass=groupOfNames))"


class CorsiaLDAPBackend(LDAPBackend):  # type: ignore[misc]  # django-auth-ldap is untyped
    request: HttpRequest | None = None

    @property
    def default_settings(self) -> dict[str, Any]:
        return {
            "SERVER_URI": settings.LDAP_SERVER_URI,
            "BIND_DN": settings.LDAP_BIND_DN,
            "BIND_PASSWORD": settings.LDAP_BIND_PASSWORD,
            "START_TLS": settings.LDAP_START_TLS,
            "CONNECTION_OPTIONS": {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5},
            "USER_SEARCH": LDAPSearch(
                settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER
            ),
            "GROUP_SEARCH": LDAPSearch(
                settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, GROUP_FILTER
            ),
            "GROUP_TYPE": GroupOfNamesType(),
            "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
            "ALWAYS_UPDATE_USER": True,
            "MIRROR_GROUPS": None,
            "FIND_GROUP_PERMS": False,
            "CACHE_TIMEOUT": 0,
        }

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        self.request = request
        user: User | None = super().authenticate(request, username, password, **kwargs)
        return user

    def _refuse(self, ldap_user: Any, message: str, reason: str) -> NoReturn:
        if self.request is not None and message:
            setattr(self.request, REFUSAL_ATTR, message)
        raise ldap_user.AuthenticationFailed(reason)

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        """Called after the directory accepted the password, before any write."""
        try:
            mapping = parse_group_role_map(settings.CORSIA_LDAP_GROUP_ROLE_MAP)
        except GroupRoleMapError:
            logger.exception("CORSIA_LDAP_GROUP_ROLE_MAP is invalid: directory login refused")
            self._refuse(
                ldap_user,
                _("Accesso di dominio non disponibile: configurazione dei ruoli non valida."),
                "invalid group-role map",
            )
        roles = mapping.roles_for(ldap_user.group_dns)
        if not roles:
            self._refuse(
                ldap_user,
                _(
                    "Il tuo account di dominio non è abilitato a Corsia: chiedi ai sistemi "
                    "informativi di inserirti in un gruppo associato a un ruolo."
                ),
                "no mapped group",
            )
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password() and not user.directory_dn:
            # A local account of the same name is never taken over by a directory login.
            self._refuse(ldap_user, "", "local account with the same username")
        ldap_user.corsia_roles = roles
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        with transaction.atomic():
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is None:
                return None
            services.user_sync_from_directory(
                user=user,
                roles=ldap_user.corsia_roles,
                directory_dn=ldap_user.dn,
                workstation=getattr(self.request, "workstation", None),
            )
        assert isinstance(user, User)
        return user
