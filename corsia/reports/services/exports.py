"""A result exported as a file: CSV (Italian spreadsheet style: ``;`` between fields,
decimal comma, UTF-8 with BOM), XLSX (typed cells, a second sheet with the filters, notes
and each column's source) or PDF: printed from the print template ``report_export`` of
``corsia.documents`` (versioned, editable by the IT staff; fields in
``documents/schemas_reports.py``), the table and the chart.

The PDF of a report holding patient data (``holds_patient_data``, not pseudonymised) is a
print archived unsigned, with its template version and the ids of the patients the run
read (``ReportResult.patient_ids``, the same the run wrote in the access log): reopening it
from the archive logs a read of each. A pseudonymised extract, or a report of aggregates,
is no patient's document: printed from the same template, not archived."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.services import document_print, print_render
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


# The print template of the PDF (corsia.documents, schemas_reports.py).
PDF_TEMPLATE = "report_export"
# What a PDF may hold: rows (a list of the print's context holds at most 5 000,
# documents.domain.context), cells (rows x (columns + 1): the print template's sandbox stops
# at 50 000 loop turns) and the chart as an image (a text of the context: 200 000
# characters). A longer report is for the CSV or the XLSX (about 100 pages already).
PDF_MAX_ROWS = 5_000
PDF_MAX_CELLS = 40_000
PDF_MAX_CHART = 200_000
_NUMERIC = frozenset({ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.MONEY, ColumnType.PERCENT})


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    document_id: int | None = None  # the archived print (a PDF holding patient data)


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


def pdf_context(
    definition: ReportDefinition,
    params: Params,
    result: ReportResult,
    *,
    pseudonymised: bool,
    printed_by: str,
) -> dict[str, Any]:
    """The ``report`` of the print template ``report_export``: texts as the CSV writes
    them, the chart as an SVG image (a data URI: the sandbox prints no markup)."""
    cells = len(result.rows) * (len(result.columns) + 1)
    if len(result.rows) > PDF_MAX_ROWS or cells > PDF_MAX_CELLS:
        raise ValidationFailed(
            f"Il report ha troppe righe per un PDF ({len(result.rows)}): esportalo in CSV o "
            "XLSX, o restringi i filtri.",
            code="report_too_large_for_pdf",
            field="format",
        )
    svg = chart_svg(result)
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    notes = list(result.notes)
    if svg and len(image) > PDF_MAX_CHART:
        svg = ""
        notes.append("Grafico non riportato nel PDF (troppi punti): è sulla pagina del report.")
    return {
        "report": {
            "code": definition.code,
            "title": definition.title,
            "description": definition.description,
            "area": definition.area,
            "filters": [
                {"label": label, "value": text} for label, text in filters_text(definition, params)
            ],
            "pseudonymised": pseudonymised,
            "printed_at": f"{timezone.localtime():%d/%m/%Y %H:%M}",
            "printed_by": printed_by,
            "columns": [
                {"header": c.header, "numeric": c.type in _NUMERIC, "source": c.source}
                for c in result.columns
            ],
            "rows": [{"cells": [cell_text(v) for v in row]} for row in result.rows],
            "row_count": len(result.rows),
            "notes": notes,
            "chart": {
                "image": image,
                "title": (result.chart.title if result.chart else "") or definition.title,
            }
            if svg
            else None,
        }
    }


def _pdf(
    definition: ReportDefinition,
    params: Params,
    result: ReportResult,
    *,
    pseudonymised: bool,
    actor: User,
    workstation: Workstation,
) -> tuple[bytes, int | None]:
    """The PDF and, when archived (patient data, not pseudonymised), its document's id."""
    context = pdf_context(
        definition,
        params,
        result,
        pseudonymised=pseudonymised,
        printed_by=str(actor.get_full_name() or actor.username),
    )
    title = f"Report «{definition.title}»"
    if params.period_from is not None and params.period_to is not None:
        title += f" dal {params.period_from:%d/%m/%Y} al {params.period_to:%d/%m/%Y}"
    if not definition.holds_patient_data or pseudonymised:
        return print_render(template_code=PDF_TEMPLATE, title=title[:200], context=context), None
    document = document_print(
        actor=actor,
        workstation=workstation,
        template_code=PDF_TEMPLATE,
        title=title[:200],
        patient=None,
        context=context,
        source=("reports", "report", definition.code),
        named_patients=result.patient_ids,
    )
    return bytes(document.content), document.pk


def export_file(
    definition: ReportDefinition,
    params: Params,
    result: ReportResult,
    fmt: str,
    *,
    actor: User,
    workstation: Workstation,
    pseudonymised: bool = False,
) -> ExportFile:
    """The result as ``fmt`` (csv, xlsx, pdf); another format: ValidationFailed. The PDF
    of patient data is archived by ``actor`` (``documents.create_document`` or
    ``documents.archive_print``; ``document_id`` names it)."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            f"Formato non previsto: «{str(fmt)[:10]}» (csv, xlsx, pdf).",
            code="format_invalid",
            field="format",
        )
    stem = f"{definition.code}_{timezone.localdate():%Y%m%d}" + ("_pseudo" if pseudonymised else "")
    document_id = None
    if fmt == "csv":
        content = _csv(result)
    elif fmt == "xlsx":
        content = _xlsx(definition, params, result, pseudonymised)
    else:
        content, document_id = _pdf(
            definition,
            params,
            result,
            pseudonymised=pseudonymised,
            actor=actor,
            workstation=workstation,
        )
    return ExportFile(f"{stem}.{fmt}", _TYPES[fmt], content, document_id)
