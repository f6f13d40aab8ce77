"""The cached permission sets (ADR 0011): a change of roles or permissions takes effect at
the next request whatever path made it, even where a process still holds the former set."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from corsia.accounts import services
from corsia.accounts.backends import permissions_cache_key
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import MakeUser, api_client, logged_in

pytestmark = pytest.mark.django_db

REGIMENS = "/api/v1/regimens/"  # regimens.view_regimen: the nurse's role has it


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_revoked_role_is_refused_at_the_next_request_though_the_former_set_is_cached(
    make_user: MakeUser,
) -> None:
    nurse = make_user(Role.NURSE)
    it_staff = make_user(Role.IT_STAFF)
    page, token = logged_in(nurse), api_client(nurse)  # two callers, as two processes
    assert page.get(REGIMENS).status_code == 200
    assert token.get(REGIMENS).status_code == 200
    former_key = permissions_cache_key(_fresh(nurse))
    assert "regimens.view_regimen" in cache.get(former_key)

    services.user_set_roles(actor=it_staff, user_id=nurse.pk, roles=[], workstation=None)

    # The set cached before the change is still there, as in a process that served the
    # nurse a moment ago: it is never consulted again, the version moved on.
    assert "regimens.view_regimen" in cache.get(former_key)
    assert permissions_cache_key(_fresh(nurse)) != former_key
    assert page.get(REGIMENS).status_code == 403
    assert token.get(REGIMENS).status_code == 403


def test_a_permission_taken_from_the_group_is_refused_to_its_members(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    page = logged_in(nurse)
    assert page.get(REGIMENS).status_code == 200
    group = Group.objects.get(name=Role.NURSE.value)
    view = Permission.objects.get(content_type__app_label="regimens", codename="view_regimen")

    group.permissions.remove(view)
    assert page.get(REGIMENS).status_code == 403
    group.permissions.add(view)
    assert page.get(REGIMENS).status_code == 200


def test_a_change_written_in_sql_is_seen_too(make_user: MakeUser) -> None:
    """Django's admin, the directory sync or a hand-written fix: the database bumps the
    version whatever wrote the row."""
    nurse = make_user(Role.NURSE)
    token = api_client(nurse)
    assert token.get(REGIMENS).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user_groups WHERE user_id = %s", [nurse.pk])
    assert token.get(REGIMENS).status_code == 403

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user_user_permissions (user_id, permission_id) "
            "SELECT %s, id FROM auth_permission WHERE codename = 'view_regimen'",
            [nurse.pk],
        )
    assert token.get(REGIMENS).status_code == 200


def test_the_version_moves_with_each_kind_of_change(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    versions = [_fresh(nurse).permissions_version]
    group = Group.objects.get(name=Role.NURSE.value)
    view = Permission.objects.get(content_type__app_label="regimens", codename="view_regimen")

    group.permissions.remove(view)  # the group's permissions: every member
    versions.append(_fresh(nurse).permissions_version)
    group.permissions.add(view)
    versions.append(_fresh(nurse).permissions_version)
    nurse.user_permissions.add(view)  # a direct permission
    versions.append(_fresh(nurse).permissions_version)
    cast(Any, group).user_set.remove(nurse)  # the membership, from the group's side
    versions.append(_fresh(nurse).permissions_version)

    assert versions == sorted(set(versions)), versions  # strictly increasing
    other = make_user(Role.PHARMACIST)
    before = _fresh(other).permissions_version
    group.permissions.remove(view)  # not the pharmacist's group
    assert _fresh(other).permissions_version == before
    group.permissions.add(view)


def test_the_same_instance_sees_its_own_change(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    assert nurse.has_perm("regimens.view_regimen")
    nurse.groups.clear()
    assert not nurse.has_perm("regimens.view_regimen")
    assert not _fresh(nurse).has_perm("regimens.view_regimen")


def test_a_superuser_flag_taken_away_is_a_new_key(make_user: MakeUser) -> None:
    user = make_user(None)
    user.is_superuser = True
    user.save()
    assert "regimens.view_regimen" in _fresh(user).get_all_permissions()
    User.objects.filter(pk=user.pk).update(is_superuser=False)
    assert _fresh(user).get_all_permissions() == set()


def test_a_warm_request_reads_no_permission_table(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    token = api_client(nurse)
    assert token.get(REGIMENS).status_code == 200  # the first request fills the cache
    with CaptureQueriesContext(connection) as queries:
        assert token.get(REGIMENS).status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "auth_permission" not in read
    assert "auth_group" not in read
    # the token (with its user), the regimens
    assert len(queries.captured_queries) == 2, [q["sql"] for q in queries.captured_queries]


def test_an_inactive_user_has_no_permission_even_from_the_cache(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    assert _fresh(nurse).has_perm("regimens.view_regimen")
    User.objects.filter(pk=nurse.pk).update(is_active=False)
    assert not _fresh(nurse).has_perm("regimens.view_regimen")


def test_a_grant_rolled_back_after_a_check_is_never_served_later(make_user: MakeUser) -> None:
    """Inside the granting transaction the set is cached under the new version; the
    transaction rolls back; the next committed change draws another version (a sequence
    never gives a value twice), so the rolled-back grant is never read."""
    nurse = make_user(Role.NURSE)
    pharmacists = Group.objects.get(name=Role.PHARMACIST.value)
    with pytest.raises(RuntimeError), transaction.atomic():
        nurse.groups.add(pharmacists)
        assert nurse.has_perm("regimens.manage_regimen")  # cached under the new version
        rolled_back = permissions_cache_key(nurse)
        raise RuntimeError
    view = Permission.objects.get(content_type__app_label="regimens", codename="view_regimen")
    nurse.user_permissions.add(view)  # a committed change: a new version
    fresh = _fresh(nurse)
    assert permissions_cache_key(fresh) != rolled_back
    assert not fresh.has_perm("regimens.manage_regimen")
    assert fresh.has_perm("regimens.view_regimen")
