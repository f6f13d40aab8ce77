"""The CP-SAT model of a day (README, "The model"): the variables and hard constraints,
without objectives (``stages``) or a hint.

One therapy start ``S_v`` per free visit (its phases, waits, observation and detachment
follow at the protocol's fixed offsets), a call-in ``A_v`` with ``A_v + blood test +
results ≤ S_v``, a presence literal (a visit is left out only when the day cannot hold it).
Interchangeable places form a group: each visit holds one place of a compatible group from
``S_v`` for its chair minutes plus the turnover, and a cumulative of the group's size keeps
the places from ever being double-booked (``decode`` gives the places by colouring). Nurses
alike: each start is an interval of 30 minutes, in a cumulative of ``cap × the group's
size`` per group of nurses with the same stretches of availability (shift less breaks): at
any minute ``t`` the starts of ``(t − 30, t]`` are within the group's caps, which is the
rule exactly (``decode`` colours the starts onto ``cap`` slots per nurse, exact on interval
graphs, so no nurse has more than ``cap`` in any 30 minutes); a start in a group falls in
one of its stretches. A
place or nurse with a fixed assignment later than some free visit could start becomes a
group of its own, so that colouring stays exact.

The agenda's capacity per slot (``arrivals_per_slot``): each counted call-in ``A_v`` lies in
a slot ``q_v`` (``slot·q_v ≤ A_v < slot·(q_v + 1)``) and holds the interval
``[slot·q_v, slot·(q_v + 1))``; these intervals are aligned, so two overlap exactly when
they are the same slot, and one cumulative of the capacity keeps every slot within it. A
fixed call-in holds its slot's interval too (a slot already over the capacity by what is
fixed: capped, so the model stays feasible and nobody free is added there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

from corsia.agenda.domain.planning.build import Bounds, place_groups, starts_of
from corsia.agenda.domain.planning.plan import Assignment, DayPlan
from corsia.agenda.domain.planning.problem import DAY_MINUTES, DayProblem, Nurse, PlaceKind

Options = list[tuple[int, cp_model.IntVar]]  # (group index, literal)
NURSE_WINDOW = 30  # a start counts against its nurse's cap for the next 30 minutes


@dataclass
class Group:
    """Interchangeable places or nurses. ``available``: the ``[start, end)`` stretches in
    which the group's nurses can start (unused for places)."""

    members: tuple[str, ...]
    hosts: frozenset[PlaceKind] = frozenset()
    available: tuple[tuple[int, int], ...] = ((0, DAY_MINUTES),)
    intervals: list[cp_model.IntervalVar] = field(default_factory=list)

    def can_start(self, minute: int) -> bool:
        return any(lo <= minute < hi for lo, hi in self.available)

    def overlaps(self, lo: int, hi: int) -> bool:
        """Some minute of ``[lo, hi]`` is available."""
        return any(a <= hi and lo < b for a, b in self.available)

    def covers(self, lo: int, hi: int) -> bool:
        """Every minute of ``[lo, hi]`` is in one stretch."""
        return any(a <= lo and hi < b for a, b in self.available)


@dataclass
class DayModel:
    """The model and its variables, by visit (and by visit and nurse start)."""

    model: cp_model.CpModel
    makespan: cp_model.IntVar
    big: int  # horizon + 1: one visit left out outweighs any makespan
    starts: dict[str, cp_model.IntVar] = field(default_factory=dict)
    arrivals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    present: dict[str, cp_model.IntVar] = field(default_factory=dict)
    place_choice: dict[str, Options] = field(default_factory=dict)
    event_choice: dict[tuple[str, int], Options] = field(default_factory=dict)
    left_out_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    wait_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    early_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    waits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    earlies: dict[str, cp_model.IntVar] = field(default_factory=dict)
    place_groups: list[Group] = field(default_factory=list)
    nurse_groups: list[Group] = field(default_factory=list)
    slot_intervals: list[cp_model.IntervalVar] = field(default_factory=list)
    slots: dict[str, cp_model.IntVar] = field(default_factory=dict)  # each call-in's slot


def group_of(groups: Sequence[Group], member: str) -> int:
    for i, g in enumerate(groups):
        if member in g.members:
            return i
    raise KeyError(member)


def _groups(
    problem: DayProblem, pinned: tuple[Assignment, ...], free: Mapping[str, Bounds]
) -> tuple[list[Group], list[Group]]:
    """Groups of places and of nurses; what is fixed later than a free visit could start
    (pinned nurse starts, and open starts at fixed times) stands alone."""
    min_free_start = min((b.earliest for b in free.values()), default=DAY_MINUTES)
    min_free_event = min(
        [b.earliest + min(problem.visit(v).nurse_offsets, default=0) for v, b in free.items()]
        + [m for a in pinned for m, n in starts_of(problem.visit(a.visit_id), a) if n is None],
        default=DAY_MINUTES,
    )
    late_places = {a.place_id for a in pinned if a.start > min_free_start}
    late_nurses = {
        n
        for a in pinned
        for m, n in starts_of(problem.visit(a.visit_id), a)
        if n is not None and m > min_free_event
    }
    places: list[Group] = []
    for group in place_groups(problem):
        rest = tuple(p.id for p in group if p.id not in late_places)
        if rest:
            places.append(Group(rest, hosts=group[0].hosts))
        places.extend(Group((p.id,), hosts=p.hosts) for p in group if p.id in late_places)
    alike: dict[tuple[tuple[int, int], ...], list[Nurse]] = defaultdict(list)
    nurses: list[Group] = []
    for nurse in problem.nurses:
        if nurse.id in late_nurses:
            nurses.append(Group((nurse.id,), available=nurse.available))
        else:
            alike[nurse.available].append(nurse)
    nurses.extend(Group(tuple(n.id for n in ms), available=av) for av, ms in alike.items())
    return places, nurses


def build_model(
    problem: DayProblem, *, pinned: tuple[Assignment, ...], free: Mapping[str, Bounds]
) -> DayModel | None:
    """The day's model; None when an open start of a fixed visit has no nurse at all."""
    model = cp_model.CpModel()
    horizon = problem.closes - problem.opens
    dm = DayModel(model, model.new_int_var(0, horizon, "makespan"), horizon + 1)
    dm.place_groups, dm.nurse_groups = _groups(problem, pinned, free)
    if not all(_add_pinned(problem, dm, a) for a in pinned):
        return None
    for visit_id, b in free.items():
        _add_free(problem, dm, visit_id, b)
    for g in dm.place_groups:
        if len(g.members) == 1:
            model.add_no_overlap(g.intervals)
        elif g.intervals:
            model.add_cumulative(g.intervals, [1] * len(g.intervals), len(g.members))
    cap = problem.starts_per_half_hour
    for g in dm.nurse_groups:
        if g.intervals:
            model.add_cumulative(g.intervals, [1] * len(g.intervals), cap * len(g.members))
    _slot_capacity(problem, dm, pinned, free)
    return dm


def _slot_capacity(
    problem: DayProblem, dm: DayModel, pinned: tuple[Assignment, ...], free: Mapping[str, Bounds]
) -> None:
    """At most ``arrivals_per_slot`` call-ins per slot (module docstring)."""
    cap, width = problem.arrivals_per_slot, problem.slot_minutes
    if not cap:
        return
    model = dm.model
    taken: dict[int, int] = defaultdict(int)
    for a in pinned:
        if problem.visit(a.visit_id).counts_arrival:
            taken[problem.slot_of(a.arrival)] += 1
    for slot, count in taken.items():
        for k in range(min(count, cap)):
            dm.slot_intervals.append(
                model.new_fixed_size_interval_var(slot * width, width, f"slot_{slot}_{k}")
            )
    for visit_id, arrival in dm.arrivals.items():
        if not problem.visit(visit_id).counts_arrival:
            continue
        b = free[visit_id]
        q = model.new_int_var(b.arrival_lo // width, b.arrival_hi // width, f"q_{visit_id}")
        dm.slots[visit_id] = q
        model.add(arrival >= width * q)
        model.add(arrival <= width * q + width - 1)
        dm.slot_intervals.append(
            model.new_optional_fixed_size_interval_var(
                width * q, width, dm.present[visit_id], f"sl_{visit_id}"
            )
        )
    if dm.slot_intervals:
        model.add_cumulative(dm.slot_intervals, [1] * len(dm.slot_intervals), cap)


def _add_pinned(problem: DayProblem, dm: DayModel, a: Assignment) -> bool:
    """A fixed visit: constant intervals in its place's and nurses' groups, a choice of
    nurse group for each start it leaves open."""
    model, window = dm.model, NURSE_WINDOW
    visit = problem.visit(a.visit_id)
    g = dm.place_groups[group_of(dm.place_groups, a.place_id)]
    g.intervals.append(
        model.new_fixed_size_interval_var(
            a.start, a.end - a.start + problem.turnover_minutes, f"pin_{a.visit_id}"
        )
    )
    model.add(dm.makespan >= a.start + visit.span_minutes - problem.opens)
    needed = starts_of(visit, a)
    for k, (m, n) in enumerate(needed):
        if n is not None:
            ng = dm.nurse_groups[group_of(dm.nurse_groups, n)]
            ng.intervals.append(
                model.new_fixed_size_interval_var(m, window, f"pinn_{a.visit_id}_{k}")
            )
    for k, (m, n) in enumerate(needed):
        if n is not None:
            continue
        options: Options = []
        for gi, ng in enumerate(dm.nurse_groups):
            if ng.can_start(m):
                lit = model.new_bool_var(f"y_{a.visit_id}_{k}_{gi}")
                ng.intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        m, window, lit, f"pe_{a.visit_id}_{k}_{gi}"
                    )
                )
                options.append((gi, lit))
        if not options:
            return False
        model.add_exactly_one(lit for _, lit in options)
        dm.event_choice[(a.visit_id, k)] = options
    return True


def _add_free(problem: DayProblem, dm: DayModel, visit_id: str, b: Bounds) -> None:
    model, window = dm.model, NURSE_WINDOW
    visit = problem.visit(visit_id)
    domain = sorted_interval_list.Domain.from_intervals([list(r) for r in b.starts])
    s = model.new_int_var_from_domain(domain, f"s_{visit_id}")
    lit_p = model.new_bool_var(f"p_{visit_id}")
    arrival = model.new_int_var(b.arrival_lo, b.arrival_hi, f"a_{visit_id}")
    dm.starts[visit_id], dm.present[visit_id], dm.arrivals[visit_id] = s, lit_p, arrival
    model.add(arrival + visit.results_after <= s).only_enforce_if(lit_p)
    wait = model.new_int_var(0, DAY_MINUTES, f"w_{visit_id}")
    model.add(wait == s - visit.results_after - arrival).only_enforce_if(lit_p)
    model.add(wait == 0).only_enforce_if(~lit_p)
    dm.wait_terms.append(visit.priority * wait)  # an urgent patient waits less
    dm.waits[visit_id] = wait
    early = model.new_int_var(0, DAY_MINUTES, f"e_{visit_id}")
    model.add(early == s - b.earliest).only_enforce_if(lit_p)
    model.add(early == 0).only_enforce_if(~lit_p)
    dm.early_terms.append(early)
    dm.earlies[visit_id] = early
    dm.left_out_terms.append(visit.priority * (1 - lit_p))
    model.add(dm.makespan >= s + visit.span_minutes - problem.opens).only_enforce_if(lit_p)
    length = visit.chair_minutes + problem.turnover_minutes
    compatible = [gi for gi, g in enumerate(dm.place_groups) if visit.needs in g.hosts]
    options: Options = []
    for gi in compatible:
        lit = lit_p if len(compatible) == 1 else model.new_bool_var(f"x_{visit_id}_{gi}")
        dm.place_groups[gi].intervals.append(
            model.new_optional_fixed_size_interval_var(s, length, lit, f"c_{visit_id}_{gi}")
        )
        options.append((gi, lit))
    if len(options) > 1:
        model.add(sum(lit for _, lit in options) == lit_p)
    dm.place_choice[visit_id] = options
    for k, offset in enumerate(visit.nurse_offsets):
        lo, hi = b.starts[0][0] + offset, b.starts[-1][1] + offset
        usable = [gi for gi, g in enumerate(dm.nurse_groups) if g.overlaps(lo, hi)]
        options = []
        for gi in usable:
            g = dm.nurse_groups[gi]
            lit = lit_p if len(usable) == 1 else model.new_bool_var(f"y_{visit_id}_{k}_{gi}")
            if not g.covers(lo, hi):
                # the start falls in one of the group's stretches (shift less breaks)
                stretches = sorted_interval_list.Domain.from_intervals(
                    [[a, z - 1] for a, z in g.available]
                )
                model.add_linear_expression_in_domain(s + offset, stretches).only_enforce_if(lit)
            g.intervals.append(
                model.new_optional_fixed_size_interval_var(
                    s + offset, window, lit, f"n_{visit_id}_{k}_{gi}"
                )
            )
            options.append((gi, lit))
        if len(options) > 1:
            model.add(sum(lit for _, lit in options) == lit_p)
        dm.event_choice[(visit_id, k)] = options


def add_plan_hint(
    problem: DayProblem,
    dm: DayModel,
    hint: DayPlan,
    free: Mapping[str, Bounds],
    pinned: tuple[Assignment, ...],
) -> None:
    """A complete hint from a plan: presence, starts, call-ins, place and nurse groups, the
    waits and the makespan (so that the solver need not complete it)."""
    model = dm.model
    hinted = {a.visit_id: a for a in hint.assignments}
    ends = [a.start + problem.visit(a.visit_id).span_minutes for a in pinned]
    for visit_id, s in dm.starts.items():
        present = dm.present[visit_id]
        previous = hinted.get(visit_id)
        if previous is None:
            model.add_hint(present, 0)
            model.add_hint(dm.waits[visit_id], 0)
            model.add_hint(dm.earlies[visit_id], 0)
            choices = [lit for _gi, lit in dm.place_choice[visit_id]] + [
                lit
                for k in range(len(problem.visit(visit_id).nurse_offsets))
                for _gi, lit in dm.event_choice.get((visit_id, k), [])
            ]
            for lit in choices:
                if lit is not present:
                    model.add_hint(lit, 0)
            continue
        visit = problem.visit(visit_id)
        b = free[visit_id]
        arrival = min(b.arrival_hi, max(b.arrival_lo, previous.arrival))
        model.add_hint(present, 1)
        model.add_hint(s, previous.start)
        model.add_hint(dm.arrivals[visit_id], arrival)
        if visit_id in dm.slots:
            model.add_hint(dm.slots[visit_id], problem.slot_of(arrival))
        model.add_hint(dm.waits[visit_id], max(0, previous.start - visit.results_after - arrival))
        model.add_hint(dm.earlies[visit_id], max(0, previous.start - b.earliest))
        ends.append(previous.start + visit.span_minutes)
        for gi, lit in dm.place_choice[visit_id]:
            if lit is not present:
                model.add_hint(lit, int(previous.place_id in dm.place_groups[gi].members))
        for k, (_m, who) in enumerate(starts_of(visit, previous)):
            for gi, lit in dm.event_choice.get((visit_id, k), []):
                if lit is not present:
                    model.add_hint(lit, int(who in dm.nurse_groups[gi].members))
    model.add_hint(dm.makespan, max(0, max(ends, default=problem.opens) - problem.opens))
