"""Phases of an access and the opening checks, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from corsia.agenda.domain.calendar import Calendar, Window, windows_overlap
from corsia.agenda.domain.phases import (
    AccessShape,
    DrugStep,
    PhaseKind,
    arrival,
    build_phases,
    place_span,
)
from corsia.agenda.domain.states import BookingEvent, BookingState, next_state
from corsia.core.domain.errors import InvalidTransition, ValidationFailed

AT_9 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_folfox_day_1_phases_by_hand() -> None:
    # given a blood test 60' before the chair (10' sampling), oxaliplatin 120' and
    # folinate 120' together then 5-FU bolus 5', a 30' observation of the type, and the
    # portable pump's connection (10')
    shape = AccessShape(
        blood_test_lead_minutes=60,
        blood_test_minutes=10,
        steps=(
            DrugStep("OXALIPLATINO + LEUCOVORIN", 120, after_minutes=0),
            DrugStep("5-FU bolo", 5, after_minutes=15),
        ),
        observation_minutes=30,
        pump_detachment_minutes=10,
    )
    phases = build_phases(shape, AT_9)
    # then: 8:00–8:10 sampling, 8:10–9:00 wait; 9:00–11:00; 11:00–11:05; the 15' after the
    # last drug is within the 30' observation 11:05–11:35; pump 11:35–11:45
    assert [(p.kind, p.start.time(), p.end.time()) for p in phases] == [
        (PhaseKind.BLOOD_TEST, time(8, 0), time(8, 10)),
        (PhaseKind.WAIT, time(8, 10), time(9, 0)),
        (PhaseKind.THERAPY, time(9, 0), time(11, 0)),
        (PhaseKind.THERAPY, time(11, 0), time(11, 5)),
        (PhaseKind.OBSERVATION, time(11, 5), time(11, 35)),
        (PhaseKind.PUMP_DETACHMENT, time(11, 35), time(11, 45)),
    ]
    assert place_span(phases) == (AT_9, datetime(2027, 1, 4, 11, 45, tzinfo=UTC))
    assert arrival(phases) == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def test_a_drug_without_duration_takes_30_minutes_and_its_observation_counts() -> None:
    phases = build_phases(
        AccessShape(steps=(DrugStep("RITUXIMAB", None, observation_minutes=60),)), AT_9
    )
    assert [(p.kind, p.minutes) for p in phases] == [
        (PhaseKind.THERAPY, 30),
        (PhaseKind.OBSERVATION, 60),
    ]


def test_a_visit_without_drugs_takes_the_types_minutes() -> None:
    (visit,) = build_phases(AccessShape(fallback_minutes=20), AT_9)
    assert (visit.kind, visit.minutes) == (PhaseKind.VISIT, 20)


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1, 10**9])
def test_absurd_durations_are_refused(minutes: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        build_phases(AccessShape(steps=(DrugStep("X", minutes),)), AT_9)
    assert refused.value.code == "duration_invalid"


CAL = Calendar(
    windows=(
        Window(0, time(7, 30), time(13, 0), "mattina"),
        Window(0, time(14), time(19), "pomeriggio"),
    ),
    closed=frozenset({date(2027, 1, 11)}),
)


def test_a_span_inside_a_shift_passes() -> None:
    CAL.check_span(date(2027, 1, 4), time(8), time(12, 30))
    CAL.check_span(date(2027, 1, 4), time(14), time(19))


@pytest.mark.parametrize(
    ("day", "start", "end", "code"),
    [
        (date(2027, 1, 4), time(12), time(14, 30), "outside_opening_hours"),  # across lunch
        (date(2027, 1, 4), time(7), time(8), "outside_opening_hours"),
        (date(2027, 1, 4), time(9), time(8), "end_before_start"),
        (date(2027, 1, 5), time(9), time(10), "agenda_closed_day"),  # Tuesday: not open
        (date(2027, 1, 11), time(9), time(10), "agenda_closed_day"),  # closed Monday
    ],
)
def test_spans_the_agenda_cannot_hold(day: date, start: time, end: time, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        CAL.check_span(day, start, end)
    assert refused.value.code == code


def test_next_open_day_and_overlapping_shifts() -> None:
    assert CAL.next_open_day(date(2027, 1, 5)) == date(2027, 1, 18)  # 11 Jan closed
    assert windows_overlap([Window(0, time(8), time(13)), Window(0, time(12), time(18))])
    assert not windows_overlap([Window(0, time(8), time(13)), Window(1, time(12), time(18))])


def test_booking_states() -> None:
    assert next_state(BookingState.PLANNED, BookingEvent.ARRIVE) == BookingState.ARRIVED
    assert next_state("started", "finish") == BookingState.DONE
    with pytest.raises(InvalidTransition):
        next_state(BookingState.STARTED, BookingEvent.CANCEL)
    with pytest.raises(InvalidTransition):
        next_state(BookingState.CANCELLED, BookingEvent.CONFIRM)


def test_folfox4_day_1_from_the_library_timings() -> None:
    # FOLFOX-4 day 1 as the library gives it: ondansetron 15', dexamethasone 15',
    # oxaliplatin 120', folinate 120', 5-FU bolus (no duration: 5'), 5-FU 22 h continuous
    # (home, portable pump: 15' to connect); no blood test, no observation
    steps = (
        DrugStep("ondansetron", 15),
        DrugStep("dexamethasone", 15),
        DrugStep("oxaliplatin", 120),
        DrugStep("calcium_folinate", 120),
        DrugStep("fluorouracil", None, bolus=True),
        DrugStep("fluorouracil", 1320, continuous=True),
    )
    phases = build_phases(AccessShape(steps=steps), AT_9)
    # 9:00 +15 +15 +120 +120 +5 = 13:35, then the pump 13:35–13:50
    assert [(p.kind, p.end.time()) for p in phases][-2:] == [
        (PhaseKind.THERAPY, time(13, 35)),
        (PhaseKind.PUMP_CONNECTION, time(13, 50)),
    ]
    assert place_span(phases)[1] == datetime(2027, 1, 4, 13, 50, tzinfo=UTC)
