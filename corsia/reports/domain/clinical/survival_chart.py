"""The geometry of a Kaplan–Meier chart: the step curve, its confidence band as a filled
step polygon, censoring ticks and the axes' ticks, in SVG user units. The template draws
them (inline SVG, no JavaScript) with the same numbers in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.reports.domain.clinical.survival import KaplanMeier

WIDTH = 640
HEIGHT = 320
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 40


@dataclass(frozen=True, slots=True)
class Tick:
    value: float
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class SurvivalChart:
    width: int
    height: int
    curve: str  # SVG path "M … H … V …"
    band: str  # SVG path, closed
    censored: tuple[tuple[float, float, float], ...]  # (x, y top, y bottom) of each tick
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    plot_left: int
    plot_bottom: int
    plot_right: int
    plot_top: int


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def survival_chart(
    km: KaplanMeier, *, censor_times: list[float], t_max: float, x_step: float
) -> SurvivalChart:
    """The chart of ``km`` from 0 to ``t_max`` (x ticks every ``x_step``); ``censor_times``
    are the censored observations' times (ticks on the curve)."""
    if t_max <= 0 or x_step <= 0:
        raise ValueError("t_max and x_step must be positive")
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + min(t, t_max) / t_max * plot_w

    def y(s: float) -> float:
        return TOP + (1 - s) * plot_h

    steps = [st for st in km.steps if st.time <= t_max]
    curve = [f"M{_fmt(x(0))},{_fmt(y(1))}"]
    upper = [(x(0), y(1))]
    lower = [(x(0), y(1))]
    for st in steps:
        curve.append(f"H{_fmt(x(st.time))}V{_fmt(y(st.survival))}")
        upper += [(x(st.time), upper[-1][1]), (x(st.time), y(st.upper))]
        lower += [(x(st.time), lower[-1][1]), (x(st.time), y(st.lower))]
    curve.append(f"H{_fmt(x(t_max))}")
    upper.append((x(t_max), upper[-1][1]))
    lower.append((x(t_max), lower[-1][1]))
    ring = upper + list(reversed(lower))
    band = "M" + "L".join(f"{_fmt(px)},{_fmt(py)}" for px, py in ring) + "Z"
    marks = tuple(
        (round(x(t), 1), round(y(km.survival_at(t)) - 5, 1), round(y(km.survival_at(t)) + 5, 1))
        for t in censor_times
        if t <= t_max
    )
    n = int(t_max // x_step)
    x_ticks = tuple(
        Tick(i * x_step, round(x(i * x_step), 1), f"{i * x_step:g}") for i in range(n + 1)
    )
    y_ticks = tuple(Tick(v / 100, round(y(v / 100), 1), f"{v}%") for v in range(0, 101, 25))
    return SurvivalChart(
        width=WIDTH,
        height=HEIGHT,
        curve="".join(curve),
        band=band,
        censored=marks,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        plot_left=LEFT,
        plot_bottom=HEIGHT - BOTTOM,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
    )
