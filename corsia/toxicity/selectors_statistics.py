"""Toxicities for the clinical statistics (capitolato §21): every current CTCAE record in a
period, as frozen rows. The report that reads them checks its permission and writes the
access log for its run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.toxicity.models import ToxicityRecord


@dataclass(frozen=True, slots=True)
class ToxicityStat:
    record_id: int
    patient_id: int
    onset_date: date
    grade: int
    term: str  # CTCAE term, Italian when the archive has it
    soc: str
    serious: bool
    order_id: int | None
    cycle_number: int | None
    suspected_drugs: tuple[str, ...]  # INN (Italian), the physician's suspicion


def toxicities_between(*, first: date, last: date) -> list[ToxicityStat]:
    """Current records (not superseded, not entered in error) with onset in [first, last],
    by onset."""
    rows = (
        ToxicityRecord.objects.filter(
            is_current=True, entered_in_error=False, onset_date__gte=first, onset_date__lte=last
        )
        .select_related("term")
        .prefetch_related("suspected_ingredients")
        .order_by("onset_date", "id")
    )
    return [
        ToxicityStat(
            record_id=r.pk,
            patient_id=r.patient_id,
            onset_date=r.onset_date,
            grade=r.grade,
            term=r.term.term_it or r.term.term,
            soc=r.term.soc_it or r.term.soc,
            serious=r.serious,
            order_id=r.order_id,
            cycle_number=r.cycle_number,
            suspected_drugs=tuple(sorted(i.name_it for i in r.suspected_ingredients.all())),
        )
        for r in rows
    ]
