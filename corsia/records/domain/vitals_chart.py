"""The geometry of the vital-signs charts, drawn as inline SVG by the template (pure: no
JavaScript, no plotting library). One small panel per parameter, time on the x axis
(oldest left), the normal band shaded, each reading a dot (flagged readings marked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from corsia.records.domain.vitals import SPECS, Flag, Vital, flag

WIDTH = 640
HEIGHT = 140
PAD_LEFT = 44
PAD_RIGHT = 12
PAD_TOP = 10
PAD_BOTTOM = 22


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: Decimal
    at: datetime
    flag: Flag | None


@dataclass(frozen=True)
class Panel:
    vital: Vital
    label_it: str
    unit: str
    dots: tuple[Dot, ...]
    points: str  # the polyline's "x,y x,y ..."
    band_y: float | None  # the normal band's top edge and height (None: no band drawn)
    band_height: float
    y_min: Decimal
    y_max: Decimal
    y_min_pos: float
    y_max_pos: float
    first: datetime
    last: datetime

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def plot_left(self) -> int:
        return PAD_LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - PAD_RIGHT

    @property
    def plot_width(self) -> int:
        return WIDTH - PAD_LEFT - PAD_RIGHT

    @property
    def axis_y(self) -> int:
        return HEIGHT - PAD_BOTTOM


def _bounds(vital: Vital, values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    spec = SPECS[vital]
    candidates = [*values]
    candidates.extend(b for b in (spec.normal_low, spec.normal_high) if b is not None)
    low, high = min(candidates), max(candidates)
    margin = max((high - low) / 10, Decimal(1))
    return max(low - margin, spec.low), min(high + margin, spec.high)


def panel(vital: Vital, series: Sequence[tuple[datetime, Decimal]]) -> Panel | None:
    """The panel of one parameter (``None`` without readings); ``series`` in any order."""
    readings = sorted(series, key=lambda p: p[0])
    if not readings:
        return None
    first, last = readings[0][0], readings[-1][0]
    span = (last - first).total_seconds()
    low, high = _bounds(vital, [v for _, v in readings])
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x_of(at: datetime) -> float:
        if span <= 0:
            return PAD_LEFT + plot_w / 2
        return round(PAD_LEFT + plot_w * (at - first).total_seconds() / span, 1)

    def y_of(value: Decimal) -> float:
        return round(PAD_TOP + plot_h * float((high - value) / (high - low)), 1)

    dots = tuple(
        Dot(x=x_of(at), y=y_of(value), value=value, at=at, flag=flag(vital, value))
        for at, value in readings
    )
    spec = SPECS[vital]
    band_top = min(spec.normal_high, high) if spec.normal_high is not None else high
    band_bottom = max(spec.normal_low, low) if spec.normal_low is not None else low
    band_y: float | None = None
    band_height = 0.0
    if band_top > band_bottom:
        band_y = y_of(band_top)
        band_height = round(y_of(band_bottom) - band_y, 1)
    return Panel(
        vital=vital,
        label_it=spec.label_it,
        unit=spec.unit,
        dots=dots,
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        band_y=band_y,
        band_height=band_height,
        y_min=low,
        y_max=high,
        y_min_pos=y_of(low),
        y_max_pos=y_of(high),
        first=first,
        last=last,
    )
