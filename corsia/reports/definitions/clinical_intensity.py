"""Relative dose intensity per patient and regimen, from what was administered
(``domain/clinical/dose_intensity.py`` says how)."""

from __future__ import annotations

from decimal import Decimal

from corsia.administration.given import doses_given_for_items
from corsia.prescribing.selectors_statistics import order_lines_of, orders_between
from corsia.reports.definitions.clinical_common import ClinicalFilters
from corsia.reports.domain.clinical.dose_intensity import (
    PlannedLine,
    RegimenIntensity,
    regimen_intensities,
)

ANTINEOPLASTIC = "antineoplastic"  # the intensity of the cancer drugs, not of antiemetics


def dose_intensity(filters: ClinicalFilters) -> list[RegimenIntensity]:
    """Per patient and regimen, over the cycles started in the period that something was
    given of (a cycle never given is not a cycle of the course): each drug's RDI and the
    regimen's mean. The drug filter keeps that drug's rows only."""
    orders = {
        o.order_id: o
        for o in orders_between(
            first=filters.first,
            last=filters.last,
            regimen_code=filters.regimen,
            ward_code=filters.unit,
        )
    }
    lines = [
        line
        for line in order_lines_of(order_ids=list(orders))
        if line.in_regimen and line.regimen_dose is not None and line.role == ANTINEOPLASTIC
    ]
    given = doses_given_for_items(order_item_ids=[line.item_id for line in lines])
    given_orders = {line.order_id for line in lines if line.item_id in given}
    planned = []
    for line in lines:
        if line.order_id not in given_orders or (filters.drug and line.drug_code != filters.drug):
            continue
        order = orders[line.order_id]
        assert line.regimen_dose is not None
        # the full amount at the regimen's dose: the line may have been prescribed at
        # another dose per unit (a physician's change, recorded as a deviation)
        full = line.full_amount
        if line.prescribed_dose and line.prescribed_dose != line.regimen_dose:
            full = line.full_amount * line.regimen_dose / line.prescribed_dose
        planned.append(
            PlannedLine(
                patient_id=order.patient_id,
                regimen_code=order.regimen_code,
                order_id=order.order_id,
                cycle_number=order.cycle_number,
                cycle_day1=order.start_date,
                cycle_length_days=order.cycle_length_days,
                drug_code=line.drug_code,
                drug_name=line.drug_name,
                regimen_dose=line.regimen_dose,
                regimen_dose_unit=line.regimen_dose_unit,
                full_amount=full,
                given_amount=given.get(line.item_id, Decimal(0)),
            )
        )
    return regimen_intensities(planned)
