"""A day hospital agenda for the agenda's tests: the ward DHT with chairs P01–P04 and bed L01,
open Monday to Friday 07:30–19:00, a therapy type (blood test 60' before) and a visit type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.agenda import services
from corsia.agenda.models import Agenda, BookingType
from corsia.patients.selectors import care_wards, places
from corsia.patients.services import ward_ensure
from corsia.testing.accounts import MakeUser

WORKSTATION = "DH-PC1"


@dataclass(frozen=True)
class DayHospital:
    agenda: Agenda
    therapy: BookingType
    visit: BookingType
    place_ids: dict[str, int]  # chair or bed code → id
    coordinator: User
    nurse: User


def next_weekday(after: date, weekday: int = 0) -> date:
    """The first ``weekday`` (0 Monday) strictly after ``after``."""
    from datetime import timedelta

    ahead = (weekday - after.weekday()) % 7 or 7
    return after + timedelta(days=ahead)


def day_hospital(
    make_user: MakeUser, *, daily_capacity: int = 40, slot_capacity: int = 4
) -> DayHospital:
    ward_ensure(
        code="DHT",
        name="Day hospital di prova",
        kind="day_hospital",
        places=[
            ("P01", "chair"),
            ("P02", "chair"),
            ("P03", "chair"),
            ("P04", "chair"),
            ("L01", "bed"),
        ],
    )
    ward = next(w for w in care_wards() if w.code == "DHT")
    coordinator = make_user(Role.COORDINATOR)
    agenda = services.agenda_create(
        actor=coordinator,
        workstation=WORKSTATION,
        data=services.AgendaInput(
            code="DHT",
            name="Day hospital oncologico",
            kind="day_hospital",
            ward_id=ward.pk,
            slot_minutes=15,
            slot_capacity=slot_capacity,
            daily_capacity=daily_capacity,
        ),
    )
    ids = {p.code: p.pk for p in places() if p.ward_id == ward.pk}
    for place_id in ids.values():
        services.agenda_place_set(
            actor=coordinator,
            workstation=WORKSTATION,
            agenda_id=agenda.pk,
            place_id=place_id,
            active=True,
        )
    for weekday in range(5):
        services.hours_set(
            actor=coordinator,
            workstation=WORKSTATION,
            agenda_id=agenda.pk,
            weekday=weekday,
            shifts=[(time(7, 30), time(19, 0), "giornata")],
        )
    therapy = services.booking_type_set(
        actor=coordinator,
        workstation=WORKSTATION,
        agenda_id=agenda.pk,
        data=services.BookingTypeInput(
            code="TER",
            name="Terapia",
            kind="therapy",
            default_minutes=120,
            blood_tests="Emocromo, creatinina",
            blood_test_lead_minutes=60,
            observation_minutes=30,
        ),
    )
    visit = services.booking_type_set(
        actor=coordinator,
        workstation=WORKSTATION,
        agenda_id=agenda.pk,
        data=services.BookingTypeInput(code="VIS", name="Visita", kind="visit", default_minutes=30),
    )
    return DayHospital(
        agenda=agenda,
        therapy=therapy,
        visit=visit,
        place_ids=ids,
        coordinator=coordinator,
        nurse=make_user(Role.NURSE),
    )
