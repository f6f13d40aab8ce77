"""What a plan is: assignments with their phase times, the figures, what was left out and
why, and the conflicts ``check_plan`` reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlanStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best for the objectives (docs: README, "Objectives")
    FEASIBLE = "feasible"  # valid, not proven best within the time limit
    INFEASIBLE = "infeasible"  # nothing valid exists (e.g. fixed assignments in conflict)


@dataclass(frozen=True)
class PhaseTime:
    """One drug: starts at ``start``, holds the place until ``end`` (a portable pump: its
    connection), started by ``nurse``."""

    drug: str
    start: int
    end: int
    nurse: str | None


@dataclass(frozen=True)
class Assignment:
    """One visit placed: the call-in ``arrival``, the therapy ``start`` in ``place_id``, the
    place held until ``end`` (without the turnover), the phases, the portable pump's
    detachment (time and nurse) when it is done in the unit."""

    visit_id: str
    place_id: str
    arrival: int
    start: int
    end: int
    phases: tuple[PhaseTime, ...]
    detach_at: int | None = None
    detach_nurse: str | None = None

    @property
    def nurse_starts(self) -> tuple[tuple[int, str | None], ...]:
        """(minute, nurse) of every nurse start: the drugs a nurse starts, the detachment."""
        out: list[tuple[int, str | None]] = [
            (p.start, p.nurse) for p in self.phases if p.nurse is not None
        ]
        if self.detach_at is not None:
            out.append((self.detach_at, self.detach_nurse))
        return tuple(out)


@dataclass(frozen=True)
class Unplaced:
    visit_id: str
    code: str
    message: str


@dataclass(frozen=True)
class Conflict:
    """A rule the plan breaks: a stable English ``code``, an Italian ``message``."""

    code: str
    message: str
    visit_ids: tuple[str, ...] = ()
    place_id: str | None = None
    minute: int | None = None
    nurse_id: str | None = None


@dataclass(frozen=True)
class DayPlan:
    """The day planned. ``makespan``: minutes from the opening to the end of the last
    activity (a place released, a detachment done); ``total_wait``: the patients' minutes
    between the blood-test results and the therapy start; ``chair_balance``: over each group
    of interchangeable places, the busiest place's minutes minus the idlest's (the largest
    group figure); ``lower_bound``: ``lower_bound(problem)``; ``solver``: what produced it."""

    assignments: tuple[Assignment, ...]
    makespan: int
    total_wait: int
    chair_balance: int
    status: PlanStatus
    unplaced: tuple[Unplaced, ...] = ()
    lower_bound: int = 0
    solver: str = ""
    wall_s: float = 0.0

    def assignment(self, visit_id: str) -> Assignment | None:
        for a in self.assignments:
            if a.visit_id == visit_id:
                return a
        return None
