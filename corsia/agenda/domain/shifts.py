"""A nurse's shift on one day, with its optional break (pure).

The shift is a real time span (``start`` to ``end``) and the break, when there is one, lies
strictly inside it: a nurse starts no therapy, pump or detachment during her break. For the
planner a shift with a break is two working spans (``working_spans``); a shift not given is
the agenda's whole opening. Bad input is refused with an Italian message and a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from corsia.core.domain.errors import ValidationFailed


def _hhmm(at: time) -> str:
    return f"{at:%H:%M}"


def _minute(at: time) -> int:
    return at.hour * 60 + at.minute


@dataclass(frozen=True)
class NurseShift:
    """``start``/``end`` both given or both None (the whole opening); ``break_start`` and
    ``break_end`` both given or both None, and only inside a given shift."""

    start: time | None = None
    end: time | None = None
    break_start: time | None = None
    break_end: time | None = None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationFailed(
                "Indicare sia l'inizio sia la fine del turno.",
                code="shift_incomplete",
                field="ends_at" if self.end is None else "starts_at",
            )
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationFailed(
                f"La fine del turno ({_hhmm(self.end)}) deve seguire l'inizio "
                f"({_hhmm(self.start)}).",
                code="shift_end_before_start",
                field="ends_at",
            )
        if (self.break_start is None) != (self.break_end is None):
            raise ValidationFailed(
                "Indicare sia l'inizio sia la fine della pausa.",
                code="break_incomplete",
                field="break_end" if self.break_end is None else "break_start",
            )
        if self.break_start is None or self.break_end is None:
            return
        if self.start is None or self.end is None:
            raise ValidationFailed(
                "Una pausa richiede l'orario del turno (inizio e fine).",
                code="break_without_shift",
                field="break_start",
            )
        if self.break_end <= self.break_start:
            raise ValidationFailed(
                f"La fine della pausa ({_hhmm(self.break_end)}) deve seguire l'inizio "
                f"({_hhmm(self.break_start)}).",
                code="break_end_before_start",
                field="break_end",
            )
        if not (self.start < self.break_start and self.break_end < self.end):
            raise ValidationFailed(
                f"La pausa ({_hhmm(self.break_start)}–{_hhmm(self.break_end)}) deve cadere "
                f"dentro il turno ({_hhmm(self.start)}–{_hhmm(self.end)}).",
                code="break_outside_shift",
                field="break_start",
            )

    def working_spans(self, opens: int, closes: int) -> tuple[tuple[int, int], ...]:
        """The minutes of the day the nurse can start something, within the opening
        ``[opens, closes]``: the shift less its break; empty when nothing is left."""
        start = opens if self.start is None else max(opens, _minute(self.start))
        end = closes if self.end is None else min(closes, _minute(self.end))
        spans = [(start, end)]
        if self.break_start is not None and self.break_end is not None:
            pause = (_minute(self.break_start), _minute(self.break_end))
            spans = [(start, min(end, pause[0])), (max(start, pause[1]), end)]
        return tuple((s, e) for s, e in spans if s < e)
