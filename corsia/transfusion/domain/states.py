"""The life of a request and of one bag's transfusion, as transition tables. Pure.

::

    request:      open ──(all units given or closed)──► closed
                    └──(cancel, reason)──► cancelled
    transfusion:  checked ──start──► in_progress ──end──► completed
                     │                    └──stop (reason)──► stopped
                     └──stop (reason: bag not given)──► stopped
"""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import InvalidTransition


class RequestState(LabelledCode):
    OPEN = "open", "Aperta"
    CLOSED = "closed", "Chiusa"
    CANCELLED = "cancelled", "Annullata"


class TransfusionState(LabelledCode):
    CHECKED = "checked", "Controllata al letto"
    IN_PROGRESS = "in_progress", "In corso"
    COMPLETED = "completed", "Conclusa"
    STOPPED = "stopped", "Interrotta"


class TransfusionEvent(LabelledCode):
    START = "start", "avvio"
    END = "end", "conclusione"
    STOP = "stop", "interruzione"


class VitalsPhase(LabelledCode):
    BEFORE = "before", "Prima"
    DURING = "during", "Durante (15 minuti)"
    AFTER = "after", "Dopo"


_T = TransfusionState
_E = TransfusionEvent
TRANSITIONS: dict[tuple[TransfusionState, TransfusionEvent], TransfusionState] = {
    (_T.CHECKED, _E.START): _T.IN_PROGRESS,
    (_T.CHECKED, _E.STOP): _T.STOPPED,
    (_T.IN_PROGRESS, _E.END): _T.COMPLETED,
    (_T.IN_PROGRESS, _E.STOP): _T.STOPPED,
}


def next_state(state: TransfusionState, event: TransfusionEvent) -> TransfusionState:
    target = TRANSITIONS.get((state, event))
    if target is None:
        raise InvalidTransition(
            f"La trasfusione è «{state.label_it.lower()}»: {event.label_it} non possibile.",
            code="transfusion_wrong_state",
        )
    return target


# Which phases a state accepts vital signs for.
PHASES_ALLOWED: dict[TransfusionState, frozenset[VitalsPhase]] = {
    _T.CHECKED: frozenset({VitalsPhase.BEFORE}),
    _T.IN_PROGRESS: frozenset({VitalsPhase.DURING}),
    _T.COMPLETED: frozenset({VitalsPhase.AFTER}),
    _T.STOPPED: frozenset({VitalsPhase.AFTER}),
}
