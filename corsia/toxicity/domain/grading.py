"""Grading an adverse event with NCI CTCAE v5.0, and the facts around it.

* A grade is 1–5, and only a grade the term defines: CTCAE leaves some cells empty
  ("-": e.g. *Nausea* has no grade 4 or 5, *Alopecia* only grades 1–2), and such a grade
  cannot be given.
* Attribution to the suspected drug uses the usual five-step scale (NCI CTEP).
* Dates: onset not in the future, resolution not before onset nor in the future.
* "Worst grade in a period": the highest grade among events *active* at any time in the
  period (started in it, or started before and not resolved before it began).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed

GRADES: tuple[int, ...] = (1, 2, 3, 4, 5)
SEVERE_GRADE = 3  # grade >= 3: severe, shown to the prescriber before the next cycle

GRADE_LABELS_IT: dict[int, str] = {
    1: "Grado 1 – lieve",
    2: "Grado 2 – moderato",
    3: "Grado 3 – severo",
    4: "Grado 4 – pericolo di vita",
    5: "Grado 5 – decesso",
}


class Attribution(LabelledCode):
    """Relationship of the event to the suspected drug (NCI CTEP attribution scale)."""

    UNRELATED = "unrelated", "Non correlato"
    UNLIKELY = "unlikely", "Improbabile"
    POSSIBLE = "possible", "Possibile"
    PROBABLE = "probable", "Probabile"
    DEFINITE = "definite", "Certo"


ATTRIBUTION_LABELS_IT: dict[Attribution, str] = Attribution.labels_it()


def defined_grades(grade_texts: Mapping[int, str]) -> frozenset[int]:
    """The grades a term defines: those whose CTCAE description is not empty."""
    return frozenset(g for g in GRADES if (grade_texts.get(g) or "").strip())


def ensure_grade(grade: object, *, defined: Collection[int], term: str) -> int:
    """The grade as an int, or ValidationFailed: outside 1–5, or not defined by the term."""
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise ValidationFailed(
            "Il grado CTCAE deve essere un numero da 1 a 5.",
            code="grade_out_of_range",
            field="grade",
        )
    if grade not in defined:
        allowed = ", ".join(str(g) for g in sorted(defined)) or "nessuno"
        raise ValidationFailed(
            f"Il termine CTCAE «{term}» non prevede il grado {grade} (gradi previsti: {allowed}).",
            code="grade_not_defined",
            field="grade",
            details={"grade": grade, "defined": sorted(defined)},
        )
    return grade


def ensure_attribution(value: str) -> Attribution:
    try:
        return Attribution(value)
    except ValueError:
        raise ValidationFailed(
            "Indica la correlazione con il farmaco (non correlato, improbabile, possibile, "
            "probabile, certo).",
            code="attribution_invalid",
            field="attribution",
        ) from None


def ensure_dates(*, onset: date, resolution: date | None, today: date) -> None:
    """Onset not in the future; resolution (if any) not before onset and not in the future."""
    if onset > today:
        raise ValidationFailed(
            "La data di insorgenza non può essere nel futuro.",
            code="onset_in_future",
            field="onset_date",
        )
    if resolution is None:
        return
    if resolution < onset:
        raise ValidationFailed(
            "La data di risoluzione non può precedere la data di insorgenza.",
            code="resolution_before_onset",
            field="resolution_date",
        )
    if resolution > today:
        raise ValidationFailed(
            "La data di risoluzione non può essere nel futuro.",
            code="resolution_in_future",
            field="resolution_date",
        )


def ensure_cycle_number(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or value < 1):
        raise ValidationFailed(
            "Il numero del ciclo deve essere 1 o più.", code="cycle_invalid", field="cycle_number"
        )
    return value


def active_in_period(
    *, onset: date, resolution: date | None, since: date, until: date | None = None
) -> bool:
    """True when the event was present on some day of [since, until] (until open if None)."""
    if until is not None and onset > until:
        return False
    return resolution is None or resolution >= since


K = TypeVar("K")


@dataclass(frozen=True)
class GradedEvent(Generic[K]):
    key: K
    grade: int
    onset: date
    resolution: date | None


def worst_in_period(
    events: Iterable[GradedEvent[K]], *, since: date, until: date | None = None
) -> GradedEvent[K] | None:
    """The event of highest grade active in the period; on a tie, the most recent onset."""
    best: GradedEvent[K] | None = None
    for event in events:
        if not active_in_period(
            onset=event.onset, resolution=event.resolution, since=since, until=until
        ):
            continue
        if best is None or (event.grade, event.onset) > (best.grade, best.onset):
            best = event
    return best
