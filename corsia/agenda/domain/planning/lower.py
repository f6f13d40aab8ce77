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
3. **The nurses' starts.** One nurse makes at most ``cap`` starts in any 30 minutes, and only
   when on shift and not on a break: in ``L`` minutes of one stretch of availability at
   most ``cap·⌈L / 30⌉``. For a threshold ``t`` on the starts' earliest times and ``τ`` on
   what remains of their visit after them, the ``E`` starts that cannot come before ``t``
   and leave at least ``τ`` of their visit: if the nurses' capacity over ``[t, T)`` is
   below ``E``, one of them is at ``T`` or later, and its visit ends at ``T + τ`` at the
   earliest.

Visits that can never be placed today (``static_refusal``) are left out: the bound is for
the visits a plan can hold. ``only``: the bound of those visits alone (with the fixed
ones), e.g. the visits a plan placed when the day could not hold them all — a plan that
leaves visits out can end earlier than the whole day's bound, never earlier than its own.
"""

from __future__ import annotations

from collections.abc import Collection

from corsia.agenda.domain.planning.build import (
    compatible,
    place_groups,
    shift_cover,
    static_refusal,
    visit_bounds,
)
from corsia.agenda.domain.planning.problem import DayProblem, Place, Visit


def lower_bound(problem: DayProblem, only: Collection[str] | None = None) -> int:
    """The makespan lower bound of the module docstring, in minutes from the opening."""
    cover = shift_cover(problem)
    fixed = {f.visit_id: f.start for f in problem.fixed}
    jobs: list[tuple[int, Visit]] = []  # (earliest start, visit)
    for visit in problem.visits:
        if visit.id in fixed:
            jobs.append((fixed[visit.id], visit))
            continue
        if only is not None and visit.id not in only:
            continue
        bounds = visit_bounds(problem, visit, now=problem.opens, cover=cover)
        if static_refusal(problem, visit, bounds) is None:
            jobs.append((bounds.starts[0][0], visit))
    if not jobs:
        return 0
    single = max(est + v.span_minutes for est, v in jobs)
    best = max(single, _places_energy(problem, jobs), _nurse_starts(problem, jobs))
    return max(0, best - problem.opens)


def _places_energy(problem: DayProblem, jobs: list[tuple[int, Visit]]) -> int:
    best = 0
    groups = place_groups(problem)
    sets: list[tuple[Place, ...]] = [*groups, problem.places] if len(groups) > 1 else groups
    turnover = problem.turnover_minutes
    for places in sets:
        ids = {p.id for p in places}
        mine = [
            (est, v.chair_minutes + turnover)
            for est, v in jobs
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
    return best


def _nurse_starts(problem: DayProblem, jobs: list[tuple[int, Visit]]) -> int:
    """Item 3 of the module docstring. From ``t``, each stretch of availability opens a
    block of 30 minutes (at most ``cap`` starts) at ``max(lo, t)``, 30 minutes later, …:
    the ``E`` starts need ``⌈E / cap⌉`` blocks, so one of them is at the opening of the
    ``⌈E / cap⌉``-th block in time order or later."""
    cap = problem.starts_per_half_hour
    stretches = [s for n in problem.nurses for s in n.available]
    events = sorted(
        ((est + o, v.span_minutes - o) for est, v in jobs for o in v.nurse_offsets),
        reverse=True,
    )
    if not stretches or not events:
        return 0
    tails = sorted({tail for _e, tail in events})
    at_least = [0] * len(tails)  # starts so far (from t on) leaving at least tails[i]
    best = 0
    i = 0
    while i < len(events):
        t = events[i][0]
        while i < len(events) and events[i][0] == t:
            rank = tails.index(events[i][1])
            for j in range(rank + 1):
                at_least[j] += 1
            i += 1
        blocks = sorted(b for lo, hi in stretches if hi > t for b in range(max(lo, t), hi, 30))
        if not blocks:
            continue
        for tau, count in zip(tails, at_least, strict=True):
            if count:
                k = -(-count // cap)
                # more than every block holds: no plan has them all; the last block is a
                # valid (weak) figure for the plans that do not exist
                best = max(best, blocks[min(k, len(blocks)) - 1] + tau)
    return best
