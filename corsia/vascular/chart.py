"""A horizontal bar chart of the statistics as data for an accessible SVG (no script):
each bar's label, value and width; the table beside it carries the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 360  # the drawing width of the longest bar
ROW = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    width: int
    y: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int


def bars(values: list[tuple[str, Decimal]]) -> Chart:
    top = max((v for _label, v in values), default=Decimal(0))
    drawn = []
    for i, (label, value) in enumerate(values):
        width = int(value * WIDTH / top) if top > 0 else 0
        drawn.append(
            Bar(label=label, value=value, width=width, y=i * ROW + 4, text_y=i * ROW + 18,
                value_x=226 + width)
        )  # fmt: skip
    return Chart(bars=drawn, height=max(len(values), 1) * ROW)
