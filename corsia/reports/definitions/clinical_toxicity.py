"""Toxicities (CTCAE records) by grade, by regimen and by drug."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from corsia.prescribing.selectors_statistics import order_regimens
from corsia.reports.definitions.clinical_common import ClinicalFilters, keep, scope_of
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
    return Toxicities(len(recs), len({t.patient_id for t in recs}), tuple(rows))
