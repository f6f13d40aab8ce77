"""The life of a therapy order as an explicit transition table (pure).

::

    draft ─confirm─► confirmed ─send─► sent_to_pharmacy ─validate─► validated
      ▲                                                                 │ take_charge
      │ revise (physician, before take-in-charge)                       ▼
      │                                                          taken_in_charge
      │                                                                 │ start_preparation
    returned_to_prescriber ◄─return_to_prescriber─ (sent, validated,    ▼
      │  (physician edits, then confirm)             taken_in_charge) in_preparation
      │                                                                 │ complete_preparation
      └─confirm─► confirmed                                             ▼
                                           administered ◄─administer─ delivered ◄─deliver─ prepared

    suspend: any active state after draft ─► suspended ─resume─► draft (recalculate, re-confirm)
    cancel: any non-terminal state ─► cancelled

Rules enforced here (DOMAIN.md safety rules 6 and 7):

* who may fire each event (:data:`EVENT_ROLES`);
* which events need a reason (:data:`REASON_REQUIRED`);
* the independent double check: the validator is not the prescriber;
* the pharmacist's taking charge freezes the order: the physician edits only in
  ``draft`` or ``returned_to_prescriber`` and can no longer ``revise`` once the
  pharmacist has taken charge.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from corsia.accounts.domain.roles import Role
from corsia.core.domain.errors import (
    ConflictError,
    InvalidTransition,
    PermissionRefused,
    ValidationFailed,
)


class OrderState(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    SENT_TO_PHARMACY = "sent_to_pharmacy"
    VALIDATED = "validated"
    TAKEN_IN_CHARGE = "taken_in_charge"
    IN_PREPARATION = "in_preparation"
    PREPARED = "prepared"
    DELIVERED = "delivered"
    ADMINISTERED = "administered"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    RETURNED_TO_PRESCRIBER = "returned_to_prescriber"


STATE_LABELS_IT: dict[OrderState, str] = {
    OrderState.DRAFT: "Bozza",
    OrderState.CONFIRMED: "Confermata",
    OrderState.SENT_TO_PHARMACY: "Inviata in farmacia",
    OrderState.VALIDATED: "Validata",
    OrderState.TAKEN_IN_CHARGE: "Presa in carico",
    OrderState.IN_PREPARATION: "In allestimento",
    OrderState.PREPARED: "Allestita",
    OrderState.DELIVERED: "Consegnata al reparto",
    OrderState.ADMINISTERED: "Somministrata",
    OrderState.SUSPENDED: "Sospesa",
    OrderState.CANCELLED: "Annullata",
    OrderState.RETURNED_TO_PRESCRIBER: "Restituita al prescrittore",
}


class OrderEvent(StrEnum):
    CONFIRM = "confirm"
    REVISE = "revise"
    SEND = "send"
    VALIDATE = "validate"
    RETURN_TO_PRESCRIBER = "return_to_prescriber"
    TAKE_CHARGE = "take_charge"
    START_PREPARATION = "start_preparation"
    COMPLETE_PREPARATION = "complete_preparation"
    DELIVER = "deliver"
    ADMINISTER = "administer"
    SUSPEND = "suspend"
    RESUME = "resume"
    CANCEL = "cancel"


EVENT_LABELS_IT: dict[OrderEvent, str] = {
    OrderEvent.CONFIRM: "conferma",
    OrderEvent.REVISE: "riapertura per modifica",
    OrderEvent.SEND: "invio in farmacia",
    OrderEvent.VALIDATE: "validazione",
    OrderEvent.RETURN_TO_PRESCRIBER: "restituzione al prescrittore",
    OrderEvent.TAKE_CHARGE: "presa in carico",
    OrderEvent.START_PREPARATION: "inizio allestimento",
    OrderEvent.COMPLETE_PREPARATION: "fine allestimento",
    OrderEvent.DELIVER: "consegna al reparto",
    OrderEvent.ADMINISTER: "somministrazione",
    OrderEvent.SUSPEND: "sospensione",
    OrderEvent.RESUME: "riattivazione",
    OrderEvent.CANCEL: "annullamento",
}

S, E = OrderState, OrderEvent

# Active states an order can be suspended from (after the physician's confirmation,
# before administration).
_SUSPENDABLE = (
    S.CONFIRMED,
    S.SENT_TO_PHARMACY,
    S.VALIDATED,
    S.TAKEN_IN_CHARGE,
    S.IN_PREPARATION,
    S.PREPARED,
    S.DELIVERED,
)
TERMINAL_STATES = frozenset({S.ADMINISTERED, S.CANCELLED})

TRANSITIONS: dict[tuple[OrderState, OrderEvent], OrderState] = {
    (S.DRAFT, E.CONFIRM): S.CONFIRMED,
    (S.RETURNED_TO_PRESCRIBER, E.CONFIRM): S.CONFIRMED,
    # before the pharmacist takes charge, the physician may reopen the order
    (S.CONFIRMED, E.REVISE): S.DRAFT,
    (S.SENT_TO_PHARMACY, E.REVISE): S.DRAFT,
    (S.VALIDATED, E.REVISE): S.DRAFT,
    (S.CONFIRMED, E.SEND): S.SENT_TO_PHARMACY,
    (S.SENT_TO_PHARMACY, E.VALIDATE): S.VALIDATED,
    (S.SENT_TO_PHARMACY, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.VALIDATED, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.TAKEN_IN_CHARGE, E.RETURN_TO_PRESCRIBER): S.RETURNED_TO_PRESCRIBER,
    (S.VALIDATED, E.TAKE_CHARGE): S.TAKEN_IN_CHARGE,
    (S.TAKEN_IN_CHARGE, E.START_PREPARATION): S.IN_PREPARATION,
    (S.IN_PREPARATION, E.COMPLETE_PREPARATION): S.PREPARED,
    (S.PREPARED, E.DELIVER): S.DELIVERED,
    (S.DELIVERED, E.ADMINISTER): S.ADMINISTERED,
    **{(state, E.SUSPEND): S.SUSPENDED for state in _SUSPENDABLE},
    # a resumed order goes back to the prescriber: doses are recalculated on today's
    # measures and the order is confirmed and validated again.
    (S.SUSPENDED, E.RESUME): S.DRAFT,
    **{(state, E.CANCEL): S.CANCELLED for state in S if state not in TERMINAL_STATES},
}

EVENT_ROLES: dict[OrderEvent, frozenset[Role]] = {
    E.CONFIRM: frozenset({Role.PHYSICIAN}),
    E.REVISE: frozenset({Role.PHYSICIAN}),
    E.SEND: frozenset({Role.PHYSICIAN}),
    # independent double check: another physician or the pharmacist
    E.VALIDATE: frozenset({Role.PHARMACIST, Role.PHYSICIAN}),
    E.RETURN_TO_PRESCRIBER: frozenset({Role.PHARMACIST}),
    E.TAKE_CHARGE: frozenset({Role.PHARMACIST}),
    E.START_PREPARATION: frozenset({Role.TECHNICIAN, Role.PHARMACIST}),
    E.COMPLETE_PREPARATION: frozenset({Role.TECHNICIAN, Role.PHARMACIST}),
    E.DELIVER: frozenset({Role.PHARMACIST, Role.TECHNICIAN, Role.NURSE}),
    E.ADMINISTER: frozenset({Role.NURSE}),
    E.SUSPEND: frozenset({Role.PHYSICIAN}),
    E.RESUME: frozenset({Role.PHYSICIAN}),
    E.CANCEL: frozenset({Role.PHYSICIAN}),
}

REASON_REQUIRED: frozenset[OrderEvent] = frozenset(
    {E.REVISE, E.RETURN_TO_PRESCRIBER, E.SUSPEND, E.RESUME, E.CANCEL}
)

# States in which the prescribing physician may change the order's content.
PHYSICIAN_EDITABLE: frozenset[OrderState] = frozenset({S.DRAFT, S.RETURNED_TO_PRESCRIBER})
# From take-in-charge on, only the pharmacist's return gives the order back (rule 7).
FROZEN_STATES: frozenset[OrderState] = frozenset(
    {S.TAKEN_IN_CHARGE, S.IN_PREPARATION, S.PREPARED, S.DELIVERED, S.ADMINISTERED}
)


class OrderFrozen(ConflictError):
    code = "order_frozen"


def next_state(state: OrderState, event: OrderEvent) -> OrderState:
    """The state after ``event``; InvalidTransition if the table has no such arrow."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(
            f"Transizione non ammessa: «{EVENT_LABELS_IT[event]}» non è possibile "
            f"dallo stato «{STATE_LABELS_IT[state]}».",
            details={"state": state.value, "event": event.value},
        ) from None


def requires_reason(event: OrderEvent) -> bool:
    return event in REASON_REQUIRED


def may_fire(event: OrderEvent, roles: Collection[Role]) -> bool:
    return bool(EVENT_ROLES[event] & set(roles))


def can_physician_edit(state: OrderState) -> bool:
    return state in PHYSICIAN_EDITABLE


def ensure_physician_can_edit(state: OrderState) -> None:
    """Refuse an edit of the order's content outside draft / returned (rule 7)."""
    if state in PHYSICIAN_EDITABLE:
        return
    if state in FROZEN_STATES:
        message = (
            "La prescrizione è stata presa in carico dalla farmacia: può essere modificata "
            "solo se il farmacista la restituisce al prescrittore."
        )
    else:
        message = (
            f"La prescrizione è nello stato «{STATE_LABELS_IT[state]}»: riaprirla per modificarla."
        )
    raise OrderFrozen(message, details={"state": state.value})


def ensure_independent_validator(*, prescriber_id: int, validator_id: int) -> None:
    """The validation is an independent double check: not by the prescriber (rule 6)."""
    if prescriber_id == validator_id:
        raise PermissionRefused(
            "La validazione deve essere fatta da un medico diverso dal prescrittore "
            "o dal farmacista (doppio controllo indipendente).",
            code="validator_is_prescriber",
        )


def authorise_transition(
    state: OrderState,
    event: OrderEvent,
    *,
    actor_id: int,
    actor_roles: Collection[Role],
    prescriber_id: int,
    reason: str | None = None,
) -> OrderState:
    """Every rule for one event: the arrow exists, the role may fire it, a reason is
    given when needed, the validator is independent. Returns the next state."""
    target = next_state(state, event)
    if not may_fire(event, actor_roles):
        raise PermissionRefused(
            f"Il tuo ruolo non può eseguire «{EVENT_LABELS_IT[event]}».",
            details={"event": event.value},
        )
    if requires_reason(event) and (reason is None or not reason.strip()):
        raise ValidationFailed(
            f"Per «{EVENT_LABELS_IT[event]}» indicare il motivo.",
            code="reason_required",
            field="reason",
        )
    if event is E.VALIDATE:
        ensure_independent_validator(prescriber_id=prescriber_id, validator_id=actor_id)
    return target
