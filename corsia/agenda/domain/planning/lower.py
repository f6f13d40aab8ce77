"""``lower_bound``: a makespan no valid plan of the day can beat, computed without search.

All figures in minutes from the opening; the bound is the largest of three:

1. **The longest single visit.** A visit cannot start its therapy before its own earliest
   start (the opening or its arrival window, plus the blood test and its results, and each
   drug not before its preparation is ready); it then stays for its whole span (drugs,
   protocol waits, observation, a detachment done in the unit). A fixed visit counts at its
   fixed start.
2. **The places' energy** (the classical release-date bound for identical machines,
   ``max_t t + Σ_{r_j ≥ t} p_j / m``). For a set ``P`` of places and the visits that can
   only go on ``P`` (each group of interchangeable places, and all the places together),
   for every threshold ``t`` among those visits' earliest starts: the visits that cannot
   start before ``t`` need Σ (chair minutes + turnover) of place time, less one turnover per
   place (the last patient of a place needs no remaking), shared by at most ``|P|`` places,
   so the last of them ends at least at ``t + ⌈(Σ − |P|·turnover) / |P|⌉``.
3. **The nurses' starts.** In any 30 minutes ``N`` nurses make at most ``N × cap`` starts
   (``N``: the nurses still on duty after ``t``). For a threshold ``t``, the ``E`` starts that
   cannot come before ``t`` need ``⌈E / (N·cap)⌉`` windows of 30 minutes, so the last of them
   is at ``t + 30·(⌈E / (N·cap)⌉ − 1)`` at the earliest, and its visit still stays at least
   the shortest remaining span of those starts' visits after it.

Visits that can never be placed today (``static_refusal``) are left out: the bound is for
the visits a plan can hold. A plan that leaves a visit out because the day is full can end
earlier than the bound, which is for the whole day's list.
"""

from __future__ import annotations

from corsia.agenda.domain.planning.build import (
    compatible,
    place_groups,
    shift_cover,
    static_refusal,
    visit_bounds,
)
from corsia.agenda.domain.planning.problem import DayProblem, Place, Visit


def lower_bound(problem: DayProblem) -> int:
    """The makespan lower bound of the module docstring, in minutes from the opening."""
    cover = shift_cover(problem)
    fixed = {f.visit_id: f.start for f in problem.fixed}
    jobs: list[tuple[int, Visit]] = []  # (earliest start, visit)
    for visit in problem.visits:
        if visit.id in fixed:
            jobs.append((fixed[visit.id], visit))
            continue
        bounds = visit_bounds(problem, visit, now=problem.opens, cover=cover)
        if static_refusal(problem, visit, bounds) is None:
            jobs.append((bounds.starts[0][0], visit))
    if not jobs:
        return 0
    typed = jobs
    single = max(est + v.span_minutes for est, v in typed)
    best = single
    groups = place_groups(problem)
    sets: list[tuple[Place, ...]] = [*groups, problem.places] if len(groups) > 1 else groups
    turnover = problem.turnover_minutes
    for places in sets:
        ids = {p.id for p in places}
        mine = [
            (est, v.chair_minutes + turnover)
            for est, v in typed
            if all(p.id in ids for p in problem.places if compatible(p, v))
        ]
        if not mine:
            continue
        mine.sort(reverse=True)
        total = 0
        m = len(places)
        for est, length in mine:  # thresholds from the latest earliest start down
            total += length
            best = max(best, est + -(-(total - m * turnover) // m))
    cap = problem.starts_per_half_hour
    events = sorted(
        ((est + o, v.span_minutes - o) for est, v in typed for o in v.nurse_offsets),
        reverse=True,
    )
    count = 0
    shortest_tail = None
    for t, tail in events:
        count += 1
        shortest_tail = tail if shortest_tail is None else min(shortest_tail, tail)
        on_duty = sum(1 for n in problem.nurses if n.shift_end > t)
        if on_duty == 0:
            continue
        windows = -(-count // (on_duty * cap))
        best = max(best, t + 30 * (windows - 1) + shortest_tail)
    return max(0, best - problem.opens)
