"""Relative dose intensity per patient and regimen, from what was administered
(``domain/clinical/dose_intensity.py`` says how)."""

from __future__ import annotations

from decimal import Decimal

from corsia.administration.given import doses_given_for_orders
from corsia.patients.selectors_statistics import mrns_of
from corsia.prescribing.selectors_statistics import (
    order_ids_between,
    regimen_lines_between,
    regimen_lines_summed,
)
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
    # the orders, the amounts given of their lines, the regimen's antineoplastic lines
    # given (one by one) and, of the orders something of them was given of, the lines never
    # given (counted per order, drug and unit: they count their planned dose and zero);
    # the drug filter applies after (an order counts when any of its lines was given)
    order_ids = order_ids_between(
        first=filters.first, last=filters.last, regimen_code=filters.regimen, ward_code=filters.unit
    )
    given = doses_given_for_orders(order_ids=order_ids)
    lines = regimen_lines_between(
        first=filters.first,
        last=filters.last,
        role=ANTINEOPLASTIC,
        regimen_code=filters.regimen,
        ward_code=filters.unit,
        item_ids=given,
    )
    given_orders = sorted({line.order_id for line in lines})
    never_given = regimen_lines_summed(
        order_ids=given_orders, role=ANTINEOPLASTIC, except_item_ids=given
    )
    keyed: list[tuple[tuple[int, int, int, int], PlannedLine]] = []
    for line in lines:
        if filters.drug and line.drug_code != filters.drug:
            continue
        # the full amount at the regimen's dose: the line may have been prescribed at
        # another dose per unit (a physician's change, recorded as a deviation)
        full = line.full_amount
        if line.prescribed_dose and line.prescribed_dose != line.regimen_dose:
            full = line.full_amount * line.regimen_dose / line.prescribed_dose
        key = (line.order_id, line.day_of_cycle, line.sequence, line.item_id)
        keyed.append(
            (
                key,
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
                    given_amount=given[line.item_id],
                ),
            )
        )
    for group in never_given:
        if filters.drug and group.drug_code != filters.drug:
            continue
        keyed.append(
            (
                (group.order_id, *group.first_line),
                PlannedLine(
                    patient_id=group.patient_id,
                    regimen_code=group.regimen_code,
                    order_id=group.order_id,
                    cycle_number=group.cycle_number,
                    cycle_day1=group.start_date,
                    cycle_length_days=group.cycle_length_days,
                    drug_code=group.drug_code,
                    drug_name=group.drug_name,
                    regimen_dose=group.regimen_dose,
                    regimen_dose_unit=group.regimen_dose_unit,
                    full_amount=Decimal(1) if group.full_above_zero else Decimal(0),
                    given_amount=Decimal(0),
                    lines=group.lines,
                ),
            )
        )
    # the lines in the order of the orders, days and sequences (the first line of a drug
    # gives its unit; the cycles' day 1 in order)
    keyed.sort(key=lambda k: k[0])
    planned = [line for _, line in keyed]
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
