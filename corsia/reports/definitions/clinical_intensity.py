"""Relative dose intensity per patient and regimen, from what was administered
(``domain/clinical/dose_intensity.py`` says how)."""

from __future__ import annotations

from decimal import Decimal

from corsia.administration.given import doses_given_for_items
from corsia.patients.selectors_statistics import mrns_of
from corsia.prescribing.selectors_statistics import regimen_lines_between
from corsia.reports.definitions.clinical_common import (
    ALL_FILTERS,
    AREA,
    PERMISSION,
    ClinicalFilters,
    filters_of,
)
from corsia.reports.domain.clinical.dose_intensity import (
    PlannedLine,
    RegimenIntensity,
    regimen_intensities,
)
from corsia.reports.domain.definition import (
    Column,
    ColumnType,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
    rows_tuple,
)
from corsia.reports.domain.registry import register

ANTINEOPLASTIC = "antineoplastic"  # the intensity of the cancer drugs, not of antiemetics


def dose_intensity(filters: ClinicalFilters) -> list[RegimenIntensity]:
    """Per patient and regimen, over the cycles started in the period that something was
    given of (a cycle never given is not a cycle of the course): each drug's RDI and the
    regimen's mean. The drug filter keeps that drug's rows only."""
    # the regimen's antineoplastic lines (the drug filter applies after: an order counts
    # when something of any of its lines was given)
    lines = regimen_lines_between(
        first=filters.first,
        last=filters.last,
        role=ANTINEOPLASTIC,
        regimen_code=filters.regimen,
        ward_code=filters.unit,
    )
    given = doses_given_for_items(order_item_ids=[line.item_id for line in lines])
    given_orders = {line.order_id for line in lines if line.item_id in given}
    planned = []
    for line in lines:
        if line.order_id not in given_orders or (filters.drug and line.drug_code != filters.drug):
            continue
        # the full amount at the regimen's dose: the line may have been prescribed at
        # another dose per unit (a physician's change, recorded as a deviation)
        full = line.full_amount
        if line.prescribed_dose and line.prescribed_dose != line.regimen_dose:
            full = line.full_amount * line.regimen_dose / line.prescribed_dose
        planned.append(
            PlannedLine(
                patient_id=line.patient_id,
                regimen_code=line.regimen_code,
                order_id=line.order_id,
                cycle_number=line.cycle_number,
                cycle_day1=line.start_date,
                cycle_length_days=line.cycle_length_days,
                drug_code=line.drug_code,
                drug_name=line.drug_name,
                regimen_dose=line.regimen_dose,
                regimen_dose_unit=line.regimen_dose_unit,
                full_amount=full,
                given_amount=given.get(line.item_id, Decimal(0)),
            )
        )
    return regimen_intensities(planned)


# --- the definition -------------------------------------------------------------------------


def _run(params: Params, progress: Progress) -> ReportResult:
    rows = dose_intensity(filters_of(params))
    mrns = mrns_of(patient_ids={r.patient_id for r in rows})
    out: list[tuple[Value, ...]] = []
    for r in rows:
        for d in r.drugs:
            out.append(
                (
                    mrns.get(r.patient_id, ""),
                    r.regimen_code,
                    d.drug_name,
                    d.cycles,
                    d.planned_days,
                    d.actual_days,
                    d.planned_dose,
                    d.given_dose,
                    d.dose_unit,
                    d.planned_intensity,
                    d.delivered_intensity,
                    d.rdi * 100,
                    r.rdi * 100,
                )
            )
    below = sum(1 for r in rows if r.rdi < Decimal("0.85"))
    return ReportResult(
        columns=(
            Column("patient", "Paziente (MRN)", ColumnType.PATIENT),
            Column("regimen", "Schema", source="prescribing.TherapyOrder → regimens"),
            Column("drug", "Farmaco"),
            Column("cycles", "Cicli", ColumnType.INTEGER),
            Column("planned_days", "Giorni pianificati", ColumnType.INTEGER),
            Column("actual_days", "Giorni effettivi", ColumnType.INTEGER),
            Column("planned_dose", "Dose pianificata", ColumnType.DECIMAL, source="regimens dose"),
            Column(
                "given_dose",
                "Dose somministrata",
                ColumnType.DECIMAL,
                source="administration.Administration (quantità somministrata)",
            ),
            Column("unit", "Unità"),
            Column("pdi", "Intensità pianificata", ColumnType.DECIMAL, "unità/settimana"),
            Column("ddi", "Intensità erogata", ColumnType.DECIMAL, "unità/settimana"),
            Column("rdi", "RDI del farmaco", ColumnType.PERCENT),
            Column("regimen_rdi", "RDI dello schema", ColumnType.PERCENT),
        ),
        rows=rows_tuple(out),
        notes=(
            f"Pazienti e schemi: {len(rows)}; con RDI dello schema sotto l'85%: {below}.",
            "RDI = (dose erogata per unità di superficie o peso / tempo effettivo) / (dose "
            "pianificata / tempo pianificato); tempo effettivo: dal giorno 1 del primo ciclo "
            "al giorno 1 dell'ultimo più una durata del ciclo (Hryniuk 1984, Longo 1991). "
            "RDI dello schema: media dei farmaci antiblastici.",
        ),
        patient_ids=frozenset(r.patient_id for r in rows),
    )


register(
    ReportDefinition(
        code="clinical_dose_intensity",
        title="Intensità di dose relativa (RDI)",
        description="Per paziente, schema e farmaco: la dose erogata nel tempo effettivo "
        "rispetto a quella pianificata dallo schema.",
        permission=PERMISSION,
        area=AREA,
        filters=ALL_FILTERS,
        run=_run,
        holds_patient_data=True,
    )
)
