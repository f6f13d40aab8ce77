"""The label of a galenic batch (Norme di Buona Preparazione, FU XII): what it says, as a
pure function of the batch's facts. The page shows it and prints it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from corsia.galenics.domain.units import Quantity, quantity_text


@dataclass(frozen=True)
class LabelComponent:
    """A component per batch unit; ``per_unit`` ``None``: a vehicle *quanto basta*, which
    the label writes "q.b. a" the batch's quantity (acqua depurata q.b. a 100 mL)."""

    name: str
    per_unit: Quantity | None
    excipient: bool = False


@dataclass(frozen=True)
class LabelInput:
    pharmacy: str
    name: str
    kind: str  # "magistral" or "officinal"
    pharmaceutical_form: str
    batch_unit: str
    batch_quantity_text: str
    components: Sequence[LabelComponent]
    batch_number: str
    prepared_on: date
    beyond_use: date
    storage: str
    patient: str = ""


@dataclass(frozen=True)
class Label:
    pharmacy: str
    title: str
    kind_text: str
    composition: tuple[str, ...]
    excipients: tuple[str, ...]
    quantity_text: str
    batch_line: str
    dates_line: str
    storage: str
    patient: str

    @property
    def lines(self) -> tuple[str, ...]:
        parts = [self.pharmacy, self.title, self.kind_text]
        if self.patient:
            parts.append(self.patient)
        parts += [*self.composition]
        if self.excipients:
            parts.append("Eccipienti: " + ", ".join(self.excipients))
        parts += [self.quantity_text, self.batch_line, self.dates_line, self.storage]
        return tuple(p for p in parts if p)


KIND_TEXT = {"magistral": "Preparazione magistrale", "officinal": "Preparazione officinale"}


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _amount(component: LabelComponent, data: LabelInput) -> str:
    if component.per_unit is None:
        return f"q.b. a {data.batch_quantity_text}"
    return quantity_text(component.per_unit)


def label_for(data: LabelInput) -> Label:
    """The label: the pharmacy, the name and form, the composition per batch unit (active
    ingredients, then excipients; a vehicle q.b. "q.b. a" the batch's quantity), the
    quantity, the batch number, the preparation and beyond-use dates, the storage."""
    per = f"per {data.batch_unit}" if data.batch_unit else ""
    composition = tuple(
        f"{c.name} {_amount(c, data)}" + (f" {per}" if c.per_unit is not None and per else "")
        for c in data.components
        if not c.excipient
    )
    excipients = tuple(f"{c.name} {_amount(c, data)}" for c in data.components if c.excipient)
    return Label(
        pharmacy=data.pharmacy,
        title=f"{data.name} — {data.pharmaceutical_form}",
        kind_text=KIND_TEXT.get(data.kind, ""),
        composition=composition,
        excipients=excipients,
        quantity_text=f"Quantità: {data.batch_quantity_text}",
        batch_line=f"Lotto {data.batch_number}",
        dates_line=(
            f"Preparato il {_day(data.prepared_on)} · Da usare entro il {_day(data.beyond_use)}"
        ),
        storage=f"Conservazione: {data.storage}" if data.storage else "",
        patient=f"Paziente: {data.patient}" if data.patient else "",
    )
