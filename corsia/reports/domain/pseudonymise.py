"""A pseudonymised extract for research: a patient's identifier replaced by a keyed hash
(HMAC-SHA256 with the centre's key, the same patient the same pseudonym in every extract
made with that key, not reversible without it), dates reduced to the month, identifying
columns (names, tax codes) left out."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import date, datetime

from corsia.reports.domain.definition import ColumnType, ReportResult, Value

PSEUDONYM_LENGTH = 16  # hex characters (64 bits): no collision in any centre's population


def pseudonym(identifier: str, key: bytes) -> str:
    digest = hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
    return "P-" + digest[:PSEUDONYM_LENGTH]


def _value(kind: ColumnType, value: Value, key: bytes) -> Value:
    if value is None:
        return None
    if kind is ColumnType.PATIENT:
        return pseudonym(str(value), key)
    if kind in (ColumnType.DATE, ColumnType.DATETIME) and isinstance(value, date | datetime):
        return value.strftime("%Y-%m")
    return value


def pseudonymised(result: ReportResult, key: bytes) -> ReportResult:
    """The result with patients hashed, dates as ``AAAA-MM`` (text), identifying columns
    dropped."""
    keep = [i for i, c in enumerate(result.columns) if c.type is not ColumnType.IDENTIFYING]
    columns = tuple(
        replace(result.columns[i], type=ColumnType.TEXT)
        if result.columns[i].type in (ColumnType.PATIENT, ColumnType.DATE, ColumnType.DATETIME)
        else result.columns[i]
        for i in keep
    )
    rows = tuple(
        tuple(_value(result.columns[i].type, row[i], key) for i in keep) for row in result.rows
    )
    chart = result.chart
    if chart is not None and chart.label not in {c.key for c in columns}:
        chart = None
    return replace(result, columns=columns, rows=rows, chart=chart)
