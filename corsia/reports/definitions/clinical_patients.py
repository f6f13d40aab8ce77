"""New patients (by histotype, stage, primary site), new patients seen (by access type and
agenda) and the demographics of the treated patients (age band and sex)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corsia.agenda.selectors_statistics import accesses_between, first_access_days
from corsia.patients.selectors_statistics import demographics_of
from corsia.records.selectors_statistics import DiagnosisStat, diagnoses_for_statistics
from corsia.reports.definitions.clinical_common import (
    ALL_FILTERS,
    AREA,
    PERMISSION,
    ClinicalFilters,
    filters_of,
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
from corsia.reports.domain.definition import (
    ChartSpec,
    Column,
    ColumnType,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    rows_tuple,
)
from corsia.reports.domain.registry import register

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


# --- the definitions ------------------------------------------------------------------------


def _counts_result(
    result: NewPatients, *, label: str, what: str, source: str, note: str
) -> ReportResult:
    return ReportResult(
        columns=(
            Column("label", label, source=source),
            Column("patients", "Pazienti", ColumnType.INTEGER),
        ),
        rows=rows_tuple([(c.label, c.count) for c in result.rows]),
        chart=ChartSpec("bar", "label", ("patients",), f"{what} per {label.lower()}"),
        notes=(f"{what}: {result.patients}.", note),
        patient_ids=frozenset(result.patient_ids),
    )


def _new_patients_run(by: str) -> Callable[[Params, Progress], ReportResult]:
    def run(params: Params, progress: Progress) -> ReportResult:
        return _counts_result(
            new_patients(filters_of(params), by=by),
            label=NEW_PATIENT_GROUPINGS[by],
            what="Nuovi pazienti",
            source="records.Diagnosis (prima diagnosi oncologica del paziente)",
            note="Nuovo paziente: la prima diagnosi oncologica registrata cade nel periodo.",
        )

    return run


def _seen_run(by: str) -> Callable[[Params, Progress], ReportResult]:
    def run(params: Params, progress: Progress) -> ReportResult:
        return _counts_result(
            new_patients_seen(filters_of(params), by=by),
            label=ACCESS_GROUPINGS[by],
            what="Nuovi pazienti visti",
            source="agenda.Booking (primo accesso effettuato)",
            note="Nuovo paziente visto: il primo accesso effettuato (arrivato, in corso, "
            "concluso) cade nel periodo.",
        )

    return run


def _demographics_run(params: Params, progress: Progress) -> ReportResult:
    result = treated_demographics(filters_of(params))
    return ReportResult(
        columns=(
            Column("band", "Fascia d'età", source="patients.Patient.date_of_birth"),
            Column("female", "Femmine", ColumnType.INTEGER, source="patients.Patient.sex"),
            Column("male", "Maschi", ColumnType.INTEGER, source="patients.Patient.sex"),
            Column("total", "Totale", ColumnType.INTEGER),
        ),
        rows=rows_tuple([(r.band, r.female, r.male, r.total) for r in result.rows]),
        chart=ChartSpec("bar", "band", ("female", "male"), "Pazienti trattati per età e sesso"),
        notes=(
            f"Pazienti trattati: {result.patients}.",
            "Trattato: una prescrizione (oltre la bozza) con inizio del ciclo nel periodo; "
            "età all'ultimo giorno del periodo.",
        ),
        patient_ids=frozenset(result.patient_ids),
    )


for _by, _label in NEW_PATIENT_GROUPINGS.items():
    register(
        ReportDefinition(
            code=f"clinical_new_patients_{_by}",
            title=f"Nuovi pazienti per {_label.lower()}",
            description="I pazienti la cui prima diagnosi oncologica cade nel periodo, "
            f"contati per {_label.lower()}.",
            permission=PERMISSION,
            area=AREA,
            filters=ALL_FILTERS,
            run=_new_patients_run(_by),
            holds_patient_data=True,
        )
    )
for _by, _label in ACCESS_GROUPINGS.items():
    register(
        ReportDefinition(
            code=f"clinical_new_patients_seen_{_by}",
            title=f"Nuovi pazienti visti per {_label.lower()}",
            description="I pazienti il cui primo accesso effettuato cade nel periodo, contati "
            f"per {_label.lower()} di quel primo accesso.",
            permission=PERMISSION,
            area=AREA,
            filters=ALL_FILTERS,
            run=_seen_run(_by),
            holds_patient_data=True,
        )
    )
register(
    ReportDefinition(
        code="clinical_treated_demographics",
        title="Pazienti trattati per età e sesso",
        description="I pazienti con una prescrizione nel periodo, per fascia d'età e sesso.",
        permission=PERMISSION,
        area=AREA,
        filters=ALL_FILTERS,
        run=_demographics_run,
        holds_patient_data=True,
    )
)
