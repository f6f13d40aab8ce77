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
    by onset: two queries (the records' columns with their term, the suspected drugs'
    names through the link table), no model instantiated."""
    records = ToxicityRecord.objects.filter(
        is_current=True, entered_in_error=False, onset_date__gte=first, onset_date__lte=last
    )
    suspected: dict[int, list[str]] = {}
    links = ToxicityRecord.suspected_ingredients.through.objects.filter(
        toxicityrecord__in=records.values("pk")
    ).values_list("toxicityrecord_id", "activeingredient__name_it")
    for record_id, name in links:
        suspected.setdefault(record_id, []).append(name)
    rows = records.order_by("onset_date", "id").values_list(
        "pk",
        "patient_id",
        "onset_date",
        "grade",
        "term__term_it",
        "term__term",
        "term__soc_it",
        "term__soc",
        "serious",
        "order_id",
        "cycle_number",
    )
    return [
        ToxicityStat(
            record_id=pk,
            patient_id=patient_id,
            onset_date=onset,
            grade=grade,
            term=term_it or term,
            soc=soc_it or soc,
            serious=serious,
            order_id=order_id,
            cycle_number=cycle_number,
            suspected_drugs=tuple(sorted(suspected.get(pk, ()))),
        )
        for (
            pk,
            patient_id,
            onset,
            grade,
            term_it,
            term,
            soc_it,
            soc,
            serious,
            order_id,
            cycle_number,
        ) in rows
    ]
