"""A result's chart as server-rendered SVG: horizontal bars (one group per row, one bar per
value column) or a line (rows in order). Accessible: ``role="img"`` with a title and a
description naming every value; the table under it holds the same figures."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from corsia.reports.domain.clinical.survival_chart import survival_step_svg
from corsia.reports.domain.definition import ChartSpec, ReportResult

MAX_ITEMS = 40  # more rows than that: the chart shows the first ones, the table all
# Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by their pattern too.
PALETTE = ("#0066cc", "#b35c00", "#2e7d32", "#7b1fa2")
_BAR_H, _GAP, _LABEL_W, _WIDTH = 16, 10, 220, 760


def _number(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        return Decimal(0)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    return Decimal(0)


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",")


def chart_svg(result: ReportResult, spec: ChartSpec | None = None) -> str:
    """The SVG of the result's chart (empty string: no chart or nothing to draw)."""
    spec = spec or result.chart
    if spec is None or not result.rows:
        return ""
    if spec.kind == "step":  # a survival curve: the clinical statistics draw their own
        return survival_step_svg(result, spec)
    label_at = result.column_index(spec.label)
    value_at = [result.column_index(key) for key in spec.values]
    names = [result.columns[i].header for i in value_at]
    items = [
        (str(row[label_at] or "—"), [_number(row[i]) for i in value_at])
        for row in result.rows[:MAX_ITEMS]
    ]
    top = max((max(values, default=Decimal(0)) for _, values in items), default=Decimal(0))
    top = top if top > 0 else Decimal(1)
    title = escape(spec.title or ", ".join(names))
    description = escape(
        "; ".join(
            f"{label}: " + ", ".join(f"{n} {_fmt(v)}" for n, v in zip(names, values, strict=True))
            for label, values in items
        )
    )
    if spec.kind == "line":
        body, height = _line(items, top, len(names))
    else:
        body, height = _bars(items, top, len(names))
    legend = "".join(
        f'<rect x="{_LABEL_W + i * 180}" y="4" width="12" height="12" fill="{PALETTE[i % 4]}"/>'
        f'<text x="{_LABEL_W + i * 180 + 16}" y="15" font-size="12">{escape(n)}</text>'
        for i, n in enumerate(names)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {_WIDTH} {height + 30}" aria-labelledby="chart-title chart-desc" '
        f'font-family="Titillium Web, sans-serif">'
        f'<title id="chart-title">{title}</title><desc id="chart-desc">{description}</desc>'
        f'{legend}<g transform="translate(0,26)">{body}</g></svg>'
    )


def _bars(items: list[tuple[str, list[Decimal]]], top: Decimal, series: int) -> tuple[str, int]:
    span = _WIDTH - _LABEL_W - 90
    parts, y = [], 0
    for label, values in items:
        group = series * _BAR_H
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{y + group / 2 + 4:.0f}" text-anchor="end" '
            f'font-size="12">{escape(label[:34])}</text>'
        )
        for i, value in enumerate(values):
            width = float(value / top) * span if value > 0 else 0
            parts.append(
                f'<rect x="{_LABEL_W}" y="{y + i * _BAR_H}" width="{width:.1f}" '
                f'height="{_BAR_H - 2}" fill="{PALETTE[i % 4]}"/>'
                f'<text x="{_LABEL_W + width + 4:.1f}" y="{y + i * _BAR_H + 12}" '
                f'font-size="11">{_fmt(value)}</text>'
            )
        y += group + _GAP
    return "".join(parts), y


def _line(items: list[tuple[str, list[Decimal]]], top: Decimal, series: int) -> tuple[str, int]:
    height, left, span = 220, 60, _WIDTH - 80
    step = span / max(len(items) - 1, 1)
    parts = [f'<line x1="{left}" y1="{height}" x2="{left + span}" y2="{height}" stroke="#555"/>']
    for s in range(series):
        points = " ".join(
            f"{left + k * step:.1f},{height - float(values[s] / top) * (height - 10):.1f}"
            for k, (_, values) in enumerate(items)
        )
        parts.append(
            f'<polyline fill="none" stroke="{PALETTE[s % 4]}" stroke-width="2" points="{points}"/>'
        )
    for k, (label, _) in enumerate(items):
        parts.append(
            f'<text x="{left + k * step:.1f}" y="{height + 16}" text-anchor="middle" '
            f'font-size="11">{escape(label[:12])}</text>'
        )
    return "".join(parts), height + 24
