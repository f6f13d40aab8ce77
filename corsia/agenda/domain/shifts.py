"""A nurse's shift on one day, with its breaks (pure).

The shift is a real time span (``start`` to ``end``) and each break lies strictly inside it,
no two breaks overlapping: a nurse starts no therapy, pump or detachment during a break.
For the planner a shift with breaks is its working spans (``working_spans``); a shift not
given is the agenda's whole opening. Bad input is refused with an Italian message and a
stable code, on the field it names (``break_start``/``break_end``; the n-th break of a
form: ``break_start_<n>``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time

from corsia.core.domain.errors import ValidationFailed

MAX_BREAKS = 4
Break = tuple[time | None, time | None]


def _hhmm(at: time) -> str:
    return f"{at:%H:%M}"


def _minute(at: time) -> int:
    return at.hour * 60 + at.minute


def _field(name: str, index: int) -> str:
    return name if index == 0 else f"{name}_{index + 1}"


@dataclass(frozen=True)
class NurseShift:
    """``start``/``end`` both given or both None (the whole opening); ``breaks``: pairs
    (start, end), each both given, only inside a given shift, none overlapping another.
    Empty pairs ``(None, None)`` (a form's blank row) are dropped; kept sorted."""

    start: time | None = None
    end: time | None = None
    breaks: tuple[Break, ...] = ()

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
        if len(self.breaks) > MAX_BREAKS:
            raise ValidationFailed(
                f"Al massimo {MAX_BREAKS} pause per turno.", code="too_many_breaks", field="breaks"
            )
        kept: list[tuple[time, time]] = []
        for i, (begin, end) in enumerate(self.breaks):
            if begin is None and end is None:
                continue
            kept.append(self._check_break(i, begin, end))
        kept.sort()
        for (s1, e1), (s2, e2) in itertools.pairwise(kept):
            if s2 < e1:
                raise ValidationFailed(
                    f"Le pause {_hhmm(s1)}–{_hhmm(e1)} e {_hhmm(s2)}–{_hhmm(e2)} si sovrappongono.",
                    code="breaks_overlap",
                    field="breaks",
                )
        object.__setattr__(self, "breaks", tuple(kept))

    def _check_break(self, i: int, begin: time | None, end: time | None) -> tuple[time, time]:
        if begin is None or end is None:
            raise ValidationFailed(
                "Indicare sia l'inizio sia la fine della pausa.",
                code="break_incomplete",
                field=_field("break_end" if end is None else "break_start", i),
            )
        if self.start is None or self.end is None:
            raise ValidationFailed(
                "Una pausa richiede l'orario del turno (inizio e fine).",
                code="break_without_shift",
                field=_field("break_start", i),
            )
        if end <= begin:
            raise ValidationFailed(
                f"La fine della pausa ({_hhmm(end)}) deve seguire l'inizio ({_hhmm(begin)}).",
                code="break_end_before_start",
                field=_field("break_end", i),
            )
        if not (self.start < begin and end < self.end):
            raise ValidationFailed(
                f"La pausa ({_hhmm(begin)}–{_hhmm(end)}) deve cadere dentro il turno "
                f"({_hhmm(self.start)}–{_hhmm(self.end)}).",
                code="break_outside_shift",
                field=_field("break_start", i),
            )
        return begin, end

    @property
    def stored_breaks(self) -> list[list[str]]:
        """The breaks as the model keeps them (``NurseOnDuty.breaks``): ``[["HH:MM", …]]``."""
        return [[_hhmm(b), _hhmm(e)] for b, e in self.breaks]  # type: ignore[arg-type]

    @classmethod
    def from_stored(
        cls, start: time | None, end: time | None, breaks: list[list[str]]
    ) -> NurseShift:
        return cls(
            start, end, tuple((time.fromisoformat(b), time.fromisoformat(e)) for b, e in breaks)
        )

    def working_spans(self, opens: int, closes: int) -> tuple[tuple[int, int], ...]:
        """The minutes of the day the nurse can start something, within the opening
        ``[opens, closes]``: the shift less its breaks; empty when nothing is left."""
        start = opens if self.start is None else max(opens, _minute(self.start))
        end = closes if self.end is None else min(closes, _minute(self.end))
        spans: list[tuple[int, int]] = []
        at = start
        for begin, finish in self.breaks:
            assert begin is not None and finish is not None  # checked
            spans.append((at, min(end, _minute(begin))))
            at = max(at, _minute(finish))
        spans.append((at, end))
        return tuple((s, e) for s, e in spans if s < e)
