from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from corsia.accounts.backends import PERMISSIONS_CACHE_SECONDS, permissions_cache_key
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, User, Workstation
from corsia.core.domain.errors import NotFound, PermissionRefused

WORKSTATION_NAMES_KEY = "corsia:workstation-names"
# How long another process may show a renamed or deactivated workstation under its former
# name (the address is always the one the request came from): ADR 0011.
WORKSTATION_NAMES_SECONDS = 60


def workstation_names() -> dict[str, str]:
    """Active named workstations by IP (a small table, read at most once a minute per
    process: Django's cache; forgotten in this process when a workstation is saved)."""
    names: dict[str, str] | None = cache.get(WORKSTATION_NAMES_KEY)
    if names is None:
        names = {
            str(ip): name
            for ip, name in Workstation.objects.filter(is_active=True)
            .exclude(Q(ip_address__isnull=True))
            .values_list("ip_address", "name")
        }
        cache.set(WORKSTATION_NAMES_KEY, names, WORKSTATION_NAMES_SECONDS)
    return names


def workstation_names_forget() -> None:
    """Now and when the transaction commits (a request in between may have read the
    table before the change was visible)."""
    cache.delete(WORKSTATION_NAMES_KEY)
    transaction.on_commit(lambda: cache.delete(WORKSTATION_NAMES_KEY))


def user_roles(user: User) -> set[Role]:
    """The user's roles, kept in Django's cache beside their permission set and under the
    same version (ADR 0011: the database bumps it with any change of the user's groups)."""
    key = f"{permissions_cache_key(user)}:roles"
    names: frozenset[str] | None = cache.get(key)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        cache.set(key, names, PERMISSIONS_CACHE_SECONDS)
    return {role for role in Role if role.value in names}


def users_in_role(*, role: Role) -> list[User]:
    """The active users holding ``role``, by surname and name (for a choice in a form)."""
    return list(
        User.objects.filter(groups__name=role.value, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def token_list(
    *, actor: User, username: str | None = None, active_only: bool = False
) -> QuerySet[ApiToken]:
    """API tokens of every user (or of ``username``), newest first: IT staff only."""
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionRefused(
            "Non hai il permesso per questa operazione.",
            details={"permission": "accounts.manage_users"},
        )
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if username:
        tokens = tokens.filter(user__username__iexact=username)
    if active_only:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return tokens


def user_by_username(*, username: str) -> User:
    """The user with this username (exactly as written); ``NotFound`` when there is none."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound("Utente non trovato.", code="user_not_found")
    return user


def user_still_active(*, user_id: int, username: str) -> bool:
    """Whether the account with this id still exists under this username and is active
    (one query: for a process that keeps an account it ensured once)."""
    return User.objects.filter(pk=user_id, username=username, is_active=True).exists()
