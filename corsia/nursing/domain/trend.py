"""The geometry of a scale's trend, drawn as inline SVG by the template (pure: no
JavaScript, no plotting library): time on the x axis (oldest left), the score on the y
axis over the scale's whole range, the score bands as shaded stripes, each assessment a
dot on the line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from corsia.nursing.domain.scales import ScaleDefinition

WIDTH = 640
HEIGHT = 160
PAD_LEFT = 40
PAD_RIGHT = 12
PAD_TOP = 10
PAD_BOTTOM = 22


@dataclass(frozen=True)
class Point:
    at: datetime
    total: int
    level: int
    band: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: Point


@dataclass(frozen=True)
class Stripe:
    y: float
    height: float
    label: str
    level: int


@dataclass(frozen=True)
class TrendPanel:
    dots: tuple[Dot, ...]
    points: str  # the polyline's "x,y x,y ..."
    stripes: tuple[Stripe, ...]
    lowest: int
    highest: int
    first: datetime
    last: datetime
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PAD_LEFT
    plot_right: int = WIDTH - PAD_RIGHT
    axis_y: int = HEIGHT - PAD_BOTTOM
    top_y: int = PAD_TOP

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left


def _y(value: float, lowest: int, highest: int) -> float:
    span = max(highest - lowest, 1)
    plot = HEIGHT - PAD_TOP - PAD_BOTTOM
    return round(PAD_TOP + plot * (1 - (value - lowest) / span), 1)


def panel(definition: ScaleDefinition, points: Sequence[Point]) -> TrendPanel | None:
    """The panel of ``points`` (any order; drawn oldest first), None when there are none."""
    if not points:
        return None
    ordered = sorted(points, key=lambda p: p.at)
    lowest, highest = definition.lowest, definition.highest
    first, last = ordered[0].at, ordered[-1].at
    seconds = (last - first).total_seconds()
    plot_width = WIDTH - PAD_LEFT - PAD_RIGHT
    dots: list[Dot] = []
    for n, point in enumerate(ordered):
        if seconds > 0:
            x = PAD_LEFT + plot_width * (point.at - first).total_seconds() / seconds
        else:
            x = PAD_LEFT + plot_width * ((n + 1) / (len(ordered) + 1))
        dots.append(Dot(x=round(x, 1), y=_y(point.total, lowest, highest), point=point))
    stripes = []
    for band in definition.bands:
        top = _y(band.maximum + 0.5 if band.maximum < highest else highest, lowest, highest)
        bottom = _y(band.minimum - 0.5 if band.minimum > lowest else lowest, lowest, highest)
        stripes.append(
            Stripe(y=top, height=round(bottom - top, 1), label=band.label, level=band.level)
        )
    return TrendPanel(
        dots=tuple(dots),
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        stripes=tuple(stripes),
        lowest=lowest,
        highest=highest,
        first=first,
        last=last,
    )
