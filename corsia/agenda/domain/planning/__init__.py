"""The day's plan of a day hospital: chairs and beds, nurses, call-in times (README.md)."""

from corsia.agenda.domain.planning.build import assignment_for
from corsia.agenda.domain.planning.check import check_plan
from corsia.agenda.domain.planning.fcfs import fcfs_plan
from corsia.agenda.domain.planning.lower import lower_bound
from corsia.agenda.domain.planning.plan import (
    Assignment,
    Conflict,
    DayPlan,
    PhaseTime,
    PlanStatus,
    Unplaced,
)
from corsia.agenda.domain.planning.problem import (
    DayProblem,
    DayProblemInvalid,
    Fixed,
    Nurse,
    Phase,
    Place,
    PlaceKind,
    Pump,
    Visit,
)
from corsia.agenda.domain.planning.solver import plan_day, replan

__all__ = [
    "Assignment",
    "Conflict",
    "DayPlan",
    "DayProblem",
    "DayProblemInvalid",
    "Fixed",
    "Nurse",
    "Phase",
    "PhaseTime",
    "Place",
    "PlaceKind",
    "PlanStatus",
    "Pump",
    "Unplaced",
    "Visit",
    "assignment_for",
    "check_plan",
    "fcfs_plan",
    "lower_bound",
    "plan_day",
    "replan",
]
