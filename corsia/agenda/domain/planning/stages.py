"""The solve stages (README, "Objectives"), lexicographic, on one model and one deadline:

1. the fewest visits left out (weighted by priority), then the smallest makespan, from the
   list schedule's complete hint;
2. with (1) held as a constraint, the least total patient waiting (minutes between the
   blood-test results and the therapy start, weighted by priority), then the earliest
   starts, from (1)'s solution.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from corsia.agenda.domain.planning.build import Bounds
from corsia.agenda.domain.planning.cpmodel import add_plan_hint, build_model
from corsia.agenda.domain.planning.decode import decode, read_values
from corsia.agenda.domain.planning.plan import Assignment, DayPlan
from corsia.agenda.domain.planning.problem import DAY_MINUTES, DayProblem

FIRST_SHARE = 0.6  # of the solver's time, for stage 1


def solve_stages(
    problem: DayProblem,
    *,
    pinned: tuple[Assignment, ...],
    free: Mapping[str, Bounds],
    time_limit_s: float,
    hint: DayPlan,
) -> tuple[list[Assignment], bool] | None:
    """The assignments found and whether both stages were proven optimal (for the model);
    None when the model has no solution in time."""
    deadline = time.perf_counter() + time_limit_s
    dm = build_model(problem, pinned=pinned, free=free)
    if dm is None:
        return None
    model = dm.model
    add_plan_hint(problem, dm, hint, free)
    first = cp_model.LinearExpr.sum(dm.left_out_terms) * dm.big + dm.makespan
    model.minimize(first)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = max(0.02, time_limit_s * FIRST_SHARE)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    optimal = status == cp_model.OPTIMAL
    values = read_values(solver, dm)
    best_first = round(solver.objective_value)
    remaining = deadline - time.perf_counter()
    if remaining > 0.02:
        model.add(first <= best_first)
        model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
        for visit_id, s in dm.starts.items():
            model.add_hint(s, values.starts[visit_id])
            model.add_hint(dm.arrivals[visit_id], values.arrivals[visit_id])
            model.add_hint(dm.present[visit_id], values.present[visit_id])
        scale = len(dm.early_terms) * DAY_MINUTES + 1
        model.minimize(
            cp_model.LinearExpr.sum(dm.wait_terms) * scale + cp_model.LinearExpr.sum(dm.early_terms)
        )
        solver.parameters.max_time_in_seconds = remaining
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = read_values(solver, dm)
            optimal = optimal and status == cp_model.OPTIMAL
        else:
            optimal = False
    placed = decode(problem, dm, pinned=pinned, free=free, values=values)
    if placed is None:
        return None
    return placed, optimal
