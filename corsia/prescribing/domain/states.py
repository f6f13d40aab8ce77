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

    Two kinds of event (:data:`EVENT_KINDS`):

    D  decision  — a person decides, from the order's page or API:
                   confirm, revise, send, validate, return_to_prescriber, take_charge,
                   suspend, resume, cancel
    M  milestone — a fact of the closed loop, recorded ONLY by the service that checked it
                   (``order_milestone_record``), never fired from outside:
                   start_preparation   (UFA: the first preparation started at the hood)
                   complete_preparation (UFA: the day's preparations weighed and released)
                   deliver             (UFA check-out of the bag, or its label scanned at the bed)
                   administer          (bedside: every active drug given)

    taken_in_charge ─M─► in_preparation ─M─► prepared ─M─► delivered ─M─► administered

Rules enforced here (DOMAIN.md safety rules 6 and 7):

* who may fire each event (:data:`EVENT_ROLES`), and from where (decision or milestone);
* which events need a reason (:data:`REASON_REQUIRED`);
* the independent double check: the validator is neither the prescriber nor any
  physician who edited, confirmed or signed the order;
* the pharmacist's taking charge freezes the order: the physician edits only in
  ``draft`` or ``returned_to_prescriber`` and can no longer ``revise`` once the
  pharmacist has taken charge.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from corsia.accounts.domain.roles import Role
from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import (
    ConflictError,
    InvalidTransition,
    PermissionRefused,
    ValidationFailed,
)


class OrderState(LabelledCode):
    DRAFT = "draft", "Bozza"
    CONFIRMED = "confirmed", "Confermata"
    SENT_TO_PHARMACY = "sent_to_pharmacy", "Inviata in farmacia"
    VALIDATED = "validated", "Validata"
    TAKEN_IN_CHARGE = "taken_in_charge", "Presa in carico"
    IN_PREPARATION = "in_preparation", "In allestimento"
    PREPARED = "prepared", "Allestita"
    DELIVERED = "delivered", "Consegnata al reparto"
    ADMINISTERED = "administered", "Somministrata"
    SUSPENDED = "suspended", "Sospesa"
    CANCELLED = "cancelled", "Annullata"
    RETURNED_TO_PRESCRIBER = "returned_to_prescriber", "Restituita al prescrittore"


STATE_LABELS_IT: dict[OrderState, str] = OrderState.labels_it()


class OrderEvent(LabelledCode):
    CONFIRM = "confirm", "conferma"
    REVISE = "revise", "riapertura per modifica"
    SEND = "send", "invio in farmacia"
    VALIDATE = "validate", "validazione"
    RETURN_TO_PRESCRIBER = "return_to_prescriber", "restituzione al prescrittore"
    TAKE_CHARGE = "take_charge", "presa in carico"
    START_PREPARATION = "start_preparation", "inizio allestimento"
    COMPLETE_PREPARATION = "complete_preparation", "fine allestimento"
    DELIVER = "deliver", "consegna al reparto"
    ADMINISTER = "administer", "somministrazione"
    SUSPEND = "suspend", "sospensione"
    RESUME = "resume", "riattivazione"
    CANCEL = "cancel", "annullamento"


EVENT_LABELS_IT: dict[OrderEvent, str] = OrderEvent.labels_it()

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


class EventKind(StrEnum):
    DECISION = "decision"  # a person's decision: fired from the order's page or API
    MILESTONE = "milestone"  # a fact of the closed loop: recorded by the service that checked it


EVENT_KINDS: dict[OrderEvent, EventKind] = {
    E.CONFIRM: EventKind.DECISION,
    E.REVISE: EventKind.DECISION,
    E.SEND: EventKind.DECISION,
    E.VALIDATE: EventKind.DECISION,
    E.RETURN_TO_PRESCRIBER: EventKind.DECISION,
    # the pharmacist's decision; the UFA's take-in-charge also creates the preparations
    # and accepts an order already taken in charge
    E.TAKE_CHARGE: EventKind.DECISION,
    E.START_PREPARATION: EventKind.MILESTONE,
    E.COMPLETE_PREPARATION: EventKind.MILESTONE,
    E.DELIVER: EventKind.MILESTONE,
    E.ADMINISTER: EventKind.MILESTONE,
    E.SUSPEND: EventKind.DECISION,
    E.RESUME: EventKind.DECISION,
    E.CANCEL: EventKind.DECISION,
}
DECISIONS: frozenset[OrderEvent] = frozenset(
    e for e, kind in EVENT_KINDS.items() if kind is EventKind.DECISION
)
MILESTONE_EVENTS: frozenset[OrderEvent] = frozenset(
    e for e, kind in EVENT_KINDS.items() if kind is EventKind.MILESTONE
)


class OrderMilestone(LabelledCode):
    """What the compounding and bedside services record on the order."""

    PREPARATION_STARTED = "preparation_started", "allestimento iniziato"
    PREPARATION_COMPLETED = "preparation_completed", "allestimento completato"
    DELIVERED = "delivered", "consegnata al reparto"
    ADMINISTERED = "administered", "somministrata"


MILESTONE_LABELS_IT: dict[OrderMilestone, str] = OrderMilestone.labels_it()

# The closed loop after the take-in-charge, in order; a milestone reaches one of its states.
LOOP: tuple[OrderState, ...] = (
    S.TAKEN_IN_CHARGE,
    S.IN_PREPARATION,
    S.PREPARED,
    S.DELIVERED,
    S.ADMINISTERED,
)
MILESTONE_STATE: dict[OrderMilestone, OrderState] = {
    OrderMilestone.PREPARATION_STARTED: S.IN_PREPARATION,
    OrderMilestone.PREPARATION_COMPLETED: S.PREPARED,
    OrderMilestone.DELIVERED: S.DELIVERED,
    OrderMilestone.ADMINISTERED: S.ADMINISTERED,
}
# From which states each milestone moves the order, and through which events. Only one
# shortcut: a prepared bag whose label is scanned at the bed was received there, so
# "administered" from "prepared" records the delivery first.
MILESTONE_PATHS: dict[OrderMilestone, dict[OrderState, tuple[OrderEvent, ...]]] = {
    OrderMilestone.PREPARATION_STARTED: {S.TAKEN_IN_CHARGE: (E.START_PREPARATION,)},
    OrderMilestone.PREPARATION_COMPLETED: {S.IN_PREPARATION: (E.COMPLETE_PREPARATION,)},
    OrderMilestone.DELIVERED: {S.PREPARED: (E.DELIVER,)},
    OrderMilestone.ADMINISTERED: {
        S.DELIVERED: (E.ADMINISTER,),
        S.PREPARED: (E.DELIVER, E.ADMINISTER),
    },
}


class MilestoneStep(StrEnum):
    RECORD = "record"  # fire the path's events
    ALREADY_REACHED = "already_reached"  # idempotent: the order is at or after it
    # validated, or in the loop before the milestone's arrow (an order of ward drugs only,
    # a later day's bag): nothing to move yet
    NOT_YET = "not_yet"
    # draft…sent, returned, suspended, cancelled: not the loop's business (audited)
    NOT_APPLICABLE = "not_applicable"


def milestone_plan(
    state: OrderState, milestone: OrderMilestone
) -> tuple[MilestoneStep, tuple[OrderEvent, ...]]:
    """What recording ``milestone`` does to an order in ``state`` (pure, total)."""
    reached = MILESTONE_STATE[milestone]
    if state in LOOP and LOOP.index(state) >= LOOP.index(reached):
        return MilestoneStep.ALREADY_REACHED, ()
    path = MILESTONE_PATHS[milestone].get(state)
    if path is not None:
        return MilestoneStep.RECORD, path
    if state is S.VALIDATED or state in LOOP:
        return MilestoneStep.NOT_YET, ()
    return MilestoneStep.NOT_APPLICABLE, ()


class TransitionNotAllowedHere(ConflictError):
    code = "transition_not_allowed_here"


def ensure_decision(event: OrderEvent) -> None:
    """A milestone is never fired from the order's page or API: only the compounding and
    bedside services record it, after their own checks (closed loop, rule 8)."""
    if EVENT_KINDS[event] is EventKind.MILESTONE:
        raise TransitionNotAllowedHere(
            f"«{EVENT_LABELS_IT[event].capitalize()}» non si registra da qui: lo registra "
            "il sistema quando l'allestimento, la consegna o la somministrazione sono "
            "verificati (UFA, check-out, scansione al letto del paziente).",
            details={"event": event.value},
        )


def decisions_available(state: OrderState, roles: Collection[Role]) -> list[OrderEvent]:
    """The decisions a person with ``roles`` may take on an order in ``state``."""
    return [
        event
        for (source, event) in TRANSITIONS
        if source is state and event in DECISIONS and EVENT_ROLES[event] & set(roles)
    ]


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


def ensure_independent_validator(
    *, prescriber_id: int, validator_id: int, authors: Collection[int] = ()
) -> None:
    """The validation is an independent double check (rule 6): not by the prescriber nor
    by any physician who edited, confirmed or signed the order (``authors``)."""
    if prescriber_id == validator_id:
        raise PermissionRefused(
            "La validazione deve essere fatta da un medico diverso dal prescrittore "
            "o dal farmacista (doppio controllo indipendente).",
            code="validator_is_prescriber",
        )
    if validator_id in authors:
        raise PermissionRefused(
            "Hai modificato, confermato o firmato questa prescrizione: la validazione deve "
            "farla un'altra persona (doppio controllo indipendente).",
            code="validator_edited_order",
        )


def authorise_transition(
    state: OrderState,
    event: OrderEvent,
    *,
    actor_id: int,
    actor_roles: Collection[Role],
    prescriber_id: int,
    reason: str | None = None,
    authors: Collection[int] = (),
) -> OrderState:
    """Every rule for one event: the arrow exists, the role may fire it, a reason is
    given when needed, the validator is independent (of the prescriber and of every
    ``authors``: who edited, confirmed or signed). Returns the next state."""
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
        ensure_independent_validator(
            prescriber_id=prescriber_id, validator_id=actor_id, authors=authors
        )
    return target
