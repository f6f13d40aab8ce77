"""Test helpers of the reports: a sample definition registered for one test (``sample``
fixture factory), holding patient data or not, long or not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from corsia.reports.domain.definition import (
    ChartSpec,
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
)
from corsia.reports.domain.registry import register, unregister
from corsia.reports.permissions import PHARMACY

SAMPLE_CODE = "sample_report"


def sample_definition(
    *,
    patient_ids: tuple[int, ...] = (),
    long: bool = False,
    read: Callable[[], tuple[int, ...]] | None = None,
) -> ReportDefinition:
    """Two rows per run: a drug, an amount, a cost, a date, and (with ``patient_ids``) the
    patient's MRN and name; the filters echoed in the notes. ``read``: the patients' ids
    read from the database when the report runs (instead of ``patient_ids``)."""

    fixed_ids = patient_ids

    def run(params: Params, progress: Progress) -> ReportResult:
        progress(50)
        patient_ids = read() if read is not None else fixed_ids
        columns = [
            Column("drug", "Farmaco"),
            Column("mg", "Quantità", ColumnType.DECIMAL, "mg", "compounding"),
            Column("eur", "Costo", ColumnType.MONEY, "€"),
            Column("day", "Giorno", ColumnType.DATE),
        ]
        rows: list[list[Value]] = [
            ["Cisplatino", Decimal("12.5"), Decimal("3.40"), date(2026, 3, 14)],
            ["Oxaliplatino", Decimal("100"), Decimal("25.00"), date(2026, 4, 2)],
        ]
        if patient_ids:
            columns += [
                Column("mrn", "MRN", ColumnType.PATIENT),
                Column("name", "Paziente", ColumnType.IDENTIFYING),
            ]
            rows = [
                [*r, f"MRN{pid}", f"Paziente {pid}"]
                for r, pid in zip(rows, patient_ids, strict=False)
            ]
        return ReportResult(
            columns=tuple(columns),
            rows=tuple(tuple(r) for r in rows),
            chart=ChartSpec("bar", "drug", ("mg",), "Quantità per farmaco"),
            notes=(f"Periodo {params.period_from} – {params.period_to}; drug={params.drug_id}",),
            patient_ids=frozenset(patient_ids),
        )

    return ReportDefinition(
        code=SAMPLE_CODE,
        title="Report di prova",
        description="Un report di prova con due righe.",
        permission=PHARMACY,
        area="Prove",
        filters=frozenset({Filter.PERIOD, Filter.DRUG}),
        run=run,
        holds_patient_data=bool(patient_ids) or read is not None,
        background=(lambda params: True) if long else None,
    )


@contextmanager
def sample_registered(**options: object) -> Iterator[ReportDefinition]:
    definition = register(sample_definition(**options))  # type: ignore[arg-type]
    try:
        yield definition
    finally:
        unregister(definition.code)
