"""The chart's timeline: everything that happened to the patient in Corsia, newest first
(pure: the selectors gather the facts, this orders them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from corsia.core.domain.codes import LabelledCode


class EventKind(LabelledCode):
    ADMISSION = "admission", "Ricovero/accesso"
    TRANSFER = "transfer", "Trasferimento"
    DISCHARGE = "discharge", "Dimissione"
    ORDER = "order", "Prescrizione"
    ADMINISTRATION = "administration", "Somministrazione"
    TOXICITY = "toxicity", "Tossicità"
    DIARY = "diary", "Diario clinico"
    ANAMNESIS = "anamnesis", "Anamnesi"
    DIAGNOSIS = "diagnosis", "Diagnosi e performance status"
    LAB = "lab", "Esami di laboratorio"
    VITALS = "vitals", "Parametri vitali"
    TREATMENT = (
        "treatment",
        "Piano di cura",
    )  # lines of therapy, surgery, radiotherapy, home therapy
    RESPONSE = "response", "Rivalutazione"  # re-evaluations
    APPOINTMENT = "appointment", "Appuntamento"
    LETTER = "letter", "Lettere e referti"
    BOARD = "board", "Riunione multidisciplinare"
    REPORT = "report", "Referto"  # pathology, imaging and consultation reports


KIND_LABELS_IT: dict[EventKind, str] = EventKind.labels_it()


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
