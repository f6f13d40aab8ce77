"""A result as JSON (stored for a run in the background, answered by the API) and back,
each value typed by its column: Decimal as text (never a float), dates in ISO 8601."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from corsia.reports.domain.definition import ChartSpec, Column, ColumnType, ReportResult, Value

_DECIMALS = (ColumnType.DECIMAL, ColumnType.MONEY, ColumnType.PERCENT)


def value_json(value: Value) -> str | int | None:
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat()


def _value(kind: ColumnType, raw: Any) -> Value:
    if raw is None:
        return None
    if kind in _DECIMALS:
        return Decimal(str(raw))
    if kind is ColumnType.INTEGER:
        return int(raw)
    if kind is ColumnType.DATE:
        return date.fromisoformat(raw)
    if kind is ColumnType.DATETIME:
        return datetime.fromisoformat(raw)
    return str(raw)


def result_json(result: ReportResult) -> dict[str, Any]:
    return {
        "columns": [
            {
                "key": c.key,
                "label": c.label,
                "type": c.type.value,
                "unit": c.unit,
                "source": c.source,
            }
            for c in result.columns
        ],
        "rows": [[value_json(v) for v in row] for row in result.rows],
        "chart": (
            None
            if result.chart is None
            else {
                "kind": result.chart.kind,
                "label": result.chart.label,
                "values": list(result.chart.values),
                "title": result.chart.title,
            }
        ),
        "notes": list(result.notes),
    }


def result_from_json(data: dict[str, Any]) -> ReportResult:
    columns = tuple(
        Column(c["key"], c["label"], ColumnType(c["type"]), c.get("unit", ""), c.get("source", ""))
        for c in data["columns"]
    )
    rows = tuple(
        tuple(_value(columns[i].type, raw) for i, raw in enumerate(row)) for row in data["rows"]
    )
    chart = data.get("chart")
    return ReportResult(
        columns=columns,
        rows=rows,
        chart=None
        if chart is None
        else ChartSpec(
            chart["kind"], chart["label"], tuple(chart["values"]), chart.get("title", "")
        ),
        notes=tuple(data.get("notes", ())),
    )
