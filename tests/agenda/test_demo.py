"""The demo agenda: 15 chairs and 2 beds, four nurses on every open day, a week of
bookings made through the service (so none overlaps); loading it twice adds nothing."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.agenda.demo import DAY_PATTERN, ensure_demo_agenda
from corsia.agenda.models import Agenda, Booking, NurseOnDuty
from corsia.demo.patients import ensure_wards
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db


def test_the_demo_day_hospital(make_user: MakeUser) -> None:
    ensure_wards()
    coordinator = make_user(Role.COORDINATOR)
    nurses = [make_user(Role.NURSE) for _ in range(4)]
    patients = [
        patient_registered(
            coordinator, codice_fiscale="", stp_eni_code=f"STP1500000000{i:03d}", surname=f"Demo{i}"
        ).pk
        for i in range(30)
    ]
    created = ensure_demo_agenda(coordinator=coordinator, nurses=nurses, patient_ids=patients)
    agenda = Agenda.objects.get(code="DHONC")
    kinds = sorted(agenda.places.values_list("place__kind", flat=True))
    assert kinds.count("chair") == 15 and kinds.count("bed") == 2
    days = sorted(set(Booking.objects.filter(agenda=agenda).values_list("day", flat=True)))
    assert 3 <= len(days) <= 5  # the open days of the coming week (a holiday may close one)
    assert created == len(days) * len(DAY_PATTERN)
    for day in days:
        assert NurseOnDuty.objects.filter(agenda=agenda, day=day, is_active=True).count() == 4
    assert ensure_demo_agenda(coordinator=coordinator, nurses=nurses, patient_ids=patients) == 0
