"""Toxicities (CTCAE records) by grade, by regimen and by drug."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from corsia.prescribing.selectors_statistics import order_regimens
from corsia.reports.definitions.clinical_common import (
    ALL_FILTERS,
    AREA,
    PERMISSION,
    ClinicalFilters,
    filters_of,
    keep,
    scope_of,
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
from corsia.toxicity.selectors_statistics import ToxicityStat, toxicities_between

NO_REGIMEN = "non collegata a una prescrizione"
NO_DRUG = "nessun farmaco sospetto indicato"


@dataclass(frozen=True, slots=True)
class ToxicityRow:
    label: str  # grade "G3", regimen code, drug name
    records: int
    patients: int
    by_grade: tuple[int, int, int, int, int]  # records of grade 1..5
    serious: int


@dataclass(frozen=True, slots=True)
class Toxicities:
    records: int
    patients: int
    rows: tuple[ToxicityRow, ...]
    patient_ids: tuple[int, ...] = ()


def toxicities(filters: ClinicalFilters, *, by: str) -> Toxicities:
    """CTCAE records with onset in the period, by ``by``: grade, regimen (of the order the
    toxicity was recorded against) or drug (the suspected drugs: a record suspecting two
    counts once under each)."""
    scope = scope_of(filters)
    recs = [
        t
        for t in toxicities_between(first=filters.first, last=filters.last)
        if keep(t.patient_id, scope)
    ]
    regimens = order_regimens(order_ids={t.order_id for t in recs if t.order_id})
    if filters.regimen:
        recs = [t for t in recs if t.order_id and regimens.get(t.order_id) == filters.regimen]

    def labels(t: ToxicityStat) -> list[str]:
        if by == "grade":
            return [f"G{t.grade}"]
        if by == "regimen":
            return [regimens.get(t.order_id, NO_REGIMEN) if t.order_id else NO_REGIMEN]
        return list(t.suspected_drugs) or [NO_DRUG]

    grouped: dict[str, list[ToxicityStat]] = defaultdict(list)
    for t in recs:
        for label in labels(t):
            grouped[label].append(t)
    rows = []
    for label, items in grouped.items():
        grades = Counter(t.grade for t in items)
        rows.append(
            ToxicityRow(
                label=label,
                records=len(items),
                patients=len({t.patient_id for t in items}),
                by_grade=(grades[1], grades[2], grades[3], grades[4], grades[5]),
                serious=sum(1 for t in items if t.serious),
            )
        )
    if by == "grade":
        rows.sort(key=lambda r: r.label)
    else:
        rows.sort(key=lambda r: (-r.records, r.label))
    ids = tuple(sorted({t.patient_id for t in recs}))
    return Toxicities(len(recs), len(ids), tuple(rows), ids)


# --- the definitions ------------------------------------------------------------------------

TOXICITY_GROUPINGS = {"grade": "Grado CTCAE", "regimen": "Schema", "drug": "Farmaco sospetto"}


def _run(by: str) -> Callable[[Params, Progress], ReportResult]:
    def run(params: Params, progress: Progress) -> ReportResult:
        result = toxicities(filters_of(params), by=by)
        grades = [
            Column(f"g{g}", f"G{g}", ColumnType.INTEGER, source="toxicity.ToxicityRecord.grade")
            for g in range(1, 6)
        ]
        return ReportResult(
            columns=(
                Column("label", TOXICITY_GROUPINGS[by]),
                Column("records", "Eventi", ColumnType.INTEGER, source="toxicity.ToxicityRecord"),
                Column("patients", "Pazienti", ColumnType.INTEGER),
                *grades,
                Column("serious", "Gravi (SAE)", ColumnType.INTEGER),
            ),
            rows=rows_tuple(
                [(r.label, r.records, r.patients, *r.by_grade, r.serious) for r in result.rows]
            ),
            chart=ChartSpec("bar", "label", ("records",), f"Tossicità per {by_label(by)}"),
            notes=(
                f"Eventi: {result.records}; pazienti: {result.patients}.",
                "Registrazioni CTCAE in vigore (né sostituite né inserite per errore) con "
                "insorgenza nel periodo; per farmaco: ogni farmaco sospetto indicato.",
            ),
            patient_ids=frozenset(result.patient_ids),
        )

    return run


def by_label(by: str) -> str:
    return TOXICITY_GROUPINGS[by].lower()


for _by, _label in TOXICITY_GROUPINGS.items():
    register(
        ReportDefinition(
            code=f"clinical_toxicity_{_by}",
            title=f"Tossicità per {_label.lower()}",
            description="Le tossicità CTCAE con insorgenza nel periodo, per "
            f"{_label.lower()}, con i gradi da 1 a 5.",
            permission=PERMISSION,
            area=AREA,
            filters=ALL_FILTERS,
            run=_run(_by),
            holds_patient_data=True,
        )
    )
