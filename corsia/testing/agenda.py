"""A day hospital agenda for the agenda's tests: the ward DHT with chairs P01–P04 and bed L01,
open Monday to Friday 07:30–19:00, a therapy type (blood test 60' before) and a visit type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.agenda import services
from corsia.agenda.demo import WORKSTATION, weekday_agenda
from corsia.agenda.domain.phases import DrugStep
from corsia.agenda.models import Agenda, Booking, BookingType
from corsia.patients.selectors import care_wards
from corsia.patients.services import ward_ensure
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

__all__ = [
    "WORKSTATION",
    "DayHospital",
    "book",
    "book_new_patient",
    "booking_times",
    "day_hospital",
    "next_weekday",
    "plan_computed",
]


@dataclass(frozen=True)
class DayHospital:
    agenda: Agenda
    therapy: BookingType
    visit: BookingType
    place_ids: dict[str, int]  # chair or bed code → id
    coordinator: User
    nurse: User


def book(
    dh: DayHospital,
    patient_id: int,
    *,
    day: date,
    start: time,
    place: str | None = "P01",
    minutes: int | None = None,
    steps: Sequence[DrugStep] | None = None,
) -> Booking:
    """A therapy booked by the agenda's nurse on ``place`` (a code; ``None``: no place yet)
    at ``start``."""
    return services.booking_create(
        actor=dh.nurse,
        workstation=WORKSTATION,
        data=services.BookingInput(
            agenda_id=dh.agenda.pk,
            booking_type_id=dh.therapy.pk,
            patient_id=patient_id,
            day=day,
            start=start,
            minutes=minutes,
            place_id=dh.place_ids[place] if place else None,
        ),
        steps=steps,
    )


def book_new_patient(
    dh: DayHospital,
    surname: str,
    *,
    day: date,
    start: time,
    minutes: int | None = None,
    place: str | None = "P01",
    steps: Sequence[DrugStep] | None = None,
) -> Booking:
    """A new patient (a temporary STP code from ``surname``) booked as :func:`book` does."""
    patient = patient_registered(
        dh.coordinator,
        codice_fiscale="",
        stp_eni_code=f"STP14000000{abs(hash(surname)) % 10**5:05d}",
        surname=surname,
    )
    return book(dh, patient.pk, day=day, start=start, place=place, minutes=minutes, steps=steps)


def booking_times(booking: Booking) -> tuple[str, time, time, time]:
    """The booking as stored now: its place's code, arrival, start and end (local times)."""
    booking.refresh_from_db()
    local = timezone.localtime
    return (
        booking.place.code if booking.place else "",
        local(booking.arrival_at).time(),
        local(booking.start_at).time(),
        local(booking.end_at).time(),
    )


def plan_computed(dh: DayHospital, day: date) -> services.PlanRequestView:
    """The day's plan requested by the nurse, its job run here synchronously (as the worker
    would), then read."""
    asked = services.day_plan_request(
        actor=dh.nurse, agenda_id=dh.agenda.pk, day=day, workstation=WORKSTATION
    )
    services.day_plan_compute(request_id=asked.pk)
    return services.plan_request_view(actor=dh.nurse, request_id=asked.pk, workstation=WORKSTATION)


def _on_booking(dh: DayHospital, booking: Booking) -> dict[str, Any]:
    """The nurse acting on ``booking`` at the version it is at, as service keywords."""
    return {
        "actor": dh.nurse,
        "workstation": WORKSTATION,
        "booking_id": booking.pk,
        "expected_version": booking.version,
    }


def booking_locked(dh: DayHospital, booking: Booking) -> None:
    """The nurse locks ``booking`` on its place and time (the optimiser leaves it there)."""
    services.booking_lock_set(**_on_booking(dh, booking), locked=True)


def booking_through(dh: DayHospital, booking: Booking, *events: str, reason: str = "") -> None:
    """The nurse takes ``booking`` through ``events`` in turn, each from the version it is
    at (``reason`` for a cancel or a no-show)."""
    for event in events:
        booking.refresh_from_db()
        services.booking_transition(**_on_booking(dh, booking), event=event, reason=reason)


def next_weekday(after: date, weekday: int = 0) -> date:
    """The first ``weekday`` (0 Monday) strictly after ``after``."""
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
    agenda, types, ids = weekday_agenda(
        actor=coordinator,
        data=services.AgendaInput(
            code="DHT",
            name="Day hospital oncologico",
            kind="day_hospital",
            ward_id=ward.pk,
            slot_minutes=15,
            slot_capacity=slot_capacity,
            daily_capacity=daily_capacity,
        ),
        place_codes={"P01", "P02", "P03", "P04", "L01"},
        types=(
            services.BookingTypeInput(
                code="TER",
                name="Terapia",
                kind="therapy",
                default_minutes=120,
                blood_tests="Emocromo, creatinina",
                blood_test_lead_minutes=60,
                observation_minutes=30,
            ),
            services.BookingTypeInput(code="VIS", name="Visita", kind="visit", default_minutes=30),
        ),
    )
    therapy, visit = types["TER"], types["VIS"]
    return DayHospital(
        agenda=agenda,
        therapy=therapy,
        visit=visit,
        place_ids=ids,
        coordinator=coordinator,
        nurse=make_user(Role.NURSE),
    )


def day_hospital_with(make_user: MakeUser, keep: set[str]) -> DayHospital:
    """The day hospital (4 patients per slot) with only the places ``keep`` on its agenda."""
    dh = day_hospital(make_user, slot_capacity=4)
    for code, place_id in dh.place_ids.items():
        if code not in keep:
            services.agenda_place_set(
                actor=dh.coordinator,
                workstation=WORKSTATION,
                agenda_id=dh.agenda.pk,
                place_id=place_id,
                active=False,
            )
    return dh
