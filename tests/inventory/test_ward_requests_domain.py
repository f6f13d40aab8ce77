"""Ward requests, pure rules: the state machine, the pharmacist's decisions, the pick's
limits, the receipt's discrepancies and the restock proposal from par levels (worked by
hand in the comments)."""

from __future__ import annotations

import pytest

from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.inventory.domain.ward_requests import (
    Decision,
    DiscrepancyKind,
    LineDecision,
    LineDraft,
    ParLevelRule,
    PickLine,
    ReceiptLine,
    RequestAction,
    RequestKind,
    RequestState,
    check_close_pick,
    check_lines,
    check_par_level,
    check_pick,
    evaluate_line,
    receipt_discrepancies,
    require_state,
    restock_proposal,
    state_after_evaluation,
)

S = RequestState
A = RequestAction


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, A.SUBMIT),
        (S.DRAFT, A.EDIT),
        (S.DRAFT, A.CANCEL),
        (S.SUBMITTED, A.EVALUATE),
        (S.SUBMITTED, A.CANCEL),
        (S.EVALUATED, A.PICK),
        (S.EVALUATED, A.CLOSE_PICK),
        (S.PICKED, A.DELIVER),
        (S.DELIVERED, A.RECEIVE),
    ],
)
def test_each_step_is_allowed_from_its_state(state: RequestState, action: RequestAction) -> None:
    assert require_state(state.value, action) == state


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, A.EVALUATE),  # not yet sent
        (S.SUBMITTED, A.SUBMIT),  # twice
        (S.SUBMITTED, A.EDIT),  # the pharmacy may be reading it
        (S.EVALUATED, A.EVALUATE),  # a second pharmacist, too late
        (S.EVALUATED, A.DELIVER),  # not picked
        (S.PICKED, A.PICK),  # closed
        (S.DELIVERED, A.CANCEL),  # the units are on the ward
        (S.RECEIVED, A.RECEIVE),
        (S.REFUSED, A.PICK),
        (S.CANCELLED, A.SUBMIT),
    ],
)
def test_a_step_out_of_order_is_a_conflict(state: RequestState, action: RequestAction) -> None:
    with pytest.raises(ConflictError) as refused:
        require_state(state.value, action)
    assert refused.value.code == "request_state_invalid"
    assert refused.value.status == 409
    assert refused.value.details == {"state": state.value, "action": action.value}


def test_the_refusal_says_the_state_in_italian() -> None:
    with pytest.raises(ConflictError, match="La richiesta è valutata dalla farmacia: non può"):
        require_state("evaluated", A.EVALUATE)


def test_lines_of_a_named_request_need_a_patient_and_ward_stock_none() -> None:
    check_lines(RequestKind.NAMED_PATIENT, [LineDraft(1, 4, patient_id=7)])
    check_lines(RequestKind.WARD_STOCK, [LineDraft(1, 4), LineDraft(2, 1)])
    with pytest.raises(ValidationFailed) as named:
        check_lines(RequestKind.NAMED_PATIENT, [LineDraft(1, 4)])
    assert named.value.code == "patient_required"
    with pytest.raises(ValidationFailed) as stock:
        check_lines(RequestKind.WARD_STOCK, [LineDraft(1, 4, patient_id=7)])
    assert stock.value.code == "patient_not_expected"


@pytest.mark.parametrize("bad", [0, -1, 100_001, True, 1.5, "3", None])
def test_line_units_are_whole_and_bounded(bad: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_lines(RequestKind.WARD_STOCK, [LineDraft(1, bad)])  # type: ignore[arg-type]
    assert refused.value.code == "quantity_invalid"


def test_empty_and_duplicate_lines_are_refused() -> None:
    with pytest.raises(ValidationFailed) as empty:
        check_lines(RequestKind.WARD_STOCK, [])
    assert empty.value.code == "request_empty"
    with pytest.raises(ValidationFailed) as twice:
        check_lines(RequestKind.WARD_STOCK, [LineDraft(1, 2), LineDraft(1, 3)])
    assert twice.value.code == "line_duplicate"
    # the same product for two different patients is two lines, not a duplicate
    check_lines(
        RequestKind.NAMED_PATIENT, [LineDraft(1, 2, patient_id=7), LineDraft(1, 2, patient_id=8)]
    )


def test_approve_gives_what_was_asked() -> None:
    out = evaluate_line(product_id=1, requested=10, decision=LineDecision(Decision.APPROVE))
    assert (out.decision, out.units_approved, out.substitute_product_id) == ("approve", 10, None)


def test_modify_needs_a_reason_and_another_quantity() -> None:
    out = evaluate_line(
        product_id=1,
        requested=10,
        decision=LineDecision(Decision.MODIFY, units=6, reason="scorta di reparto già alta"),
    )
    assert (out.units_approved, out.reason) == (6, "scorta di reparto già alta")
    with pytest.raises(ValidationFailed) as no_reason:
        evaluate_line(product_id=1, requested=10, decision=LineDecision(Decision.MODIFY, units=6))
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as same:
        evaluate_line(
            product_id=1, requested=10, decision=LineDecision(Decision.MODIFY, 10, reason="x")
        )
    assert same.value.code == "modify_same_quantity"
    with pytest.raises(ValidationFailed) as zero:
        evaluate_line(
            product_id=1, requested=10, decision=LineDecision(Decision.MODIFY, 0, reason="x")
        )
    assert zero.value.code == "quantity_invalid"  # zero units is a refusal, said as one


def test_refuse_needs_a_reason_and_gives_nothing() -> None:
    out = evaluate_line(
        product_id=1,
        requested=10,
        decision=LineDecision(Decision.REFUSE, reason="farmaco non in prontuario"),
    )
    assert out.units_approved == 0
    with pytest.raises(ValidationFailed) as refused:
        evaluate_line(
            product_id=1, requested=10, decision=LineDecision(Decision.REFUSE, reason=" ")
        )
    assert refused.value.code == "reason_required"


def test_substitute_names_another_product_with_a_reason() -> None:
    out = evaluate_line(
        product_id=1,
        requested=10,
        decision=LineDecision(
            Decision.SUBSTITUTE, units=10, reason="equivalente in gara", substitute_product_id=2
        ),
    )
    assert (out.units_approved, out.substitute_product_id) == (10, 2)
    with pytest.raises(ValidationFailed) as missing:
        evaluate_line(
            product_id=1, requested=10, decision=LineDecision(Decision.SUBSTITUTE, 10, "x")
        )
    assert missing.value.code == "substitute_required"
    with pytest.raises(ValidationFailed) as same:
        evaluate_line(
            product_id=1,
            requested=10,
            decision=LineDecision(Decision.SUBSTITUTE, 10, "x", substitute_product_id=1),
        )
    assert same.value.code == "substitute_same_product"


def test_a_request_with_every_line_refused_is_refused() -> None:
    refuse = evaluate_line(product_id=1, requested=5, decision=LineDecision("refuse", reason="x"))  # type: ignore[arg-type]
    approve = evaluate_line(product_id=2, requested=5, decision=LineDecision(Decision.APPROVE))
    assert state_after_evaluation([refuse, refuse]) == S.REFUSED
    assert state_after_evaluation([refuse, approve]) == S.EVALUATED


def test_a_pick_never_goes_beyond_what_was_approved() -> None:
    # approved 12 vials, 10 already picked: a pack of 1 fits (11), a pack of 5 does not (15)
    assert check_pick(approved=12, picked=10, adding=1) == 11
    assert check_pick(approved=12, picked=10, adding=2) == 12
    with pytest.raises(ValidationFailed) as over:
        check_pick(approved=12, picked=10, adding=5)
    assert over.value.code == "pick_exceeds_approved"
    assert over.value.details == {"approved": 12, "picked": 10, "pack_units": 5}


def test_a_short_pick_closes_only_with_its_reason() -> None:
    full = [PickLine(1, approved=4, picked=4), PickLine(2, approved=10, picked=10)]
    assert check_close_pick(full, "") == ""
    short = [PickLine(1, approved=4, picked=4), PickLine(2, approved=10, picked=6)]
    with pytest.raises(ValidationFailed) as refused:
        check_close_pick(short, "")
    assert refused.value.code == "reason_required"
    assert check_close_pick(short, " giacenza esaurita ") == "giacenza esaurita"
    with pytest.raises(ValidationFailed) as nothing:
        check_close_pick([PickLine(1, approved=4, picked=0)], "giacenza esaurita")
    assert nothing.value.code == "pick_empty"


def test_receipt_discrepancies_by_hand() -> None:
    # delivered 10 / 5 / 3, received 10 / 4 / 4: line 2 one missing, line 3 one too many
    found = receipt_discrepancies(
        [ReceiptLine(1, 10, 10), ReceiptLine(2, 5, 4), ReceiptLine(3, 3, 4)]
    )
    assert [(d.line_id, d.kind, d.units) for d in found] == [
        (2, DiscrepancyKind.MISSING, 1),
        (3, DiscrepancyKind.EXCESS, 1),
    ]


def test_par_level_needs_a_reorder_point_below_par() -> None:
    assert check_par_level(20, 5) == (20, 5)
    assert check_par_level(1, 0) == (1, 0)
    for par, point, code in [
        (10, 10, "reorder_point_not_below_par"),
        (10, 12, "reorder_point_not_below_par"),
        (0, 0, "quantity_invalid"),
        (10, -1, "quantity_invalid"),
        (True, 0, "quantity_invalid"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            check_par_level(par, point)
        assert refused.value.code == code


def test_restock_proposal_by_hand() -> None:
    levels = [
        ParLevelRule(product_id=1, par=20, reorder_point=5),  # on hand 5: at the point
        ParLevelRule(product_id=2, par=10, reorder_point=4),  # on hand 6: above, nothing
        ParLevelRule(product_id=3, par=12, reorder_point=3),  # none on hand
        ParLevelRule(product_id=4, par=30, reorder_point=10),  # 2 on hand, 8 on their way
        ParLevelRule(product_id=5, par=6, reorder_point=2),  # 1 on hand, 5 on their way
    ]
    on_hand = {1: 5, 2: 6, 4: 2, 5: 1}
    in_transit = {4: 8, 5: 5}
    proposal = restock_proposal(levels, on_hand, in_transit)
    # 1: 20 − 5 − 0 = 15;  3: 12 − 0 − 0 = 12;  4: 30 − 2 − 8 = 20;
    # 5: 6 − 1 − 5 = 0 → nothing (already coming); 2: 6 > 4 → not proposed
    assert [(ln.product_id, ln.units) for ln in proposal] == [(1, 15), (3, 12), (4, 20)]
    assert proposal[2].in_transit == 8


def test_restock_proposal_one_above_the_point_is_not_proposed() -> None:
    # reorder point 5: 6 on hand is above it (nothing), 5 is at it (par 20 − 5 = 15)
    level = [ParLevelRule(product_id=1, par=20, reorder_point=5)]
    assert restock_proposal(level, {1: 6}) == []
    assert [ln.units for ln in restock_proposal(level, {1: 5})] == [15]
