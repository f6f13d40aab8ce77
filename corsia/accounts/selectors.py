from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, User, Workstation
from corsia.core.domain.errors import PermissionRefused


def workstation_names() -> dict[str, str]:
    """Active named workstations by IP (a small table; one indexed query)."""
    return {
        str(ip): name
        for ip, name in Workstation.objects.filter(is_active=True)
        .exclude(Q(ip_address__isnull=True))
        .values_list("ip_address", "name")
    }


def user_roles(user: User) -> set[Role]:
    names = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if role.value in names}


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


def _require_perm(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionRefused(
            "Non hai il permesso per questa operazione.", details={"permission": permission}
        )


def user_list(*, actor: User, query: str = "") -> QuerySet[User]:
    """Every user (active first, then by surname) with their groups: IT staff only."""
    _require_perm(actor, "accounts.manage_users")
    users = User.objects.prefetch_related("groups").order_by(
        "-is_active", "last_name", "first_name", "username"
    )
    if query.strip():
        q = query.strip()
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return users


def workstation_list(*, actor: User) -> QuerySet[Workstation]:
    _require_perm(actor, "accounts.manage_workstations")
    return Workstation.objects.order_by("-is_active", "name")
