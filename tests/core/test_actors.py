"""The one permission check services make, and how a workstation is written down."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from corsia.accounts.domain.roles import Role
from corsia.accounts.domain.workstation import WorkstationInfo
from corsia.accounts.models import User as AccountsUser
from corsia.core import actors
from corsia.core.actors import PERMISSION_REFUSED, require_permission, workstation_label
from corsia.core.domain.errors import PermissionRefused
from corsia.testing.accounts import MakeUser


@pytest.mark.django_db
def test_a_user_holding_the_permission_passes(make_user: MakeUser) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    require_permission(pharmacist, "patients.view_patient")  # no exception


@pytest.mark.django_db
def test_a_user_without_the_permission_is_refused_with_the_default_italian_message(
    make_user: MakeUser,
) -> None:
    nobody = make_user(None)
    with pytest.raises(PermissionRefused) as refused:
        require_permission(nobody, "patients.view_patient")
    assert refused.value.message == "Non hai il permesso per questa operazione."
    assert refused.value.message == PERMISSION_REFUSED
    assert refused.value.code == "permission_denied"
    assert refused.value.status == 403
    assert refused.value.details == {"permission": "patients.view_patient"}


@pytest.mark.django_db
def test_the_refusal_carries_the_callers_message(make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused) as refused:
        require_permission(make_user(None), "inventory.manage_stock", "Niente magazzino.")
    assert refused.value.message == "Niente magazzino."
    assert refused.value.details == {"permission": "inventory.manage_stock"}


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_nobody_and_anonymous_hold_no_permission(actor: AnonymousUser | None) -> None:
    with pytest.raises(PermissionRefused):
        require_permission(actor, "patients.view_patient")  # type: ignore[arg-type]  # an untyped caller handing over an anonymous user is refused too


def test_user_resolves_to_the_project_user_model_at_run_time() -> None:
    assert actors.User is AccountsUser


def test_workstation_label_reads_a_label_a_name_or_nothing() -> None:
    assert workstation_label(WorkstationInfo(ip="10.0.0.5", name="UFA-cappa-1")) == (
        "UFA-cappa-1 (10.0.0.5)"
    )
    assert workstation_label(WorkstationInfo(ip="10.0.0.5", name="10.0.0.5")) == "10.0.0.5"
    assert workstation_label("manage.py file_f") == "manage.py file_f"
    assert workstation_label(None) == ""
