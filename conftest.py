"""Project-wide pytest fixtures."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import logged_in

# Property tests check invariants, not speed: on a loaded 2-core machine (CI, parallel
# workers) generation can be slow, which must not fail a correct test.
settings.register_profile("corsia", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("corsia")


def pytest_configure(config: pytest.Config) -> None:
    from corsia.testing.flush import allow_test_flush_of_audit_tables

    allow_test_flush_of_audit_tables()


# Reference data (roles, the drug archive, CTCAE) loaded once for a run of tests, not per test.
pytest_plugins = ["corsia.testing.reference"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_use_migrations: bool,
) -> None:
    """Each worker's test database cloned from the migrations' template, built once
    (corsia/testing/dbtemplate.py), instead of migrated from nothing per worker."""
    from django.conf import settings

    from corsia.testing.dbtemplate import database_exists, template_ready

    if not django_db_use_migrations:
        return
    default = settings.DATABASES["default"]
    name = default.get("TEST", {}).get("NAME") or "test_" + default["NAME"]
    keep = django_db_keepdb and not django_db_createdb
    if keep and database_exists(name):
        return  # --reuse-db: the database is kept, migrate brings it up to date
    default.setdefault("TEST", {})["TEMPLATE"] = template_ready()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with Django's cache empty (the permission sets and workstation
    names of ADR 0011 from an earlier, rolled-back test are never seen)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def roles(roles_reference: None) -> None:
    """The roles and their permissions (``roles_sync``), loaded once for a run of tests
    asking for them: corsia/testing/reference.py."""


@pytest.fixture
def make_user(roles: None):  # type: ignore[no-untyped-def]  # factory fixture
    from django.contrib.auth.models import Group

    counter = {"n": 0}

    def _make(
        role: Role | None = None, username: str | None = None, password: str = "Pw-test-12345"
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}",
            password=password,
            first_name="Test",
            last_name=f"User{counter['n']}",
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        return user

    return _make


@pytest.fixture
def client_for(make_user):  # type: ignore[no-untyped-def]  # factory fixture
    def _client(role: Role) -> Client:
        return logged_in(make_user(role))

    return _client


# Browser fixtures (Playwright on Debian's Chromium), registered once for the whole suite:
# a session-scoped driver may exist only once per process.
from corsia.testing.browser import *  # noqa: E402, F403
