"""From the solver's values to assignments: the solution read, then the places and the
nurses given group by group by interval colouring in start order (exact on interval
graphs, ``place_on_identical``), each item to the least busy free member (a nurse: one of
its ``cap`` slots)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from corsia.agenda.domain.planning.build import (
    Bounds,
    assignment_for,
    place_on_identical,
    starts_of,
    with_nurses,
)
from corsia.agenda.domain.planning.cpmodel import NURSE_WINDOW, DayModel, Options
from corsia.agenda.domain.planning.plan import Assignment
from corsia.agenda.domain.planning.problem import DayProblem


@dataclass
class Values:
    """One solution: per visit its start, call-in, presence, place group; per nurse start
    its nurse group (-1: none chosen)."""

    starts: dict[str, int]
    arrivals: dict[str, int]
    present: dict[str, int]
    place_group: dict[str, int]
    event_group: dict[tuple[str, int], int]


def read_values(solver: cp_model.CpSolver, dm: DayModel) -> Values:
    def chosen(options: Options) -> int:
        for gi, lit in options:
            if solver.boolean_value(lit):
                return gi
        return -1

    return Values(
        {v: solver.value(s) for v, s in dm.starts.items()},
        {v: solver.value(a) for v, a in dm.arrivals.items()},
        {v: int(solver.boolean_value(p)) for v, p in dm.present.items()},
        {v: chosen(o) for v, o in dm.place_choice.items()},
        {k: chosen(o) for k, o in dm.event_choice.items()},
    )


def decode(
    problem: DayProblem,
    dm: DayModel,
    *,
    pinned: tuple[Assignment, ...],
    free: Mapping[str, Bounds],
    values: Values,
) -> list[Assignment] | None:
    """The assignments of ``values`` (the pinned ones with their open starts' nurses), or
    None if a colouring fails (it cannot on the model's groups)."""
    placed_ids = [v for v in free if values.present[v]]
    place_of = _places(problem, dm, pinned=pinned, placed_ids=placed_ids, values=values)
    nurse_of = _nurses(problem, dm, pinned=pinned, placed_ids=placed_ids, values=values)
    if place_of is None or nurse_of is None:
        return None
    out: list[Assignment] = []
    for a in pinned:
        nurses = [
            n if n is not None else nurse_of.get((a.visit_id, k))
            for k, (_m, n) in enumerate(starts_of(problem.visit(a.visit_id), a))
        ]
        out.append(with_nurses(problem, a, nurses))
    for v in placed_ids:
        nurses = [nurse_of[(v, k)] for k in range(len(problem.visit(v).nurse_offsets))]
        out.append(
            assignment_for(
                problem,
                v,
                place_id=place_of[v],
                start=values.starts[v],
                arrival=values.arrivals[v],
                nurses=nurses,
            )
        )
    return out


def _places(
    problem: DayProblem,
    dm: DayModel,
    *,
    pinned: tuple[Assignment, ...],
    placed_ids: list[str],
    values: Values,
) -> dict[str, str] | None:
    turnover = problem.turnover_minutes
    place_of: dict[str, str] = {}
    for gi, g in enumerate(dm.place_groups):
        items = [(a.visit_id, a.start, a.end + turnover) for a in pinned if a.place_id in g.members]
        pins = {a.visit_id: a.place_id for a in pinned if a.place_id in g.members}
        for v in placed_ids:
            if values.place_group[v] == gi:
                s = values.starts[v]
                items.append((v, s, s + problem.visit(v).chair_minutes + turnover))
        got = place_on_identical(items, g.members, pins, {}, {})
        if got is None:
            return None
        place_of.update(got)
    return place_of


def _nurses(
    problem: DayProblem,
    dm: DayModel,
    *,
    pinned: tuple[Assignment, ...],
    placed_ids: list[str],
    values: Values,
) -> dict[tuple[str, int], str] | None:
    """Each group's starts (30-minute intervals) coloured onto ``cap`` slots per nurse: the
    starts of one slot never overlap, so no nurse has more than ``cap`` in any 30 minutes.
    A start fixed to a nurse first takes a free slot of that nurse (fixed starts come no
    later than the free ones in a group of several nurses, ``cpmodel``)."""
    cap = problem.starts_per_half_hour
    nurse_of: dict[tuple[str, int], str] = {}
    for gi, g in enumerate(dm.nurse_groups):
        events: list[tuple[str, int, int]] = []
        fixed_nurse: dict[str, str] = {}
        keys: dict[str, tuple[str, int]] = {}
        for a in pinned:
            for k, (m, n) in enumerate(starts_of(problem.visit(a.visit_id), a)):
                key = f"{a.visit_id}#{k}"
                if (n is not None and n in g.members) or (
                    n is None and values.event_group.get((a.visit_id, k)) == gi
                ):
                    events.append((key, m, m + NURSE_WINDOW))
                    keys[key] = (a.visit_id, k)
                    if n is not None:
                        fixed_nurse[key] = n
        for v in placed_ids:
            for k, offset in enumerate(problem.visit(v).nurse_offsets):
                if values.event_group[(v, k)] == gi:
                    key = f"{v}#{k}"
                    m = values.starts[v] + offset
                    events.append((key, m, m + NURSE_WINDOW))
                    keys[key] = (v, k)
        slots = [f"{n}#{j}" for n in g.members for j in range(cap)]
        # one nurse alone: any of its slots is its own
        pins = _slots_of_fixed(events, fixed_nurse, cap) if len(g.members) > 1 else {}
        if pins is None:
            return None
        got = place_on_identical(events, slots, pins, {}, {})
        if got is None:
            return None
        for key, slot in got.items():
            nurse_of[keys[key]] = slot.rsplit("#", 1)[0]
    return nurse_of


def _slots_of_fixed(
    events: list[tuple[str, int, int]], fixed_nurse: Mapping[str, str], cap: int
) -> dict[str, str] | None:
    """A slot of its own nurse for each start fixed to a nurse, in start order (the fixed
    starts keep the cap, ``check_plan`` said so before the solve)."""
    free_at: dict[str, int] = {}
    out: dict[str, str] = {}
    for key, start, end in sorted(events, key=lambda e: (e[1], e[0])):
        nurse = fixed_nurse.get(key)
        if nurse is None:
            continue
        slot = next(
            (f"{nurse}#{j}" for j in range(cap) if free_at.get(f"{nurse}#{j}", -1) <= start),
            None,
        )
        if slot is None:
            return None
        free_at[slot] = end
        out[key] = slot
    return out
