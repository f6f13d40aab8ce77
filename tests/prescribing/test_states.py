"""The order state machine over the whole (state × event) matrix.

The expected arrows are written out here by hand from the issue, independently of
the table in ``states.py``: every pair not listed must be refused.
"""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.core.domain.errors import InvalidTransition, PermissionRefused, ValidationFailed
from corsia.prescribing.domain.states import (
    OrderEvent,
    OrderFrozen,
    OrderState,
    authorise_transition,
    can_physician_edit,
    ensure_physician_can_edit,
    may_fire,
    next_state,
    requires_reason,
)

S, E = OrderState, OrderEvent

EXPECTED: dict[tuple[OrderState, OrderEvent], OrderState] = {
    # the forward path
    (S.DRAFT, E.CONFIRM): S.CONFIRMED,
    (S.CONFIRMED, E.SEND): S.SENT_TO_PHARMACY,
    (S.SENT_TO_PHARMACY, E.VALIDATE): S.VALIDATED,
    (S.VALIDATED, E.TAKE_CHARGE): S.TAKEN_IN_CHARGE,
    (S.TAKEN_IN_CHARGE, E.START_PREPARATION): S.IN_PREPARATION,
    (S.IN_PREPARATION, E.COMPLETE_PREPARATION): S.PREPARED,
    (S.PREPARED, E.DELIVER): S.DELIVERED,
    (S.DELIVERED, E.ADMINISTER): S.ADMINISTERED,
    # the physician reopens before the pharmacist takes charge
    (S.CONFIRMED, E.REVISE): S.DRAFT,
    (S.SENT_TO_PHARMACY, E.REVISE): S.DRAFT,
    (S.VALIDATED, E.REVISE): S.DRAFT,
    # the pharmacist returns the order
    (S.SENT_TO_PHARMACY, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.VALIDATED, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.TAKEN_IN_CHARGE, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.RETURNED_TO_PRESCRIBER, E.CONFIRM): S.CONFIRMED,
    # suspension
    (S.CONFIRMED, E.SUSPEND): S.SUSPENDED,
    (S.SENT_TO_PHARMACY, E.SUSPEND): S.SUSPENDED,
    (S.VALIDATED, E.SUSPEND): S.SUSPENDED,
    (S.TAKEN_IN_CHARGE, E.SUSPEND): S.SUSPENDED,
    (S.IN_PREPARATION, E.SUSPEND): S.SUSPENDED,
    (S.PREPARED, E.SUSPEND): S.SUSPENDED,
    (S.DELIVERED, E.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, E.RESUME): S.DRAFT,
    # cancellation from every state but the two terminal ones
    (S.DRAFT, E.CANCEL): S.CANCELLED,
    (S.CONFIRMED, E.CANCEL): S.CANCELLED,
    (S.SENT_TO_PHARMACY, E.CANCEL): S.CANCELLED,
    (S.VALIDATED, E.CANCEL): S.CANCELLED,
    (S.TAKEN_IN_CHARGE, E.CANCEL): S.CANCELLED,
    (S.IN_PREPARATION, E.CANCEL): S.CANCELLED,
    (S.PREPARED, E.CANCEL): S.CANCELLED,
    (S.DELIVERED, E.CANCEL): S.CANCELLED,
    (S.SUSPENDED, E.CANCEL): S.CANCELLED,
    (S.RETURNED_TO_PRESCRIBER, E.CANCEL): S.CANCELLED,
}

MATRIX = [
    pytest.param(state, event, id=f"{state.value}-{event.value}")
    for state in OrderState
    for event in OrderEvent
]


@pytest.mark.parametrize(("state", "event"), MATRIX)
def test_transition_matrix(state: OrderState, event: OrderEvent) -> None:
    expected = EXPECTED.get((state, event))
    if expected is not None:
        assert next_state(state, event) is expected
    else:
        with pytest.raises(InvalidTransition) as refused:
            next_state(state, event)
        assert refused.value.code == "invalid_transition"
        assert refused.value.details == {"state": state.value, "event": event.value}
        assert "Transizione non ammessa" in refused.value.message


def test_invalid_transition_message_names_state_and_event_in_italian() -> None:
    with pytest.raises(InvalidTransition) as refused:
        next_state(S.ADMINISTERED, E.CANCEL)
    assert refused.value.message == (
        "Transizione non ammessa: «annullamento» non è possibile dallo stato «Somministrata»."
    )


@pytest.mark.parametrize("state", [S.ADMINISTERED, S.CANCELLED])
def test_terminal_states_have_no_way_out(state: OrderState) -> None:
    assert all((state, event) not in EXPECTED for event in OrderEvent)


ROLES_BY_EVENT = {
    E.CONFIRM: {Role.PHYSICIAN},
    E.REVISE: {Role.PHYSICIAN},
    E.SEND: {Role.PHYSICIAN},
    E.VALIDATE: {Role.PHARMACIST, Role.PHYSICIAN},
    E.RETURN_TO_PRESCRIBER: {Role.PHARMACIST},
    E.TAKE_CHARGE: {Role.PHARMACIST},
    E.START_PREPARATION: {Role.TECHNICIAN, Role.PHARMACIST},
    E.COMPLETE_PREPARATION: {Role.TECHNICIAN, Role.PHARMACIST},
    E.DELIVER: {Role.PHARMACIST, Role.TECHNICIAN, Role.NURSE},
    E.ADMINISTER: {Role.NURSE},
    E.SUSPEND: {Role.PHYSICIAN},
    E.RESUME: {Role.PHYSICIAN},
    E.CANCEL: {Role.PHYSICIAN},
}


@pytest.mark.parametrize(
    ("event", "role"),
    [pytest.param(e, r, id=f"{e.value}-{r.value}") for e in OrderEvent for r in Role],
)
def test_role_event_matrix(event: OrderEvent, role: Role) -> None:
    assert may_fire(event, {role}) is (role in ROLES_BY_EVENT[event])


@pytest.mark.parametrize("event", list(OrderEvent))
def test_events_needing_a_reason(event: OrderEvent) -> None:
    needs = {E.REVISE, E.RETURN_TO_PRESCRIBER, E.SUSPEND, E.RESUME, E.CANCEL}
    assert requires_reason(event) is (event in needs)


@pytest.mark.parametrize("state", list(OrderState))
def test_physician_edits_only_in_draft_or_returned(state: OrderState) -> None:
    editable = state in {S.DRAFT, S.RETURNED_TO_PRESCRIBER}
    assert can_physician_edit(state) is editable
    if editable:
        ensure_physician_can_edit(state)
    else:
        with pytest.raises(OrderFrozen) as refused:
            ensure_physician_can_edit(state)
        assert refused.value.code == "order_frozen"


def test_after_take_in_charge_only_the_pharmacist_return_unfreezes() -> None:
    # the physician cannot reopen a taken-in-charge order ...
    with pytest.raises(InvalidTransition):
        next_state(S.TAKEN_IN_CHARGE, E.REVISE)
    with pytest.raises(OrderFrozen) as refused:
        ensure_physician_can_edit(S.TAKEN_IN_CHARGE)
    assert "restituisce al prescrittore" in refused.value.message
    # ... until the pharmacist returns it
    returned = authorise_transition(
        S.TAKEN_IN_CHARGE,
        E.RETURN_TO_PRESCRIBER,
        actor_id=2,
        actor_roles={Role.PHARMACIST},
        prescriber_id=1,
        reason="Dose da rivedere: creatinina non aggiornata",
    )
    assert can_physician_edit(returned)


def test_prescriber_cannot_validate_their_own_order() -> None:
    with pytest.raises(PermissionRefused) as refused:
        authorise_transition(
            S.SENT_TO_PHARMACY,
            E.VALIDATE,
            actor_id=1,
            actor_roles={Role.PHYSICIAN},
            prescriber_id=1,
        )
    assert refused.value.code == "validator_is_prescriber"


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.PHARMACIST])
def test_another_physician_or_the_pharmacist_validates(role: Role) -> None:
    assert (
        authorise_transition(
            S.SENT_TO_PHARMACY, E.VALIDATE, actor_id=2, actor_roles={role}, prescriber_id=1
        )
        is S.VALIDATED
    )


def test_a_role_without_the_event_is_refused() -> None:
    with pytest.raises(PermissionRefused):
        authorise_transition(
            S.VALIDATED, E.TAKE_CHARGE, actor_id=3, actor_roles={Role.NURSE}, prescriber_id=1
        )


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_a_reasoned_event_without_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        authorise_transition(
            S.CONFIRMED,
            E.CANCEL,
            actor_id=1,
            actor_roles={Role.PHYSICIAN},
            prescriber_id=1,
            reason=reason,
        )
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


def test_invalid_arrow_is_refused_before_the_role_check() -> None:
    with pytest.raises(InvalidTransition):
        authorise_transition(
            S.DRAFT, E.ADMINISTER, actor_id=3, actor_roles={Role.NURSE}, prescriber_id=1
        )
