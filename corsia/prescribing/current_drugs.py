"""Everything the patient takes in a period, as the interaction check needs it, without
prescribing reading the modules above it.

Prescribing sits below the ward's therapy (``corsia.therapy``), the direct distribution
(``corsia.dispensing``) and parenteral nutrition in the module order, so it cannot import
them. It declares here the reader it needs; each module registers its own when the
application starts (its ``AppConfig.ready``), as the given-doses reader
(``corsia.prescribing.given``). Prescribing registers the chemotherapy order lines itself.
A reader answers for one patient and a period (both days included) with its queries and
how their rows become the archive code of each drug taken then
(:class:`CurrentDrugsQuery`); the check (``corsia.prescribing.interactions_check``) puts them
together and finds the interactions among them. A page runs every reader's queries in one
statement (``corsia.core.read_together``), anything else one query each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from corsia.core.read_together import ReadPart
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.models import OrderItem

CHEMOTHERAPY = "chemotherapy"
WARD = "ward"
HOME = "home"
NUTRITION = "nutrition"
SOURCE_LABELS_IT = {
    CHEMOTHERAPY: "Chemioterapia",
    WARD: "Terapia di reparto",
    HOME: "Terapia domiciliare",
    NUTRITION: "Nutrizione parenterale",
}


@dataclass(frozen=True)
class CurrentDrug:
    """One drug the patient takes in the period: its archive code and Italian name, where
    it comes from (``source``: one of the constants above) and what names it there (e.g.
    "ordine 12, ciclo 2, 03/12/2026"); ``order_id`` for a chemotherapy order line."""

    code: str
    name: str
    source: str
    detail: str
    order_id: int | None = None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS_IT.get(self.source, self.source)


# a reader's queries for one patient and period (its own module's tables) and how their
# rows, in the same order, become the drugs
CurrentDrugsQuery = ReadPart[Sequence[CurrentDrug]]


class CurrentDrugsReader(Protocol):
    def __call__(
        self, *, patient_id: int, first_day: date, last_day: date
    ) -> CurrentDrugsQuery: ...


_readers: dict[str, CurrentDrugsReader] = {}


def current_drugs_reader_register(source: str, reader: CurrentDrugsReader) -> None:
    """Called once by each module that holds therapies (idempotent: the source's reader is
    replaced)."""
    _readers[source] = reader


def current_drugs_sources() -> list[str]:
    return sorted(_readers)


def chemotherapy_drugs(*, patient_id: int, first_day: date, last_day: date) -> CurrentDrugsQuery:
    """The active lines of the patient's orders (not cancelled) given in the period."""
    rows = (
        OrderItem.objects.filter(
            order__patient_id=patient_id,
            status="active",
            scheduled_date__gte=first_day,
            scheduled_date__lte=last_day,
        )
        .exclude(order__state=OrderState.CANCELLED.value)
        .order_by("scheduled_date", "id")
        .values_list(
            "ingredient__code",
            "ingredient__name_it",
            "order_id",
            "order__cycle_number",
            "scheduled_date",
        )
    )
    return CurrentDrugsQuery(querysets=(rows,), decode=_chemotherapy_from)


def _chemotherapy_from(results: list[list[Any]]) -> list[CurrentDrug]:
    [rows] = results
    found: dict[tuple[str, int], CurrentDrug] = {}
    for code, name, order_id, cycle, day in rows:
        found.setdefault(
            (code, order_id),
            CurrentDrug(
                code=code,
                name=name,
                source=CHEMOTHERAPY,
                detail=f"prescrizione {order_id}, ciclo {cycle}, dal {day:%d/%m/%Y}",
                order_id=order_id,
            ),
        )
    return list(found.values())


current_drugs_reader_register(CHEMOTHERAPY, chemotherapy_drugs)


def patient_current_drugs_queries(
    *, patient_id: int, first_day: date, last_day: date
) -> list[CurrentDrugsQuery]:
    """Every registered source's queries for the period (chemotherapy first)."""
    return [
        _readers[source](patient_id=patient_id, first_day=first_day, last_day=last_day)
        for source in sorted(_readers, key=lambda s: (s != CHEMOTHERAPY, s))
    ]


def patient_current_drugs(*, patient_id: int, first_day: date, last_day: date) -> list[CurrentDrug]:
    """Every drug of every registered source in the period (chemotherapy first)."""
    return [
        drug
        for query in patient_current_drugs_queries(
            patient_id=patient_id, first_day=first_day, last_day=last_day
        )
        for drug in query.evaluate()
    ]
