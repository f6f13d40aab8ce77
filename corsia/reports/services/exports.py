"""A result exported as a file: CSV (Italian spreadsheet style: ``;`` between fields,
decimal comma, UTF-8 with BOM), XLSX (typed cells, a second sheet with the filters, notes
and each column's source) or PDF (WeasyPrint, the table and the chart)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML

from corsia.core.domain.errors import ValidationFailed
from corsia.reports.domain.chart import chart_svg
from corsia.reports.domain.definition import (
    ColumnType,
    Params,
    ReportDefinition,
    ReportResult,
    Value,
)

FORMATS = ("csv", "xlsx", "pdf")
_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_NUMBER_FORMATS = {
    ColumnType.MONEY: "#,##0.00",
    ColumnType.DECIMAL: "#,##0.###",
    ColumnType.PERCENT: "0.0",
    ColumnType.INTEGER: "0",
    ColumnType.DATE: "DD/MM/YYYY",
    ColumnType.DATETIME: "DD/MM/YYYY HH:MM",
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def cell_text(value: Value) -> str:
    """A value as an Italian reader writes it (decimal comma, dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def filters_text(definition: ReportDefinition, params: Params) -> list[tuple[str, str]]:
    labels = {
        "period_from": "Dal",
        "period_to": "Al",
        "unit": "Reparto (id)",
        "regimen": "Schema (id)",
        "drug": "Principio attivo (id)",
        "operator": "Operatore (id)",
    }
    out = []
    for key, value in params.as_json().items():
        text = (
            date.fromisoformat(str(value)).strftime("%d/%m/%Y")
            if key.startswith("period")
            else str(value)
        )
        out.append((labels[key], text))
    return out


def _csv(result: ReportResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in result.columns])
    for row in result.rows:
        writer.writerow([cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Value) -> object:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _xlsx(
    definition: ReportDefinition, params: Params, result: ReportResult, pseudo: bool
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = "Dati"
    sheet.append([c.header for c in result.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in result.rows:
        sheet.append([_xlsx_value(v) for v in row])
    for index, column in enumerate(result.columns, start=1):
        number_format = _NUMBER_FORMATS.get(column.type)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(48, len(column.header) + 4))
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Note")
    notes.append([definition.title])
    notes["A1"].font = Font(bold=True)
    notes.append([definition.description])
    if pseudo:
        notes.append(["Estrazione pseudonimizzata: pazienti come codice cifrato, date al mese."])
    for label, text in filters_text(definition, params):
        notes.append([label, text])
    for note in result.notes:
        notes.append([note])
    notes.append([])
    notes.append(["Colonna", "Fonte"])
    for column in result.columns:
        notes.append([column.header, column.source])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(definition: ReportDefinition, params: Params, result: ReportResult, pseudo: bool) -> bytes:
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "definition": definition,
            "filters": filters_text(definition, params),
            "headers": [c.header for c in result.columns],
            "rows": [[cell_text(v) for v in row] for row in result.rows],
            "notes": result.notes,
            "chart": chart_svg(result),
            "pseudonymised": pseudo,
            "printed_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def export_file(
    definition: ReportDefinition,
    params: Params,
    result: ReportResult,
    fmt: str,
    *,
    pseudonymised: bool = False,
) -> ExportFile:
    """The result as ``fmt`` (csv, xlsx, pdf); another format: ValidationFailed."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            f"Formato non previsto: «{str(fmt)[:10]}» (csv, xlsx, pdf).",
            code="format_invalid",
            field="format",
        )
    stem = f"{definition.code}_{timezone.localdate():%Y%m%d}" + ("_pseudo" if pseudonymised else "")
    if fmt == "csv":
        content = _csv(result)
    elif fmt == "xlsx":
        content = _xlsx(definition, params, result, pseudonymised)
    else:
        content = _pdf(definition, params, result, pseudonymised)
    return ExportFile(f"{stem}.{fmt}", _TYPES[fmt], content)
