"""The geometry of a Kaplan–Meier chart: the step curve, its confidence band as a filled
step polygon, censoring ticks and the axes' ticks, in SVG user units. The template draws
them (inline SVG, no JavaScript) with the same numbers in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from corsia.reports.domain.clinical.survival import KaplanMeier, SurvivalStep
from corsia.reports.domain.definition import ChartSpec, ReportResult

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


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def step_chart_svg(
    *, rows: list[tuple[float, float, float, float, int]], title: str, description: str
) -> str:
    """The SVG of a Kaplan–Meier table's rows — (months, survival %, lower %, upper %,
    censored at that time) in time order — as the report page and PDF embed it:
    ``role="img"`` with a title and a description of the values (the table carries them)."""
    if not rows:
        return ""
    steps = []
    censor_times: list[float] = []
    previous = 100.0
    for months, surv, low, high, censored in rows:
        if surv != previous:
            steps.append(
                SurvivalStep(months, surv / 100, low / 100, high / 100, at_risk=0, events=0)
            )
            previous = surv
        censor_times += [months] * censored
    km = KaplanMeier(
        patients=0,
        events=0,
        censored=len(censor_times),
        steps=tuple(steps),
        median=None,
        median_lower=None,
        median_upper=None,
    )
    longest = max(r[0] for r in rows)
    step = 3.0 if longest <= 24 else 6.0 if longest <= 60 else 12.0
    t_max = max(step, step * (int(longest // step) + 1))
    chart = survival_chart(km, censor_times=censor_times, t_max=t_max, x_step=step)
    return render_svg(chart, title=title, description=description)


def render_svg(chart: SurvivalChart, *, title: str, description: str) -> str:
    ticks_y = "".join(
        f'<text x="{chart.plot_left - 6}" y="{t.position}" text-anchor="end" font-size="11" '
        f'dominant-baseline="middle">{t.label}</text>'
        for t in chart.y_ticks
    )
    ticks_x = "".join(
        f'<text x="{t.position}" y="{chart.plot_bottom + 16}" text-anchor="middle" '
        f'font-size="11">{t.label}</text>'
        for t in chart.x_ticks
    )
    marks = "".join(
        f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#17324d" stroke-width="1.5"/>'
        for x, top, bottom in chart.censored
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {chart.width} {chart.height}" aria-labelledby="chart-title chart-desc" '
        f'font-family="Titillium Web, sans-serif">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
        f'<path d="{chart.band}" fill="#cfe2f7" stroke="none"/>'
        f'<line x1="{chart.plot_left}" y1="{chart.plot_bottom}" x2="{chart.plot_right}" '
        f'y2="{chart.plot_bottom}" stroke="#5c6f82"/>'
        f'<line x1="{chart.plot_left}" y1="{chart.plot_top}" x2="{chart.plot_left}" '
        f'y2="{chart.plot_bottom}" stroke="#5c6f82"/>'
        f"{ticks_y}{ticks_x}"
        f'<text x="{chart.plot_right}" y="{chart.height - 4}" text-anchor="end" '
        f'font-size="11">mesi</text>'
        f'<path d="{chart.curve}" fill="none" stroke="#0066cc" stroke-width="2"/>{marks}</svg>'
    )


def survival_step_svg(result: ReportResult, spec: ChartSpec) -> str:
    """A ``ChartSpec(kind="step", label=<months column>, values=(<survival %>, <lower %>,
    <upper %>, <censored count>))`` of a Kaplan–Meier table: the step curve with its band."""
    at = [result.column_index(key) for key in (spec.label, *spec.values)]
    rows = [
        (_num(r[at[0]]), _num(r[at[1]]), _num(r[at[2]]), _num(r[at[3]]), int(_num(r[at[4]])))
        for r in result.rows
    ]
    description = "; ".join(
        f"{m:g} mesi: {s:g}% (IC 95% {lo:g}–{hi:g}%)" for m, s, lo, hi, _ in rows
    )
    return step_chart_svg(
        rows=rows, title=spec.title or "Curva di Kaplan–Meier", description=description
    )
