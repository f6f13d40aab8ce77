"""The geometry of one parameter's series for an SVG line chart (pure): points scaled to a
box, the threshold lines, the y ticks. The template draws it; a table carries the same
values for screen readers and for printing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

WIDTH = 600
HEIGHT = 200
PAD_LEFT = 48
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    at: datetime
    unconfirmed: bool


@dataclass(frozen=True)
class Line:
    y: float
    value: Decimal
    kind: str  # low | high


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: tuple[Point, ...]
    polyline: str
    lines: tuple[Line, ...]
    ticks: tuple[tuple[float, Decimal], ...]
    x_left: int
    x_right: int
    y_bottom: int


def chart(
    series: Sequence[tuple[datetime, Decimal, bool]],
    *,
    low: Decimal | None,
    high: Decimal | None,
) -> Chart:
    """``series``: (when, value, awaiting confirmation) in time order."""
    values = [v for _, v, _ in series] + [x for x in (low, high) if x is not None]
    top = max(values) if values else Decimal(1)
    bottom = min(values) if values else Decimal(0)
    span = top - bottom or Decimal(1)
    top, bottom = top + span / 10, bottom - span / 10
    span = top - bottom
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y_of(value: Decimal) -> float:
        return round(PAD_TOP + float((top - value) / span) * inner_h, 1)

    times = [t for t, _, _ in series]
    first, last = (min(times), max(times)) if times else (None, None)
    seconds = (last - first).total_seconds() if first and last else 0.0

    def x_of(at: datetime) -> float:
        if not seconds or first is None:
            return float(PAD_LEFT + inner_w / 2)
        return round(PAD_LEFT + (at - first).total_seconds() / seconds * inner_w, 1)

    points = tuple(Point(x_of(t), y_of(v), v, t, u) for t, v, u in series)
    lines = tuple(
        Line(y_of(value), value, kind)
        for value, kind in ((low, "low"), (high, "high"))
        if value is not None
    )
    ticks = tuple(
        (y_of(bottom + span * i / 4), (bottom + span * i / 4).quantize(Decimal("0.1")))
        for i in range(5)
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points if not p.unconfirmed),
        lines=lines,
        ticks=ticks,
        x_left=PAD_LEFT,
        x_right=WIDTH - PAD_RIGHT,
        y_bottom=HEIGHT - PAD_BOTTOM,
    )
