"""Authentication backends: one that only refuses (the published demo password outside demo
mode), and Django's model backend with the user's permission set cached (ADR 0011)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from corsia.accounts.domain.passwords import demo_password_refused


def demo_credentials_allowed() -> bool:
    """Demo mode, and the tests (the browser tests sign in as the demo users)."""
    return bool(settings.DEMO_MODE or getattr(settings, "CORSIA_TESTING", False))


class PublishedPasswordGuard:
    """Placed before the backends that check passwords (local and directory): outside demo
    mode a sign-in with the published demo password is a failed sign-in for any account —
    it counts towards the lockout and is audited like any wrong password.

    Not a ``BaseBackend``: without ``get_user`` it is never recorded as the backend of a
    session (``force_login`` and ``login`` pick the first backend that has one)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if demo_password_refused(password, demo_mode=demo_credentials_allowed()):
            raise PermissionDenied


PERMISSIONS_CACHE_SECONDS = 3600


def permissions_cache_key(user: Any) -> str:
    """The key of ``user``'s permission set: the row's identity (id and creation instant,
    so a test database's reused id never meets another user's set), its permission
    version (bumped by the database in the transaction of any change, ADR 0011) and its
    superuser flag (changed on the same row)."""
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"corsia:perms:{user.pk}:{joined}:{user.permissions_version}:{int(user.is_superuser)}"


class CachedPermissionsBackend(ModelBackend):
    """Django's model backend with the user's permission set (their own and their groups')
    kept in Django's cache under a key carrying the version the database bumps with any
    change of roles or permissions (ADR 0011). The version comes with the user row that the
    session or the token already loads, so a warm request reads no permission table, and a
    change committed before a request starts is seen by that request in every process.

    Object permissions (``obj`` given) and inactive or anonymous users: nothing, as in the
    model backend."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = permissions_cache_key(user_obj)
            cached = cache.get(key)
            if cached is None:
                cached = frozenset(
                    {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}
                )
                cache.set(key, cached, PERMISSIONS_CACHE_SECONDS)
            user_obj._perm_cache = set(cached)
        permissions: set[str] = user_obj._perm_cache
        return permissions


def _refresh_in_memory_version(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """After ``user.groups`` or ``user.user_permissions`` changed through that instance,
    the database has bumped its version (ADR 0011): the instance takes the new one and
    forgets the permission set it may hold, so a later ``has_perm`` on it reads the
    change (Django's own backend would keep the set cached on the instance)."""
    from corsia.accounts.models import User

    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    for attribute in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        instance.__dict__.pop(attribute, None)
    if instance.pk is not None:
        instance.permissions_version = (
            User.objects.filter(pk=instance.pk).values_list("permissions_version", flat=True).get()
        )


def _forget_workstation_names(sender: Any, **kwargs: Any) -> None:
    from corsia.accounts.selectors import workstation_names_forget

    workstation_names_forget()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from corsia.accounts.models import User, Workstation

    # Whatever path saves a workstation (the service, the admin, a test): the cached names
    # are forgotten in this process (other processes: within a minute, ADR 0011).
    post_save.connect(
        _forget_workstation_names, sender=Workstation, dispatch_uid="corsia.accounts.ws_saved"
    )
    post_delete.connect(
        _forget_workstation_names, sender=Workstation, dispatch_uid="corsia.accounts.ws_deleted"
    )

    m2m_changed.connect(
        _refresh_in_memory_version,
        sender=User.groups.through,
        dispatch_uid="corsia.accounts.permissions_version_groups",
    )
    m2m_changed.connect(
        _refresh_in_memory_version,
        sender=User.user_permissions.through,
        dispatch_uid="corsia.accounts.permissions_version_permissions",
    )
