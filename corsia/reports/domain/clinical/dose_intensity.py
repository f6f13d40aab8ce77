"""Relative dose intensity (RDI), per patient, regimen and drug, from what was given.

Dose intensity is dose per unit of body size per unit of time (Hryniuk, J Clin Oncol
1984; Longo et al., J Clin Oncol 1991). For each drug of a regimen:

* planned dose intensity (PDI) = the regimen's dose per cycle (per m², per kg or flat, as
  the regimen writes it) ÷ the cycle length, in that unit per week;
* delivered dose intensity (DDI) = the dose actually given over the cycles, in the same
  unit, ÷ the time they actually took: from day 1 of the first cycle to day 1 of the last
  plus one cycle length (a delay lengthens it);
* RDI = DDI ÷ PDI.

The dose given in a cycle is brought to the regimen's unit through that cycle's own full
dose: a line whose regimen dose is 85 mg/m² and whose full amount for the patient's BSA
that cycle was 153 mg contributes 85 × (mg given ÷ 153). So a change of body surface does
not count as a reduction, while a reduction, an omitted or interrupted administration does.
A planned line never given counts as zero. Drugs added outside the regimen have no planned
dose and are left out. The regimen's RDI is the mean of its drugs' (the "average RDI").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

WEEK = Decimal(7)


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """One line of one cycle's order, with what was given of it."""

    patient_id: int
    regimen_code: str
    order_id: int
    cycle_number: int
    cycle_day1: date
    cycle_length_days: int
    drug_code: str
    drug_name: str
    regimen_dose: Decimal  # per administration, in the regimen's unit (85 mg/m2)
    regimen_dose_unit: str
    full_amount: Decimal  # the amount at 100% for this patient this cycle (mg)
    given_amount: Decimal  # the amount given, summed over its administrations (mg)
    # the lines the row stands for: lines of one cycle and drug never given may come as one
    # row (regimen_dose their sum, given_amount 0, full_amount above zero when each line's is)
    lines: int = 1


@dataclass(frozen=True, slots=True)
class DrugIntensity:
    patient_id: int
    regimen_code: str
    drug_code: str
    drug_name: str
    dose_unit: str
    cycles: int
    planned_days: int  # cycles × cycle length
    actual_days: int  # first day 1 → last day 1 + one cycle length
    planned_dose: Decimal  # regimen's dose over those cycles, in dose_unit
    given_dose: Decimal  # given over those cycles, in dose_unit
    planned_intensity: Decimal  # dose_unit per week
    delivered_intensity: Decimal  # dose_unit per week
    rdi: Decimal  # 0.9375 = 93.75%
    reduced_lines: int  # lines given below their full amount (or not given)
    delay_days: int  # actual_days - planned_days


@dataclass(frozen=True, slots=True)
class RegimenIntensity:
    patient_id: int
    regimen_code: str
    cycles: int
    delay_days: int
    rdi: Decimal  # mean of the drugs'
    drugs: tuple[DrugIntensity, ...]


def _q(value: Decimal, places: str = "0.0001") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def drug_intensity(lines: list[PlannedLine]) -> DrugIntensity:
    """The intensity of one drug of one regimen for one patient (``lines`` share them)."""
    if not lines:
        raise ValueError("no lines")
    first = lines[0]
    day1_by_cycle: dict[int, date] = {}
    length_by_cycle: dict[int, int] = {}
    for line in lines:
        day1_by_cycle.setdefault(line.cycle_number, line.cycle_day1)
        length_by_cycle.setdefault(line.cycle_number, line.cycle_length_days)
    cycles = sorted(day1_by_cycle)
    planned_days = sum(length_by_cycle[c] for c in cycles)
    last = cycles[-1]
    actual_days = (day1_by_cycle[last] - day1_by_cycle[cycles[0]]).days + length_by_cycle[last]
    planned = sum((line.regimen_dose for line in lines), Decimal(0))
    given = Decimal(0)
    reduced = 0
    for line in lines:
        fraction = line.given_amount / line.full_amount if line.full_amount > 0 else Decimal(0)
        given += line.regimen_dose * fraction
        if line.given_amount < line.full_amount:
            reduced += line.lines
    pdi = planned * WEEK / planned_days
    ddi = given * WEEK / actual_days
    return DrugIntensity(
        patient_id=first.patient_id,
        regimen_code=first.regimen_code,
        drug_code=first.drug_code,
        drug_name=first.drug_name,
        dose_unit=first.regimen_dose_unit,
        cycles=len(cycles),
        planned_days=planned_days,
        actual_days=actual_days,
        planned_dose=_q(planned),
        given_dose=_q(given),
        planned_intensity=_q(pdi),
        delivered_intensity=_q(ddi),
        rdi=_q(ddi / pdi) if pdi else Decimal(0),
        reduced_lines=reduced,
        delay_days=actual_days - planned_days,
    )


def regimen_intensities(lines: Iterable[PlannedLine]) -> list[RegimenIntensity]:
    """Per patient and regimen, each drug's intensity and their mean RDI, ordered by patient
    and regimen."""
    groups: dict[tuple[int, str], dict[str, list[PlannedLine]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for line in lines:
        groups[(line.patient_id, line.regimen_code)][line.drug_code].append(line)
    out = []
    for (patient_id, regimen), by_drug in sorted(groups.items()):
        drugs = tuple(drug_intensity(rows) for _, rows in sorted(by_drug.items()))
        mean = sum((d.rdi for d in drugs), Decimal(0)) / len(drugs)
        out.append(
            RegimenIntensity(
                patient_id=patient_id,
                regimen_code=regimen,
                cycles=max(d.cycles for d in drugs),
                delay_days=max(d.delay_days for d in drugs),
                rdi=_q(mean),
                drugs=drugs,
            )
        )
    return out
