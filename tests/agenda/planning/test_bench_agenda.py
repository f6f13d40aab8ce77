"""The day-planner benchmark at its smallest: one generated day of the S centre, figures
with their goals, and the plan and its re-plan valid."""

from __future__ import annotations

import random

from bench.agenda import GOALS, agenda_benchmark
from bench.agenda_days import SCALES, saturation, synthetic_day
from corsia.agenda.domain.planning import lower_bound


def test_the_synthetic_day_is_the_centre_of_the_issue() -> None:
    problem = synthetic_day(random.Random("t"), SCALES["S"], time_limit_s=1.0)
    # >= 60 patients, 15 places, 4 nurses at scale S
    assert len(problem.visits) >= 60
    assert (len(problem.places), len(problem.nurses)) == (15, 4)
    assert 0.5 < saturation(problem) < 1.3
    assert lower_bound(problem) > 0


def test_one_day_gives_every_figure_and_goal() -> None:
    figures = agenda_benchmark(days=1, seed=3, scales=("S",), time_limit_s=1.0)["S"]
    assert set(figures["goals"]) == {
        "plan_s_max",
        "within_5pct_of_lower_bound_share",
        "fcfs_reduction_saturated",
        "urgent_replan_s_max",
        "no_conflicts_started_kept",
    }
    (day,) = figures["days"]
    assert day["conflicts"] == 0 and day["urgent_replan_conflicts"] == 0
    assert day["urgent_started_kept"]
    assert day["makespan"] <= day["fcfs_makespan"] or day["unplaced"] < day["fcfs_unplaced"]
    assert set(GOALS) == {
        "plan_s_max",
        "within_5pct_of_lower_bound_share",
        "fcfs_reduction_saturated_min",
        "urgent_replan_s_max",
    }


def test_the_table_lines_of_make_bench() -> None:
    from bench.table import agenda_lines

    result = agenda_benchmark(days=1, seed=4, scales=("S",), time_limit_s=0.5)
    lines = agenda_lines(result)
    assert lines[0].startswith("day planner S (1 days, ")
    assert sum(line.startswith("goal ") for line in lines) == 5
