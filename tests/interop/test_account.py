"""The interface's account is ensured once per process, then checked with one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.accounts.models import User
from corsia.interop.services.account import INTERFACE_USERNAME, interface_account

pytestmark = pytest.mark.django_db


def test_the_account_is_ensured_once_then_checked_with_one_query() -> None:
    first = interface_account()
    with CaptureQueriesContext(connection) as queries:
        again = interface_account()
    assert again is first
    assert len(queries) == 1
    assert again.has_perm("patients.manage_encounter")


def test_a_deactivated_account_is_not_kept_and_has_no_permission_left() -> None:
    kept = interface_account()
    User.objects.filter(username=INTERFACE_USERNAME).update(is_active=False)

    fresh = interface_account()

    assert fresh is not kept
    assert not fresh.is_active
    assert not fresh.has_perm("patients.manage_encounter")  # a message would be refused
