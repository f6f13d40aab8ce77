"""The solve stages (README, "Objectives"), lexicographic, on one model and one deadline,
each stage's best value held as a constraint in the next and its solution the next
(complete) hint:

1. the fewest visits left out (weighted by priority), then the smallest makespan: one
   objective, ``left out × (horizon + 1) + makespan``;
2. the least total patient waiting (minutes between the blood-test results and the therapy
   start, weighted by priority), then the earliest starts.

The hint (the best list schedule, which keeps the model's rules) is checked first with
every variable fixed to it: when it fits, it is the incumbent and stage 1 may not end
worse, so the solver's plan is never worse than its hint. A stage proven optimal early
leaves its time to the next; a stage that finds nothing better in its time passes the
incumbent on. (A separate stage for the visits left out alone was tried: on the M days it
often ended without a solution in its share of the time.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from corsia.agenda.domain.planning.build import Bounds
from corsia.agenda.domain.planning.cpmodel import add_plan_hint, build_model
from corsia.agenda.domain.planning.decode import Values, decode, read_values
from corsia.agenda.domain.planning.plan import Assignment, DayPlan
from corsia.agenda.domain.planning.problem import DAY_MINUTES, DayProblem

# the share of the time left that each stage may take (the last: all that is left)
SHARES = (0.6, 1.0)


def solve_stages(
    problem: DayProblem,
    *,
    pinned: tuple[Assignment, ...],
    free: Mapping[str, Bounds],
    time_limit_s: float,
    hint: DayPlan,
) -> tuple[list[Assignment], bool] | None:
    """The assignments found and whether every stage was proven optimal (for the model);
    None when the model has no solution in time."""
    deadline = time.perf_counter() + time_limit_s
    dm = build_model(problem, pinned=pinned, free=free)
    if dm is None:
        return None
    model = dm.model
    add_plan_hint(problem, dm, hint, free, pinned)
    left_out = cp_model.LinearExpr.sum(dm.left_out_terms)
    scale = len(dm.early_terms) * DAY_MINUTES + 1
    waiting = cp_model.LinearExpr.sum(dm.wait_terms) * scale + cp_model.LinearExpr.sum(
        dm.early_terms
    )
    first = left_out * dm.big + dm.makespan
    objectives: list[cp_model.LinearExprT] = [first, waiting]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = 0
    # one presolve pass: on the M centre's days the full presolve took most of the first
    # stage's time and found fewer visits placed (docs/benchmarks.md, "Day planner")
    solver.parameters.max_presolve_iterations = 1
    values: Values | None = None
    optimal = True
    # the hint checked first (every variable fixed to it: a few milliseconds): when it fits
    # the model, it is the incumbent and no stage may end worse than it
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = max(0.02, 0.1 * time_limit_s)
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = read_values(solver, dm)
        _hint_solution(model, solver)
        model.add(first <= round(solver.value(first)))
    solver.parameters.fix_variables_to_their_hinted_value = False
    for share, objective in zip(SHARES, objectives, strict=True):
        remaining = deadline - time.perf_counter()
        if remaining <= 0.02 and values is not None:
            optimal = False
            break
        model.minimize(objective)
        solver.parameters.max_time_in_seconds = max(0.02, remaining * share)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if values is None:
                return None
            optimal = False
            continue  # the next stage from the incumbent (the hint), with the time left
        values = read_values(solver, dm)
        optimal = optimal and status == cp_model.OPTIMAL
        model.add(objective <= round(solver.objective_value))
        _hint_solution(model, solver)
    assert values is not None
    placed = decode(problem, dm, pinned=pinned, free=free, values=values)
    if placed is None:
        return None
    return placed, optimal


def _hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """The next stage starts from this stage's solution, every variable of it."""
    model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))
