"""What the clinical statistics share: their filters and the patients a filter keeps.

Filters (capitolato §21): the period (first and last day, both included), the unit (a ward
code: the ward of the order, of the stay), the regimen (its code) and the drug (an active
ingredient code). Unit, regimen and drug narrow a report about patients to the patients with
an order of that unit / regimen / drug whose cycle starts in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from corsia.drugs.selectors import ingredients_by_id
from corsia.patients.selectors_statistics import ward_codes
from corsia.prescribing.selectors_statistics import patients_treated_between
from corsia.regimens.selectors import regimens_browse
from corsia.reports.domain.clinical.tallies import Period
from corsia.reports.domain.definition import Filter, Params
from corsia.reports.permissions import CLINICAL

AREA = "Statistiche cliniche"
NOTHING = "#nessuno"  # an id that names no ward, regimen or drug: a filter nothing passes
PERMISSION = CLINICAL
ALL_FILTERS = frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG})


@dataclass(frozen=True, slots=True)
class ClinicalFilters:
    first: date
    last: date
    unit: str = ""  # ward code
    regimen: str = ""  # regimen code
    drug: str = ""  # active ingredient code

    @property
    def period(self) -> Period:
        return Period(self.first, self.last)

    @property
    def narrows_patients(self) -> bool:
        return bool(self.unit or self.regimen or self.drug)


def treated_patient_ids(filters: ClinicalFilters) -> set[int]:
    """Patients with an order (beyond the draft) whose cycle starts in the period, of the
    filters' unit, regimen and drug."""
    return patients_treated_between(
        first=filters.first,
        last=filters.last,
        regimen_code=filters.regimen,
        ward_code=filters.unit,
        drug_code=filters.drug,
    )


def keep(patient_id: int, scope: set[int] | None) -> bool:
    return scope is None or patient_id in scope


def scope_of(filters: ClinicalFilters) -> set[int] | None:
    """None: every patient; else the treated patients the unit/regimen/drug filters keep."""
    return treated_patient_ids(filters) if filters.narrows_patients else None


def filters_of(params: Params) -> ClinicalFilters:
    """The framework's parameters (ids) as the clinical filters (codes); the period defaults
    to 1 January – today."""
    today = timezone.localdate()
    first = params.period_from or date(today.year, 1, 1)
    last = params.period_to or today
    unit = ward_codes().get(params.unit_id, NOTHING) if params.unit_id else ""
    regimen = ""
    if params.regimen_id:
        regimen = next(
            (
                v.regimen.code
                for v in regimens_browse(include_disabled=True)
                if v.regimen_id == params.regimen_id
            ),
            NOTHING,
        )
    drug = ""
    if params.drug_id:
        info = ingredients_by_id([params.drug_id]).get(params.drug_id)
        drug = info.code if info else NOTHING
    return ClinicalFilters(first=first, last=last, unit=unit, regimen=regimen, drug=drug)
