"""Bookings: conflicts refused (before the database and by it), opening hours, closed days,
capacity, optimistic locking, reasons, audit."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import services
from corsia.agenda.models import Booking
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import (
    ConflictError,
    CorsiaError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import WORKSTATION, DayHospital, day_hospital, next_weekday
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    return day_hospital(make_user, slot_capacity=2)


MONDAY = next_weekday(timezone.localdate())


def _book(dh: DayHospital, patient_id: int, **fields: object) -> Booking:
    data = {
        "agenda_id": dh.agenda.pk,
        "booking_type_id": dh.therapy.pk,
        "patient_id": patient_id,
        "day": MONDAY,
        "start": time(9, 0),
        "place_id": dh.place_ids["P01"],
        **fields,
    }
    return services.booking_create(
        actor=dh.nurse,
        workstation=WORKSTATION,
        data=services.BookingInput(**data),  # type: ignore[arg-type]  # test data
    )


def _patients(dh: DayHospital, n: int) -> list[int]:
    return [
        patient_registered(
            dh.coordinator,
            codice_fiscale="",
            stp_eni_code=f"STP1200000000{i:03d}",
            surname=f"Prova{i}",
        ).pk
        for i in range(n)
    ]


def test_a_therapy_booking_has_its_phases_and_call_in_time(dh: DayHospital) -> None:
    (pid,) = _patients(dh, 1)
    booking = _book(dh, pid)
    local = timezone.localtime
    # blood test 60' before the chair; 120' therapy (type's minutes, no drugs); 30' observation
    # only when drugs are given: none here, so the chair is held 9:00–11:00
    assert local(booking.arrival_at).time() == time(8, 0)
    assert (local(booking.start_at).time(), local(booking.end_at).time()) == (time(9), time(11))
    assert [p["kind"] for p in booking.phases] == ["blood_test", "wait", "visit"]
    event = AuditEvent.objects.filter(event_type="agenda.booking_created").last()
    assert event is not None and event.workstation == WORKSTATION and event.patient_id == pid


def test_two_patients_on_one_chair_at_the_same_minute_are_refused(dh: DayHospital) -> None:
    first, second = _patients(dh, 2)
    _book(dh, first)
    with pytest.raises(ConflictError) as refused:
        _book(dh, second, start=time(10, 59))
    assert refused.value.code == "place_taken"
    assert "P01" in refused.value.message and "09:00" in refused.value.message
    assert Booking.objects.filter(patient_id=second).count() == 0
    _book(dh, second, start=time(11, 0))  # back to back is fine


def test_the_database_refuses_an_overlap_written_around_the_service(dh: DayHospital) -> None:
    first, second = _patients(dh, 2)
    booking = _book(dh, first)
    with pytest.raises(IntegrityError, match="booking_place_no_overlap"), transaction.atomic():
        Booking.objects.create(
            agenda=booking.agenda,
            booking_type=booking.booking_type,
            patient_id=second,
            place_id=booking.place_id,
            day=booking.day,
            arrival_at=booking.start_at,
            start_at=booking.start_at + timedelta(minutes=1),
            end_at=booking.end_at,
            created_by=dh.nurse,
        )


def test_one_patient_in_two_places_at_once_is_refused(dh: DayHospital) -> None:
    (pid,) = _patients(dh, 1)
    _book(dh, pid)
    with pytest.raises(ConflictError) as refused:
        _book(dh, pid, place_id=dh.place_ids["P02"], start=time(10))
    assert refused.value.code == "patient_double_booked"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"start": time(7, 0)}, "outside_opening_hours"),  # arrival 6:00
        ({"start": time(18, 0)}, "outside_opening_hours"),  # ends 20:00
        ({"day": MONDAY + timedelta(days=5)}, "agenda_closed_day"),  # Saturday
        ({"day": date(1900, 1, 1)}, "day_out_of_range"),
        ({"day": date(9999, 12, 31)}, "day_out_of_range"),
        ({"minutes": 0}, "duration_invalid"),
        ({"place_id": 2**40}, "place_not_in_agenda"),
    ],
)
def test_bookings_the_agenda_cannot_hold(
    dh: DayHospital, fields: dict[str, object], code: str
) -> None:
    (pid,) = _patients(dh, 1)
    with pytest.raises(CorsiaError) as refused:
        _book(dh, pid, **fields)
    assert refused.value.code == code
    assert Booking.objects.count() == 0


def test_unknown_ids_are_not_found(dh: DayHospital) -> None:
    (pid,) = _patients(dh, 1)
    with pytest.raises(NotFound):
        _book(dh, 2**40)
    with pytest.raises(NotFound):
        _book(dh, pid, booking_type_id=2**40)
    with pytest.raises(NotFound):
        _book(dh, pid, agenda_id=2**40)


def test_a_closed_day_refuses_bookings_and_cannot_close_over_them(dh: DayHospital) -> None:
    first, second = _patients(dh, 2)
    _book(dh, first)
    with pytest.raises(ConflictError) as refused:
        services.closed_day_set(
            actor=dh.coordinator,
            workstation=WORKSTATION,
            agenda_id=dh.agenda.pk,
            day=MONDAY,
            reason="Sciopero",
        )
    assert refused.value.code == "day_has_bookings"
    tuesday = MONDAY + timedelta(days=1)
    services.closed_day_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        day=tuesday,
        reason="Festa patronale",
    )
    with pytest.raises(ValidationFailed) as closed:
        _book(dh, second, day=tuesday)
    assert closed.value.code == "agenda_closed_day"


def test_slot_and_day_capacity(make_user: MakeUser) -> None:
    dh = day_hospital(make_user, daily_capacity=3, slot_capacity=2)
    a, b, c, d = _patients(dh, 4)
    _book(dh, a, place_id=dh.place_ids["P01"])
    _book(dh, b, place_id=dh.place_ids["P02"])
    with pytest.raises(ConflictError) as slot:
        _book(dh, c, place_id=dh.place_ids["P03"], start=time(9, 10))  # arrival 8:10, same slot
    assert slot.value.code == "slot_full"
    _book(dh, c, place_id=dh.place_ids["P03"], start=time(9, 15))
    with pytest.raises(ConflictError) as day:
        _book(dh, d, place_id=dh.place_ids["P04"], start=time(12))
    assert day.value.code == "day_full"


def test_a_move_needs_a_reason_the_current_version_and_a_free_place(dh: DayHospital) -> None:
    first, second = _patients(dh, 2)
    one = _book(dh, first)
    two = _book(dh, second, place_id=dh.place_ids["P02"])
    move: dict[str, Any] = {"actor": dh.nurse, "workstation": WORKSTATION, "booking_id": two.pk}
    with pytest.raises(ValidationFailed) as no_reason:
        services.booking_move(
            **move, expected_version=two.version, reason=" ", place_id=one.place_id
        )
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ConflictError) as taken:
        services.booking_move(
            **move, expected_version=two.version, reason="Poltrona rotta", place_id=one.place_id
        )
    assert taken.value.code == "place_taken"
    moved = services.booking_move(
        **move,
        expected_version=two.version,
        reason="Poltrona rotta",
        place_id=dh.place_ids["P03"],
        start=time(9, 30),
    )
    assert moved.version == two.version + 1
    assert timezone.localtime(moved.arrival_at).time() == time(8, 30)  # phases moved together
    with pytest.raises(ConflictError) as stale:
        services.booking_move(**move, expected_version=two.version, reason="Ancora", start=time(12))
    assert stale.value.code == "stale_version"
    event = AuditEvent.objects.filter(event_type="agenda.booking_moved").last()
    assert event is not None and event.reason == "Poltrona rotta"


def test_started_or_locked_bookings_never_move(dh: DayHospital) -> None:
    (pid,) = _patients(dh, 1)
    b = _book(dh, pid)
    act: dict[str, Any] = {"actor": dh.nurse, "workstation": WORKSTATION, "booking_id": b.pk}
    b = services.booking_lock_set(**act, expected_version=b.version, locked=True)
    with pytest.raises(ConflictError) as locked:
        services.booking_move(**act, expected_version=b.version, reason="x", start=time(10))
    assert locked.value.code == "booking_locked"
    b = services.booking_lock_set(**act, expected_version=b.version, locked=False)
    b = services.booking_transition(**act, expected_version=b.version, event="arrive")
    b = services.booking_transition(**act, expected_version=b.version, event="start")
    assert b.locked
    with pytest.raises(ConflictError) as started:
        services.booking_move(**act, expected_version=b.version, reason="x", start=time(10))
    assert started.value.code == "booking_not_movable"


def test_cancel_needs_a_reason_and_frees_the_place(dh: DayHospital) -> None:
    first, second = _patients(dh, 2)
    b = _book(dh, first)
    act: dict[str, Any] = {"actor": dh.nurse, "workstation": WORKSTATION, "booking_id": b.pk}
    with pytest.raises(ValidationFailed):
        services.booking_transition(**act, expected_version=b.version, event="cancel")
    with pytest.raises(ValidationFailed) as unknown:
        services.booking_transition(**act, expected_version=b.version, event="explode")
    assert unknown.value.code == "event_unknown"
    services.booking_transition(
        **act, expected_version=b.version, event="cancel", reason="Neutropenia"
    )
    _book(dh, second)  # the chair is free again


def test_only_bookers_book(dh: DayHospital, make_user: MakeUser) -> None:
    (pid,) = _patients(dh, 1)
    with pytest.raises(PermissionRefused):
        services.booking_create(
            actor=make_user(Role.PHARMACIST),
            workstation=WORKSTATION,
            data=services.BookingInput(
                agenda_id=dh.agenda.pk,
                booking_type_id=dh.therapy.pk,
                patient_id=pid,
                day=MONDAY,
                start=time(9),
            ),
        )
    assert Booking.objects.count() == 0


def test_bookings_waiting_for_a_place_take_no_slot(dh: DayHospital) -> None:
    # given slots of two arrivals: three bookings to place at 9:00 (a programme's day), then
    # two placed ones in the same slot still fit — the day's plan will time the others
    patients = _patients(dh, 5)
    for pid in patients[:3]:
        assert _book(dh, pid, place_id=None).place_id is None
    _book(dh, patients[3], place_id=dh.place_ids["P01"])
    _book(dh, patients[4], place_id=dh.place_ids["P02"])
    assert Booking.objects.filter(day=MONDAY).count() == 5
