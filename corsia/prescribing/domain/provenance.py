"""Provenance of a calculation: which formula, with which inputs, giving what.

Every number the dose engine produces is a :class:`Step`: a frozen tree that can be
printed on the order, e.g. ``BSA Mosteller = √(165 × 70 / 3600) = 1.79 m²``, with the
steps it was built from indented below it. Display rounding (``places``) is only
for the text; ``value`` is the exact Decimal that was used downstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def format_input(value: Decimal) -> str:
    """A number as typed: no exponent, no trailing zeros (``70.0`` → ``70``)."""
    text = format(value.normalize(), "f")
    return text


def format_result(value: Decimal, places: int) -> str:
    """A computed value rounded half-up to ``places`` decimals for display."""
    return format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


@dataclass(frozen=True)
class StepInput:
    name: str
    value: Decimal | str
    unit: str = ""


@dataclass(frozen=True)
class Step:
    """One computed quantity and how it was obtained."""

    label: str  # "BSA Mosteller"
    formula: str  # symbolic: "√(altezza_cm × peso_kg / 3600)"
    expression: str  # with the numbers substituted: "√(165 × 70 / 3600)"; "" if measured
    value: Decimal
    unit: str  # "m²"
    places: int = 2
    inputs: tuple[StepInput, ...] = ()
    children: tuple[Step, ...] = field(default=())
    note: str = ""

    @property
    def display_value(self) -> str:
        return format_result(self.value, self.places)

    @property
    def operand(self) -> str:
        """The value as written inside a later expression: 4 decimals, so a reader can
        redo the arithmetic by hand and get the printed result."""
        return format_input(Decimal(format_result(self.value, 4)))

    def line(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        text = f"{self.label} = {self.expression} = {self.display_value}{unit}"
        if not self.expression or self.expression == self.display_value:
            text = f"{self.label} = {self.display_value}{unit}"
        if self.note:
            text = f"{text} ({self.note})"
        return text

    def render_lines(self, indent: int = 0) -> list[str]:
        lines = ["  " * indent + self.line()]
        for child in self.children:
            lines.extend(child.render_lines(indent + 1))
        return lines

    def render(self) -> str:
        """The text printed on the order: this step, then what it was built from."""
        return "\n".join(self.render_lines())
