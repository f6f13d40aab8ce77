"""The order's life, pure rules: decisions vs milestones, the milestone plan, the
independent double check, the duplicate / too-early cycle (dates computed by hand)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.accounts.domain.roles import Role
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.prescribing.domain.cycle_schedule import (
    OtherCycle,
    ensure_schedule_justified,
    schedule_problems,
)
from corsia.prescribing.domain.states import (
    DECISIONS,
    MILESTONE_EVENTS,
    TRANSITIONS,
    MilestoneStep,
    OrderEvent,
    OrderMilestone,
    OrderState,
    TransitionNotAllowedHere,
    authorise_transition,
    decisions_available,
    ensure_decision,
    ensure_independent_validator,
    milestone_plan,
    next_state,
)
from corsia.prescribing.domain.validation import VALIDATED_FIELDS, line_fingerprint

S, E, M = OrderState, OrderEvent, OrderMilestone

# written out by hand: the four facts of the closed loop that no person fires directly
HAND_MILESTONES = {E.START_PREPARATION, E.COMPLETE_PREPARATION, E.DELIVER, E.ADMINISTER}


def test_H_closed_loop_every_event_is_a_decision_or_a_milestone() -> None:
    assert MILESTONE_EVENTS == HAND_MILESTONES
    assert set(E) - HAND_MILESTONES == DECISIONS
    assert not DECISIONS & MILESTONE_EVENTS


@pytest.mark.parametrize("event", sorted(HAND_MILESTONES))
def test_H_closed_loop_a_milestone_is_refused_from_outside(event: OrderEvent) -> None:
    with pytest.raises(TransitionNotAllowedHere) as refused:
        ensure_decision(event)
    assert refused.value.code == "transition_not_allowed_here"
    assert refused.value.status == 409


@pytest.mark.parametrize("event", sorted(set(E) - HAND_MILESTONES))
def test_decisions_pass(event: OrderEvent) -> None:
    ensure_decision(event)


def test_H_closed_loop_no_role_is_offered_a_milestone_button() -> None:
    every_role = set(Role)
    for state in S:
        offered = set(decisions_available(state, every_role))
        assert not offered & HAND_MILESTONES, state
        assert all((state, e) in TRANSITIONS for e in offered)
    # a nurse sees nothing on a delivered order (administration is at the bedside)
    assert decisions_available(S.DELIVERED, {Role.NURSE}) == []


# the milestone plan, by hand: (state, milestone) -> (step, events)
PLAN = {
    (S.TAKEN_IN_CHARGE, M.PREPARATION_STARTED): (MilestoneStep.RECORD, (E.START_PREPARATION,)),
    (S.IN_PREPARATION, M.PREPARATION_STARTED): (MilestoneStep.ALREADY_REACHED, ()),
    (S.DELIVERED, M.PREPARATION_STARTED): (MilestoneStep.ALREADY_REACHED, ()),
    (S.IN_PREPARATION, M.PREPARATION_COMPLETED): (
        MilestoneStep.RECORD,
        (E.COMPLETE_PREPARATION,),
    ),
    (S.TAKEN_IN_CHARGE, M.PREPARATION_COMPLETED): (MilestoneStep.NOT_YET, ()),
    (S.PREPARED, M.DELIVERED): (MilestoneStep.RECORD, (E.DELIVER,)),
    (S.DELIVERED, M.DELIVERED): (MilestoneStep.ALREADY_REACHED, ()),
    (S.ADMINISTERED, M.DELIVERED): (MilestoneStep.ALREADY_REACHED, ()),
    (S.VALIDATED, M.DELIVERED): (MilestoneStep.NOT_YET, ()),
    (S.DELIVERED, M.ADMINISTERED): (MilestoneStep.RECORD, (E.ADMINISTER,)),
    (S.PREPARED, M.ADMINISTERED): (MilestoneStep.RECORD, (E.DELIVER, E.ADMINISTER)),
    (S.ADMINISTERED, M.ADMINISTERED): (MilestoneStep.ALREADY_REACHED, ()),
    (S.VALIDATED, M.ADMINISTERED): (MilestoneStep.NOT_YET, ()),
    (S.SUSPENDED, M.ADMINISTERED): (MilestoneStep.NOT_APPLICABLE, ()),
    (S.CANCELLED, M.DELIVERED): (MilestoneStep.NOT_APPLICABLE, ()),
    (S.SENT_TO_PHARMACY, M.PREPARATION_STARTED): (MilestoneStep.NOT_APPLICABLE, ()),
    (S.RETURNED_TO_PRESCRIBER, M.PREPARATION_COMPLETED): (MilestoneStep.NOT_APPLICABLE, ()),
}


@pytest.mark.parametrize(("state", "milestone"), sorted(PLAN))
def test_milestone_plan_by_hand(state: OrderState, milestone: OrderMilestone) -> None:
    assert milestone_plan(state, milestone) == PLAN[(state, milestone)]


@given(st.sampled_from(list(S)), st.sampled_from(list(M)))
def test_a_milestone_plan_follows_the_table(state: OrderState, milestone: OrderMilestone) -> None:
    step, path = milestone_plan(state, milestone)
    if step is MilestoneStep.RECORD:
        for event in path:
            assert event in HAND_MILESTONES
            state = next_state(state, event)  # every arrow exists in the table
        assert milestone_plan(state, milestone)[0] is MilestoneStep.ALREADY_REACHED
    else:
        assert path == ()


def test_H_double_check_validator_who_edited_is_refused() -> None:
    # prescriber 1, physician 2 edited the order, pharmacist 3 is independent
    with pytest.raises(PermissionRefused) as own:
        ensure_independent_validator(prescriber_id=1, validator_id=1, authors={1, 2})
    assert own.value.code == "validator_is_prescriber"
    with pytest.raises(PermissionRefused) as edited:
        ensure_independent_validator(prescriber_id=1, validator_id=2, authors={1, 2})
    assert edited.value.code == "validator_edited_order"
    ensure_independent_validator(prescriber_id=1, validator_id=3, authors={1, 2})
    with pytest.raises(PermissionRefused) as through_table:
        authorise_transition(
            S.SENT_TO_PHARMACY,
            E.VALIDATE,
            actor_id=2,
            actor_roles={Role.PHYSICIAN},
            prescriber_id=1,
            authors={1, 2},
        )
    assert through_table.value.code == "validator_edited_order"


def _line(**changes: object) -> dict[str, object]:
    line: dict[str, object] = {
        "ingredient_id": 7,
        "product_id": None,
        "sequence": 3,
        "day_of_cycle": 1,
        "scheduled_date": date(2026, 1, 5),
        "route": "iv",
        "competence": "pharmacy",
        "infusion_type": "",
        "duration_minutes": 120,
        "preparation": "glucosio 5% 250 mL",
        "dose": Decimal("85.0000"),
        "dose_unit": "mg/m2",
        "amount_unit": "mg",
        "final_dose": Decimal("170.0000"),
        "reduction_percent": Decimal("0.00"),
        "status": "active",
        "override_reason": "",
    }
    return {**line, **changes}


def test_H_double_check_a_changed_line_no_longer_matches_its_validation() -> None:
    validated = line_fingerprint(_line())
    # the same content read back with other Decimal exponents is the same line
    assert line_fingerprint(_line(final_dose=Decimal(170), dose=Decimal("85"))) == validated
    for field, value in (
        ("final_dose", Decimal("136.0000")),
        ("reduction_percent", Decimal(20)),
        ("product_id", 12),
        ("scheduled_date", date(2026, 1, 6)),
        ("status", "suspended"),
        ("route", "po"),
    ):
        assert line_fingerprint(_line(**{field: value})) != validated, field
    assert set(_line()) == set(VALIDATED_FIELDS)


def _cycle(order_id: int, cycle: int, start: date, length: int = 21) -> OtherCycle:
    return OtherCycle(
        order_id=order_id, cycle_number=cycle, start_date=start, cycle_length_days=length
    )


def test_H_too_early_cycle_21_day_regimen_by_hand() -> None:
    # cycle 1 on 2026-01-05, 21 days, tolerance 2: earliest 2026-01-05 + 19 = 2026-01-24
    first = [_cycle(10, 1, date(2026, 1, 5))]
    early = schedule_problems(
        cycle_number=2, start_date=date(2026, 1, 23), others=first, tolerance_days=2
    )
    assert [(p.code, p.order_id, p.earliest) for p in early] == [
        ("cycle_too_early", 10, date(2026, 1, 24))
    ]
    assert "24/01/2026" in early[0].message
    assert (
        schedule_problems(
            cycle_number=2, start_date=date(2026, 1, 24), others=first, tolerance_days=2
        )
        == []
    )
    # no tolerance: 2026-01-26 is the earliest
    assert schedule_problems(
        cycle_number=2, start_date=date(2026, 1, 25), others=first, tolerance_days=0
    )[0].earliest == date(2026, 1, 26)
    # the previous cycle is the highest below: cycle 3 after cycle 2 on 2026-01-26
    two = [*first, _cycle(11, 2, date(2026, 1, 26))]
    late_enough = schedule_problems(
        cycle_number=3, start_date=date(2026, 2, 14), others=two, tolerance_days=2
    )
    assert late_enough == []  # 2026-01-26 + 19 = 2026-02-14
    assert schedule_problems(
        cycle_number=3, start_date=date(2026, 2, 13), others=two, tolerance_days=2
    )[0].earliest == date(2026, 2, 14)


def test_H_duplicate_cycle_by_hand() -> None:
    others = [_cycle(10, 1, date(2026, 1, 5))]
    problems = schedule_problems(
        cycle_number=1, start_date=date(2026, 3, 1), others=others, tolerance_days=2
    )
    assert [(p.code, p.order_id) for p in problems] == [("cycle_duplicate", 10)]
    with pytest.raises(ValidationFailed) as refused:
        ensure_schedule_justified(problems, "  ")
    assert refused.value.code == "cycle_duplicate"
    assert refused.value.field == "schedule_reason"
    ensure_schedule_justified(problems, "Ripetizione del ciclo 1 dopo sospensione")
    ensure_schedule_justified([], "")


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    offset=st.integers(min_value=-60, max_value=60),
    length=st.integers(min_value=1, max_value=56),
    tolerance=st.integers(min_value=0, max_value=7),
)
def test_too_early_is_exactly_before_the_earliest_day(
    start: date, offset: int, length: int, tolerance: int
) -> None:
    new = start + timedelta(days=offset)
    problems = schedule_problems(
        cycle_number=2,
        start_date=new,
        others=[_cycle(1, 1, start, length)],
        tolerance_days=tolerance,
    )
    assert bool(problems) == (offset < length - tolerance)
