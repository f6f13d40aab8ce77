from __future__ import annotations

from django.db.models import Q

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User, Workstation


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
