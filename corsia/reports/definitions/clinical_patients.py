"""New patients (by histotype, stage, primary site), new patients seen (by access type and
agenda) and the demographics of the treated patients (age band and sex)."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.agenda.selectors_statistics import accesses_between, first_access_days
from corsia.patients.selectors_statistics import demographics_of
from corsia.records.selectors_statistics import DiagnosisStat, diagnoses_for_statistics
from corsia.reports.definitions.clinical_common import (
    ClinicalFilters,
    keep,
    scope_of,
    treated_patient_ids,
)
from corsia.reports.domain.clinical.tallies import (
    Count,
    DemographicRow,
    count_by,
    demographics,
    first_per_patient,
)

NEW_PATIENT_GROUPINGS = {
    "histotype": "Istotipo",
    "stage": "Stadio",
    "site": "Sede primitiva",
}
ACCESS_GROUPINGS = {"access_type": "Tipo di accesso", "agenda": "Sede (agenda)"}


@dataclass(frozen=True, slots=True)
class NewPatients:
    patients: int
    rows: tuple[Count, ...]
    patient_ids: tuple[int, ...]


def _stage_label(d: DiagnosisStat) -> str:
    if not d.stage:
        return ""
    return f"{d.stage} ({d.staging_system})" if d.staging_system else d.stage


def _site_label(d: DiagnosisStat) -> str:
    return f"{d.site_code} {d.site_label}".strip()


def new_patients(filters: ClinicalFilters, *, by: str) -> NewPatients:
    """Patients whose first oncological diagnosis falls in the period, counted by ``by``
    (histotype, stage, site)."""
    key = {"histotype": lambda d: d.histotype, "stage": _stage_label, "site": _site_label}[by]
    firsts = first_per_patient(
        diagnoses_for_statistics(until=filters.last),
        lambda d: d.patient_id,
        lambda d: d.diagnosed_on,
    )
    scope = scope_of(filters)
    news = [d for d in firsts if d.diagnosed_on in filters.period and keep(d.patient_id, scope)]
    return NewPatients(len(news), tuple(count_by(news, key)), tuple(d.patient_id for d in news))


def new_patients_seen(filters: ClinicalFilters, *, by: str) -> NewPatients:
    """Patients whose first attended access ever falls in the period, counted by the type
    or the agenda of that first access."""
    accesses = accesses_between(first=filters.first, last=filters.last)
    scope = scope_of(filters)
    first_ever = first_access_days(patient_ids={a.patient_id for a in accesses})
    firsts = first_per_patient(
        [a for a in accesses if keep(a.patient_id, scope)], lambda a: a.patient_id, lambda a: a.day
    )
    news = [a for a in firsts if first_ever.get(a.patient_id) == a.day]
    key = (lambda a: a.access_kind_label) if by == "access_type" else (lambda a: a.agenda_name)
    return NewPatients(len(news), tuple(count_by(news, key)), tuple(a.patient_id for a in news))


@dataclass(frozen=True, slots=True)
class Demographics:
    patients: int
    rows: tuple[DemographicRow, ...]
    patient_ids: tuple[int, ...]


def treated_demographics(filters: ClinicalFilters) -> Demographics:
    """Patients with an order whose cycle starts in the period (of the unit, regimen, drug),
    by age band on the last day of the period and sex."""
    ids = sorted(treated_patient_ids(filters))
    people = demographics_of(patient_ids=ids)
    rows = demographics(((p.sex, p.date_of_birth) for p in people), filters.last)
    return Demographics(len(people), tuple(rows), tuple(ids))
