"""The regional File F as a report (capitolato §21): every record of every type Corsia
produces for each month of the period, checked against the layout
(``inventory.services.file_f_checks``: each type's dispensations of the whole period
read at once; layout, types, fields and their sources in
``corsia/inventory/docs/fileF.md``). A record that fails is shown with the field and the
reason, never counted as sent; a dispensation without a key (fiscal code, AIC) likewise.
The file to send is still written by ``manage.py file_f`` (fixed width or CSV), which
leaves out the same records."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.conf import settings

from corsia.dispensing.services import FILE_F_DIRECT
from corsia.inventory.domain.file_f import LAYOUT_VERSION, DispensationType, FileFRecord
from corsia.inventory.services import FILE_F_UFA, file_f_checks
from corsia.reports.definitions.pharmacy import AREA, cents, it, period
from corsia.reports.domain.definition import (
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
)
from corsia.reports.domain.registry import register
from corsia.reports.permissions import PHARMACY

TYPES = (
    (DispensationType.ADMINISTERED, FILE_F_UFA, "Somministrati in day hospital / ambulatorio"),
    (DispensationType.DIRECT, FILE_F_DIRECT, "Distribuzione diretta"),
)
VALID = "Valido"


def _months(since: date, until: date) -> list[tuple[int, int]]:
    months, (year, month) = [], (since.year, since.month)
    while (year, month) <= (until.year, until.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _row(kind: str, label: str, record: FileFRecord | None, outcome: str) -> tuple[Value, ...]:
    if record is None:
        return (kind, label, None, None, "", None, "", "", None, None, None, "", outcome)
    return (
        kind,
        label,
        record.period,
        record.sequence if outcome == VALID else None,  # a failing record is not in the file
        record.patient_fiscal_code,
        record.dispensation_date,
        record.aic,
        record.atc,
        record.quantity,
        record.unit_cost,
        record.total,
        record.cost_center,
        outcome,
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while the period's File F is built: a few
    hundred thousand small acyclic objects (dispensations, records, rows) freed by their
    reference counts, which the collector would otherwise walk again and again (half the
    time at the M centre). Restored on the way out, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(params: Params, progress: Progress) -> ReportResult:
    with _no_cycle_collection():
        return _build(params, progress)


def _build(params: Params, progress: Progress) -> ReportResult:
    since, until = period(params)
    hospital = getattr(settings, "CORSIA_FILE_F_HOSPITAL_CODE", "")
    rows: list[tuple[Value, ...]] = []
    notes: list[str] = []
    patients: set[int] = set()
    months = _months(since, until)
    checks = {
        kind: file_f_checks(months=months, hospital_code=hospital, source=source)
        for kind, source, _ in TYPES
    }
    for n, (year, month) in enumerate(months):
        for kind, _, label in TYPES:
            check = checks[kind][n]
            patients.update(d.patient_id for d in check.dispensations if d.patient_id)
            rows += [_row(kind, label, r, VALID) for r in check.records]
            rows += [
                _row(kind, label, r, "; ".join(f"{e.field}: {e.message}" for e in errors))
                for r, errors in check.invalid
            ]
            rows += [
                _row(kind, label, None, f"{x.field}: {x.reason} ({x.source})")
                for x in check.unkeyed
            ]
            total = cents(sum((r.total for r in check.records), start=Decimal(0)))
            failing = len(check.excluded)
            notes.append(
                f"{year:04d}-{month:02d} tipo {kind} ({label}): {len(check.records)} record "
                f"validi, {it(total)} €; errori: {failing}."
            )
        progress(100 * (n + 1) // len(months))
    notes.append(
        f"Tracciato {LAYOUT_VERSION}: ipotesi di Corsia da verificare sul disciplinare "
        "tecnico della Regione (vedi la documentazione del File F)."
    )
    if not hospital.strip():
        notes.append("Codice della struttura non configurato (CORSIA_FILE_F_HOSPITAL_CODE).")
    return ReportResult(
        columns=(
            Column("record_type", "Tipo", source="S: movimenti di scarico; D: dispensazioni"),
            Column("type_label", "Tipologia"),
            Column("period", "Mese (AAAAMM)", ColumnType.INTEGER, source="mese di competenza"),
            Column("sequence", "Progressivo", ColumnType.INTEGER, source="numero del record"),
            Column(
                "patient_fiscal_code",
                "Codice fiscale",
                ColumnType.IDENTIFYING,
                source="patients.Patient.codice_fiscale",
            ),
            Column("dispensation_date", "Data", ColumnType.DATE, source="data del movimento"),
            Column("aic", "AIC", source="confezione del lotto / scansionata"),
            Column("atc", "ATC", source="drugs.ActiveIngredient.atc_code"),
            Column("quantity", "Quantità", ColumnType.INTEGER, "unità", "unità scaricate"),
            Column("unit_cost", "Costo unitario", ColumnType.DECIMAL, "€", "costo del movimento"),
            Column("total", "Importo", ColumnType.MONEY, "€", "quantità × costo unitario"),
            Column("cost_center", "Centro di costo", source="inventory.CostCenter.code"),
            Column("outcome", "Esito", source="controlli del tracciato (campo: motivo)"),
        ),
        rows=tuple(rows),
        notes=tuple(notes),
        patient_ids=frozenset(patients),
    )


register(
    ReportDefinition(
        code="pharmacy_file_f",
        title="File F (flusso regionale)",
        description=(
            "I record del File F di ogni mese del periodo, per tipologia (somministrati in "
            "day hospital / ambulatorio, distribuzione diretta), controllati sul tracciato: "
            "un record che non lo rispetta è indicato con il campo e il motivo."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD}),
        run=_run,
        holds_patient_data=True,
    )
)
