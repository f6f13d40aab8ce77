"""The administration services refuse without the permission, whoever calls them."""

from __future__ import annotations

import pytest

from corsia.accounts import admin_selectors, admin_services
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User, Workstation
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import PermissionRefused
from corsia.testing.accounts import MakeUser


def test_a_nurse_cannot_reactivate_a_user_and_nothing_is_written(make_user: MakeUser) -> None:
    # given a nurse and a deactivated colleague
    nurse = make_user(Role.NURSE)
    subject = make_user(Role.NURSE)
    User.objects.filter(pk=subject.pk).update(is_active=False)
    events = AuditEvent.objects.count()
    # when the nurse calls the service directly
    with pytest.raises(PermissionRefused) as refused:
        admin_services.user_reactivate(
            actor=nurse, user_id=subject.pk, reason="rientro", workstation=None
        )
    # then it is refused, naming the permission, and nothing changes
    assert refused.value.details == {"permission": "accounts.manage_users"}
    assert User.objects.get(pk=subject.pk).is_active is False
    assert AuditEvent.objects.count() == events


def test_a_nurse_cannot_create_or_list_workstations(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    with pytest.raises(PermissionRefused):
        admin_services.workstation_create(
            actor=nurse, name="DH-1", ip_address=None, location="", workstation=None
        )
    with pytest.raises(PermissionRefused):
        admin_selectors.workstation_list(actor=nurse)
    with pytest.raises(PermissionRefused):
        admin_selectors.user_list(actor=nurse)
    assert Workstation.objects.count() == 0


def test_an_unchanged_workstation_writes_no_audit_event(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    ws = admin_services.workstation_create(
        actor=it, name="DH-1", ip_address="10.0.0.1", location="Day hospital", workstation=None
    )
    events = AuditEvent.objects.count()
    admin_services.workstation_update(
        actor=it,
        workstation_id=ws.pk,
        name="DH-1",
        ip_address="10.0.0.1",
        location="Day hospital",
        is_active=True,
        workstation=None,
    )
    assert AuditEvent.objects.count() == events
