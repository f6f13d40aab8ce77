"""Random days for the planner's property tests (Hypothesis strategies): places of both
kinds, nurses with and without breaks, visits with phases, pumps, fixed assignments; and the
settings every planning property test runs with."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from corsia.agenda.domain.planning import (
    DayProblem,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    Pump,
    Visit,
)

OPENS, CLOSES = 480, 1080
SETTINGS = settings(
    max_examples=int(os.environ.get("CORSIA_PLANNING_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def phases(draw: st.DrawFn) -> tuple[Phase, ...]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        out.append(
            Phase(
                f"d{i}",
                draw(st.sampled_from([5, 15, 30, 60, 90, 120, 180])),
                wait_after=draw(st.sampled_from([0, 0, 5, 15, 30])),
                ready_at=draw(st.one_of(st.none(), st.integers(OPENS, OPENS + 300))),
                nurse_start=draw(st.booleans()) or i == 0,
            )
        )
    if draw(st.booleans()):
        out.append(
            Phase(
                "pompa",
                draw(st.sampled_from([60, 120, 1320])),
                pump=Pump.PORTABLE,
                connect_minutes=15,
                detach_in_unit=draw(st.booleans()),
            )
        )
    return tuple(out)


@st.composite
def days(draw: st.DrawFn) -> DayProblem:
    n_places = draw(st.integers(1, 4))
    places = tuple(
        Place(f"P{i}", kind, frozenset({kind, PlaceKind.CHAIR}))
        for i, kind in enumerate(
            draw(st.lists(st.sampled_from(list(PlaceKind)), min_size=n_places, max_size=n_places))
        )
    )
    nurses = []
    for i in range(draw(st.integers(1, 3))):
        start = draw(st.integers(OPENS - 60, OPENS + 240))
        end = min(1440, start + draw(st.integers(240, 600)))
        breaks: tuple[tuple[int, int], ...] = ()
        if draw(st.booleans()):  # a meal break somewhere inside the shift
            at = draw(st.integers(start, end - 30))
            breaks = (
                (at, at + draw(st.sampled_from([15, 30, 60])) if at + 60 <= end else at + 15),
            )
        nurses.append(Nurse(f"N{i}", start, end, breaks=breaks))
    visits = []
    for i in range(draw(st.integers(1, 9))):
        earliest = draw(st.integers(OPENS - 30, OPENS + 360))
        blood = draw(st.booleans())
        visits.append(
            Visit(
                f"V{i}",
                f"PZ{i}",
                earliest,
                earliest + draw(st.integers(0, 240)),
                draw(phases()),
                needs=draw(st.sampled_from([PlaceKind.CHAIR, PlaceKind.CHAIR, PlaceKind.BED])),
                blood_test_minutes=10 if blood else 0,
                blood_test_gap=draw(st.sampled_from([30, 60, 90])) if blood else 0,
                observation_minutes=draw(st.sampled_from([0, 15, 30])),
                priority=draw(st.integers(1, 3)),
            )
        )
    return DayProblem(
        opens=OPENS,
        closes=CLOSES,
        places=places,
        nurses=tuple(nurses),
        visits=tuple(visits),
        starts_per_half_hour=draw(st.integers(1, 4)),
        turnover_minutes=draw(st.sampled_from([0, 10])),
        time_limit_s=1.0,
        workers=1,
    )
