"""The life of a document sent to the FSE 2.0 gateway: a transition table, pure.

::

    queued ──validate──▶ validated ──sign──▶ signed ──claim──▶ publishing ──accepted──▶ published
       │                     │                 │                   │                      │
       └──────refuse─────────┴─────refuse──────┴──────refuse───────┘            replace ──┤ (the new version
                            ▼                                                     │   published: replaced)
                          failed ──retry──▶ queued (signed, if it was)                    delete ──▶ deleted

A transient answer (5xx, timeout) leaves the state where it was and schedules another
attempt; only a refusal (4xx, a local check) or the attempts cap makes it ``failed``.
"""

from __future__ import annotations

from enum import StrEnum

from corsia.core.domain.codes import LabelledCode


class FseState(LabelledCode):
    QUEUED = "queued", "in coda"  # stored, offline-valid; waiting for the gateway's validation
    VALIDATED = "validated", "validato dal gateway"  # the gateway validated it (workflowInstanceId)
    SIGNED = "signed", "firmato"  # the PDF with cda.xml signed PAdES
    PUBLISHING = (
        "publishing",
        "pubblicazione in corso",
    )  # a publication call is out (claimed by one worker)
    PUBLISHED = "published", "pubblicato"  # the gateway took it in charge (201)
    FAILED = "failed", "in errore"  # refused (4xx or a local check) or out of attempts
    REPLACED = "replaced", "sostituito"  # a later version replaced it on the FSE
    DELETED = "deleted", "eliminato"  # deleted from the FSE


class FseEvent(StrEnum):
    VALIDATE = "validate"
    SIGN = "sign"
    CLAIM = "claim"
    ACCEPTED = "accepted"
    RELEASE = "release"  # a publication attempt that got no answer: back to signed
    REVALIDATE = "revalidate"  # the 5-day window passed: validate again
    REFUSE = "refuse"
    RETRY = "retry"
    RESUME = "resume"  # a failed document already signed: straight to publication again
    REPLACED = "replaced"
    DELETE = "delete"


S, E = FseState, FseEvent

TRANSITIONS: dict[tuple[FseState, FseEvent], FseState] = {
    (S.QUEUED, E.VALIDATE): S.VALIDATED,
    (S.VALIDATED, E.SIGN): S.SIGNED,
    (S.SIGNED, E.CLAIM): S.PUBLISHING,
    (S.SIGNED, E.REVALIDATE): S.SIGNED,
    (S.PUBLISHING, E.ACCEPTED): S.PUBLISHED,
    (S.PUBLISHING, E.RELEASE): S.SIGNED,
    (S.QUEUED, E.REFUSE): S.FAILED,
    (S.VALIDATED, E.REFUSE): S.FAILED,
    (S.SIGNED, E.REFUSE): S.FAILED,
    (S.PUBLISHING, E.REFUSE): S.FAILED,
    (S.FAILED, E.RETRY): S.QUEUED,
    (S.FAILED, E.RESUME): S.SIGNED,
    (S.PUBLISHED, E.REPLACED): S.REPLACED,
    (S.PUBLISHED, E.DELETE): S.DELETED,
}

STATE_LABELS_IT: dict[FseState, str] = FseState.labels_it()

IN_FLIGHT = frozenset({S.QUEUED, S.VALIDATED, S.SIGNED, S.PUBLISHING})


class InvalidTransition(Exception):
    def __init__(self, state: FseState, event: FseEvent) -> None:
        super().__init__(f"{event.value} not allowed from {state.value}")
        self.state = state
        self.event = event


def next_state(state: FseState | str, event: FseEvent) -> FseState:
    current = FseState(state)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidTransition(current, event) from None
