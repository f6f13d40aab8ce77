"""Use cases of accounts: tokens, roles synchronisation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from corsia.accounts.domain.roles import PERMISSIONS, ROLE_PERMISSIONS
from corsia.accounts.models import ApiToken, User
from corsia.core.domain.errors import ConflictError


def token_issue(*, user: User) -> tuple[str, ApiToken]:
    """A new random token for ``user``; the clear key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(hours=settings.CORSIA_API_TOKEN_TTL_HOURS),
    )
    return key, token


def token_revoke(*, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ConflictError("Il token è già stato revocato.", code="token_already_revoked")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


@transaction.atomic
def roles_sync() -> None:
    """Create the declared permissions and make each role's group hold exactly its set.

    A declared name may coincide with one Django generates for a model
    (``patients.view_patient``); the existing permission is then reused, and a role
    holding the name holds every permission row of that ``app_label.codename``.
    """
    for spec in PERMISSIONS:
        existing = Permission.objects.filter(
            content_type__app_label=spec.app_label, codename=spec.codename
        )
        if not existing.exists():
            content_type, _ = ContentType.objects.get_or_create(
                app_label=spec.app_label, model="corsia"
            )
            Permission.objects.create(
                content_type=content_type, codename=spec.codename, name=spec.name
            )
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted: list[Permission] = []
        for full in sorted(names):
            app_label, codename = full.split(".", 1)
            rows = list(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
            if not rows:
                raise LookupError(f"role {role.value} names undeclared permission {full}")
            wanted.extend(rows)
        group.permissions.set(wanted)
