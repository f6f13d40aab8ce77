"""The life of one preparation at the UFA, as an explicit transition table (pure).

::

    pending ─complete─► validated ─assign─► assigned ─start─► in_progress ─weigh_pass─► weighed
       (completion       (item validated,    (hood,             (first vial      │ release
        needs the         data complete)      technician)        scanned)         ▼ (pharmacist)
        pharmacist)                                                            released
                                                                                  │ check_out
    reject (pharmacist, with reason): from any state before check-out ─► rejected ▼
                                                                              checked_out

A failed weighing leaves the preparation ``in_progress``: it cannot be released (safety
rule 9) until a weighing within tolerance is recorded. ``start`` is also allowed from
``validated`` (a technician may take an unassigned preparation at a free hood).
"""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition


class PrepState(LabelledCode):
    PENDING = "pending", "Da completare"
    VALIDATED = "validated", "Validata"
    ASSIGNED = "assigned", "Assegnata alla cappa"
    IN_PROGRESS = "in_progress", "In allestimento"
    WEIGHED = "weighed", "Pesata"
    RELEASED = "released", "Rilasciata"
    REJECTED = "rejected", "Scartata"
    CHECKED_OUT = "checked_out", "Nel sacchetto paziente"


PREP_STATE_LABELS_IT: dict[PrepState, str] = PrepState.labels_it()


class PrepEvent(LabelledCode):
    COMPLETE = "complete", "completamento"
    ASSIGN = "assign", "assegnazione alla cappa"
    START = "start", "inizio allestimento"
    WEIGHING_PASSED = "weighing_passed", "controllo gravimetrico superato"
    RELEASE = "release", "rilascio"
    CHECK_OUT = "check_out", "inserimento nel sacchetto paziente"
    REJECT = "reject", "scarto"


_EVENT_LABELS_IT: dict[PrepEvent, str] = PrepEvent.labels_it()

S, E = PrepState, PrepEvent

PREP_TRANSITIONS: dict[tuple[PrepState, PrepEvent], PrepState] = {
    (S.PENDING, E.COMPLETE): S.VALIDATED,
    (S.VALIDATED, E.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, E.ASSIGN): S.ASSIGNED,
    (S.VALIDATED, E.START): S.IN_PROGRESS,
    (S.ASSIGNED, E.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.WEIGHING_PASSED): S.WEIGHED,
    (S.WEIGHED, E.RELEASE): S.RELEASED,
    (S.RELEASED, E.CHECK_OUT): S.CHECKED_OUT,
    **{
        (state, E.REJECT): S.REJECTED
        for state in (S.PENDING, S.VALIDATED, S.ASSIGNED, S.IN_PROGRESS, S.WEIGHED, S.RELEASED)
    },
}

# States in which vials may still be scanned into the preparation.
SCANNABLE = frozenset({S.VALIDATED, S.ASSIGNED, S.IN_PROGRESS})
# States that count as "work still to do at the hood" on the work plan.
OPEN_STATES = frozenset({S.PENDING, S.VALIDATED, S.ASSIGNED, S.IN_PROGRESS, S.WEIGHED})


def prep_next_state(state: PrepState, event: PrepEvent) -> PrepState:
    try:
        return PREP_TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(
            f"Operazione non ammessa: «{_EVENT_LABELS_IT[event]}» non è possibile per una "
            f"preparazione «{PREP_STATE_LABELS_IT[state]}».",
            details={"state": state.value, "event": event.value},
        ) from None


LABEL_PREFIX = "PRP"
LABEL_DIGITS = 9


def preparation_label_code(preparation_id: int) -> str:
    """The payload of the preparation's Code 128 barcode: ``PRP`` + id on 9 digits
    (``PRP000000042``). The bedside module scans it to find the preparation."""
    if preparation_id <= 0 or preparation_id >= 10**LABEL_DIGITS:
        raise ValueError("preparation id out of the label range")
    return f"{LABEL_PREFIX}{preparation_id:0{LABEL_DIGITS}d}"


def preparation_id_from_label(code: str) -> int | None:
    """The id a scanned label names, or None when it is not a preparation label."""
    text = code.strip().upper()
    digits = text[len(LABEL_PREFIX) :]
    if not text.startswith(LABEL_PREFIX) or len(digits) != LABEL_DIGITS or not digits.isdigit():
        return None
    return int(digits) or None
