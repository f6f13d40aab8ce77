"""Admissions and length of stay; accesses, first visits and therapies given, by month."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.administration.given import administrations_by_patient_month
from corsia.agenda.selectors_statistics import accesses_between, first_visit_days
from corsia.patients.selectors_statistics import stays_between
from corsia.reports.definitions.clinical_common import (
    ALL_FILTERS,
    AREA,
    PERMISSION,
    ClinicalFilters,
    filters_of,
    keep,
    scope_of,
)
from corsia.reports.domain.clinical.tallies import StaySummary, group, stay_days, stay_summary
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

# an administration that gave something (not one interrupted before any of it ran: the
# record still says how much; 'interrupted' is counted, it was a therapy given in part)
GIVEN_STATES = frozenset({"completed", "partial", "interrupted"})


@dataclass(frozen=True, slots=True)
class Stays:
    rows: tuple[StaySummary, ...]  # per ward and kind of stay
    total: StaySummary
    still_in: int  # admitted and not discharged by the end of the period
    patient_ids: tuple[int, ...] = ()


def admissions(filters: ClinicalFilters) -> Stays:
    """Per ward and kind: admissions in the period; stays discharged in the period with
    their days (SDO count), mean, median and longest."""
    scope = scope_of(filters)
    stays = [
        s
        for s in stays_between(first=filters.first, last=filters.last)
        if keep(s.patient_id, scope) and (not filters.unit or s.ward_code == filters.unit)
    ]
    rows = []
    for (ward, kind), group_stays in sorted(
        group(stays, lambda s: (s.ward_name, s.kind_label)).items()
    ):
        admitted = sum(1 for s in group_stays if s.admitted_on in filters.period)
        lengths = [
            stay_days(s.admitted_on, s.discharged_on)
            for s in group_stays
            if s.discharged_on is not None and s.discharged_on in filters.period
        ]
        rows.append(stay_summary(f"{ward} — {kind}", admitted, lengths))
    all_lengths = [
        stay_days(s.admitted_on, s.discharged_on)
        for s in stays
        if s.discharged_on is not None and s.discharged_on in filters.period
    ]
    total = stay_summary(
        "Totale", sum(1 for s in stays if s.admitted_on in filters.period), all_lengths
    )
    still_in = sum(1 for s in stays if s.discharged_on is None or s.discharged_on > filters.last)
    return Stays(tuple(rows), total, still_in, tuple(sorted({s.patient_id for s in stays})))


@dataclass(frozen=True, slots=True)
class ActivityMonth:
    month: str  # YYYY-MM
    accesses: int  # attended bookings
    patients: int  # distinct patients who came
    first_visits: int  # patients' first visit ever
    therapies: int  # administrations that gave a dose
    treated_patients: int
    patient_ids: tuple[int, ...] = ()


def activity(filters: ClinicalFilters) -> tuple[ActivityMonth, ...]:
    """Per month of the period: accesses, distinct patients, first visits, therapies given."""
    scope = scope_of(filters)
    accesses = [
        a
        for a in accesses_between(first=filters.first, last=filters.last)
        if keep(a.patient_id, scope)
    ]
    first_visits = first_visit_days(patient_ids={a.patient_id for a in accesses})
    given = [
        g
        for g in administrations_by_patient_month(
            first=filters.first, last=filters.last, states=GIVEN_STATES
        )
        if keep(g.patient_id, scope)
    ]
    months = sorted({f"{a.day:%Y-%m}" for a in accesses} | {g.month for g in given})
    by_access = group(accesses, lambda a: f"{a.day:%Y-%m}")
    by_given = group(given, lambda g: g.month)
    out = []
    for month in months:
        acc = by_access.get(month, [])
        giv = by_given.get(month, [])
        firsts = {
            a.patient_id
            for a in acc
            if a.access_kind == "visit" and first_visits.get(a.patient_id) == a.day
        }
        out.append(
            ActivityMonth(
                month=month,
                accesses=len(acc),
                patients=len({a.patient_id for a in acc}),
                first_visits=len(firsts),
                therapies=sum(g.administrations for g in giv),
                treated_patients=len({g.patient_id for g in giv}),
                patient_ids=tuple(
                    sorted({a.patient_id for a in acc} | {g.patient_id for g in giv})
                ),
            )
        )
    return tuple(out)


# --- the definitions ------------------------------------------------------------------------


def _admissions_run(params: Params, progress: Progress) -> ReportResult:
    stays = admissions(filters_of(params))
    rows = [*stays.rows, stays.total]
    return ReportResult(
        columns=(
            Column("label", "Reparto e tipo di ricovero", source="patients.Encounter"),
            Column("admissions", "Ricoveri nel periodo", ColumnType.INTEGER),
            Column("discharges", "Dimissioni nel periodo", ColumnType.INTEGER),
            Column("bed_days", "Giornate di degenza", ColumnType.INTEGER),
            Column("mean_days", "Degenza media", ColumnType.DECIMAL, "giorni"),
            Column("median_days", "Degenza mediana", ColumnType.DECIMAL, "giorni"),
            Column("longest_days", "Degenza più lunga", ColumnType.INTEGER, "giorni"),
        ),
        rows=rows_tuple(
            [
                (
                    r.label,
                    r.admissions,
                    r.discharges,
                    r.bed_days,
                    r.mean_days,
                    r.median_days,
                    r.longest_days,
                )
                for r in rows
            ]
        ),
        chart=ChartSpec("bar", "label", ("admissions", "discharges"), "Ricoveri e dimissioni"),
        notes=(
            f"Ricoveri ancora aperti alla fine del periodo: {stays.still_in}.",
            "Giornate come nella SDO: data di dimissione meno data di ricovero (un ricovero "
            "in giornata conta 1), per i ricoveri dimessi nel periodo.",
        ),
        patient_ids=frozenset(stays.patient_ids),
    )


def _activity_run(params: Params, progress: Progress) -> ReportResult:
    months = activity(filters_of(params))
    return ReportResult(
        columns=(
            Column("month", "Mese"),
            Column("accesses", "Accessi", ColumnType.INTEGER, source="agenda.Booking"),
            Column("patients", "Pazienti", ColumnType.INTEGER, source="agenda.Booking"),
            Column("first_visits", "Prime visite", ColumnType.INTEGER, source="agenda.Booking"),
            Column(
                "therapies",
                "Terapie somministrate",
                ColumnType.INTEGER,
                source="administration.Administration",
            ),
            Column("treated", "Pazienti trattati", ColumnType.INTEGER),
        ),
        rows=rows_tuple(
            [
                (m.month, m.accesses, m.patients, m.first_visits, m.therapies, m.treated_patients)
                for m in months
            ]
        ),
        chart=ChartSpec("line", "month", ("accesses", "first_visits", "therapies"), "Attività"),
        notes=(
            "Accesso: una prenotazione a cui il paziente si è presentato. Prima visita: la "
            "prima visita effettuata dal paziente. Terapia: una somministrazione completata, "
            "parziale o interrotta.",
        ),
        patient_ids=frozenset(pid for m in months for pid in m.patient_ids),
    )


register(
    ReportDefinition(
        code="clinical_admissions",
        title="Ricoveri e degenza",
        description="Ricoveri, dimissioni e giornate di degenza per reparto e tipo di ricovero.",
        permission=PERMISSION,
        area=AREA,
        filters=ALL_FILTERS,
        run=_admissions_run,
        holds_patient_data=True,
    )
)
register(
    ReportDefinition(
        code="clinical_activity",
        title="Accessi, prime visite e terapie",
        description="Per mese: accessi, pazienti, prime visite e terapie somministrate.",
        permission=PERMISSION,
        area=AREA,
        filters=ALL_FILTERS,
        run=_activity_run,
        holds_patient_data=True,
    )
)
