"""The chart's timeline: everything that happened to the patient in Corsia, newest first
(pure: the selectors gather the facts, this orders them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    ADMISSION = "admission"
    TRANSFER = "transfer"
    DISCHARGE = "discharge"
    ORDER = "order"
    ADMINISTRATION = "administration"
    TOXICITY = "toxicity"
    DIARY = "diary"
    ANAMNESIS = "anamnesis"
    DIAGNOSIS = "diagnosis"
    LAB = "lab"
    VITALS = "vitals"
    TREATMENT = "treatment"  # lines of therapy, surgery, radiotherapy, home therapy
    RESPONSE = "response"  # re-evaluations
    APPOINTMENT = "appointment"
    LETTER = "letter"
    BOARD = "board"
    REPORT = "report"  # pathology, imaging and consultation reports


KIND_LABELS_IT: dict[EventKind, str] = {
    EventKind.ADMISSION: "Ricovero/accesso",
    EventKind.TRANSFER: "Trasferimento",
    EventKind.DISCHARGE: "Dimissione",
    EventKind.ORDER: "Prescrizione",
    EventKind.ADMINISTRATION: "Somministrazione",
    EventKind.TOXICITY: "Tossicità",
    EventKind.DIARY: "Diario clinico",
    EventKind.ANAMNESIS: "Anamnesi",
    EventKind.DIAGNOSIS: "Diagnosi e performance status",
    EventKind.LAB: "Esami di laboratorio",
    EventKind.VITALS: "Parametri vitali",
    EventKind.TREATMENT: "Piano di cura",
    EventKind.RESPONSE: "Rivalutazione",
    EventKind.APPOINTMENT: "Appuntamento",
    EventKind.LETTER: "Lettere e referti",
    EventKind.BOARD: "Riunione multidisciplinare",
    EventKind.REPORT: "Referto",
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: EventKind
    title: str
    detail: str = ""
    author: str = ""
    url: str = ""
    # a tiebreak for events at the same moment: a later-written record shows first
    sequence: int = 0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS_IT[self.kind]


def newest_first(
    events: Iterable[TimelineEvent], *, limit: int | None = None
) -> list[TimelineEvent]:
    ordered = sorted(events, key=lambda e: (e.at, e.sequence), reverse=True)
    return ordered if limit is None else ordered[:limit]
