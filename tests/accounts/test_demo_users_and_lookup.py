"""The demo hospital's users (created once, in their role's group) and a user by username."""

from __future__ import annotations

import pytest

from corsia.accounts import selectors, services
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import NotFound

pytestmark = pytest.mark.django_db


def test_a_demo_user_is_created_once_with_its_password_and_role(roles: None) -> None:
    # given no such user, when the demo user is ensured
    created = services.demo_user_ensure(
        username="medico",
        first_name="Giulia",
        last_name="Ferraro",
        badge_code="BADGE0001",
        role=Role.PHYSICIAN,
        password="corsia-demo",
    )
    # then it exists, with the password and in the physicians' group, and no audit row
    user = User.objects.get(username="medico")
    assert created is True
    assert (user.first_name, user.last_name, user.badge_code) == ("Giulia", "Ferraro", "BADGE0001")
    assert user.check_password("corsia-demo")
    assert list(user.groups.values_list("name", flat=True)) == [Role.PHYSICIAN.value]
    assert AuditEvent.objects.count() == 0
    # when it is ensured again with other data, then nothing changes
    user.set_password("altra-password-1")
    user.save(update_fields=["password"])
    again = services.demo_user_ensure(
        username="medico",
        first_name="Altro",
        last_name="Nome",
        badge_code="BADGE0099",
        role=Role.PHYSICIAN,
        password="corsia-demo",
    )
    user.refresh_from_db()
    assert again is False
    assert (user.first_name, user.badge_code) == ("Giulia", "BADGE0001")
    assert user.check_password("altra-password-1")
    assert User.objects.count() == 1


def test_a_user_by_username_is_the_one_with_that_exact_username(roles: None) -> None:
    # given a demo user
    services.demo_user_ensure(
        username="farmacista",
        first_name="Chiara",
        last_name="Esposito",
        badge_code="BADGE0003",
        role=Role.PHARMACIST,
        password="corsia-demo",
    )
    # when / then: found by its username, an unknown one is NotFound
    assert selectors.user_by_username(username="farmacista").last_name == "Esposito"
    with pytest.raises(NotFound):
        selectors.user_by_username(username="nessuno")
