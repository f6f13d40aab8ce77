"""Reads for the administration pages: users and workstations (IT staff only)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from corsia.accounts.models import User, Workstation
from corsia.core.actors import require_permission

MANAGE_USERS = "accounts.manage_users"
MANAGE_WORKSTATIONS = "accounts.manage_workstations"


def user_list(*, actor: User, query: str = "") -> QuerySet[User]:
    """Every user (active first, then by surname) with their groups."""
    require_permission(actor, MANAGE_USERS)
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
    """Every named workstation, active first."""
    require_permission(actor, MANAGE_WORKSTATIONS)
    return Workstation.objects.order_by("-is_active", "name")
