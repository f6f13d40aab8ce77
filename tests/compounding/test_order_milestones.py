"""The UFA records the order's milestones through prescribing's one entry point, once.

A FOLFOX-4 order has preparations on day 1 and day 2 (``corsia/testing/compounding.py``): the first
preparation started moves the order to "in preparation", the day's last release to
"prepared", the check-out to "delivered"; the second day's start, release and check-out
find the order already past those milestones and leave it alone (idempotent).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.compounding import (
    Folfox,
    check_out,
    make_preparations,
)

pytestmark = pytest.mark.django_db


def test_H_closed_loop_ufa_milestones_are_recorded_once(
    folfox: Folfox, make_user: MakeUser
) -> None:
    pharmacist: User = make_user(Role.PHARMACIST)
    technician: User = make_user(Role.TECHNICIAN)
    day1 = timezone.localdate()
    day2 = day1 + timedelta(days=1)
    make_preparations(folfox, pharmacist=pharmacist, technician=technician, day=day1)
    order = TherapyOrder.objects.get(pk=folfox.order.pk)
    assert order.state == "prepared"
    make_preparations(folfox, pharmacist=pharmacist, technician=technician, day=day2)
    check_out(folfox, technician=technician, day=day1)
    check_out(folfox, technician=technician, day=day2)

    order.refresh_from_db()
    assert order.state == "delivered"
    rows = list(order.transitions.values_list("event", "actor_id"))
    assert [e for e, _ in rows] == [
        "confirm",
        "send",
        "validate",
        "take_charge",
        "start_preparation",  # once, though 7 preparations were started over two days
        "complete_preparation",  # once, though both days were released
        "deliver",  # once, though two bags were checked out
    ]
    assert dict(rows)["start_preparation"] == technician.pk
    assert dict(rows)["complete_preparation"] == pharmacist.pk
    assert order.transitions.get(event="deliver").reason.startswith(
        "Consegnata al reparto (check-out, documento di consegna DDT-"
    )
