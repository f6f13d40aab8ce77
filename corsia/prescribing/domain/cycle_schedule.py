"""A new cycle against the patient's other orders of the same regimen (pure).

Two hazards of the order's start, both refused unless the physician gives a reason:

* **duplicate** — another order of the same regimen and the same cycle number for the
  same patient that is not cancelled (draft, confirmed…, suspended or administered: it
  may still be given, or it was given);
* **too early** — day 1 before the previous cycle's day 1 + the regimen's cycle length,
  less a hospital-wide tolerance (``CORSIA_CYCLE_EARLY_TOLERANCE_DAYS``, default 2 days).
  The previous cycle is the not-cancelled order of the same regimen with the highest cycle
  number below the new one.

Example: a 21-day regimen, cycle 1 on 2026-01-05, tolerance 2 days: cycle 2 may start
from 2026-01-05 + 21 - 2 = 2026-01-24; on 2026-01-23 it is too early.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from corsia.core.domain.errors import ValidationFailed

DEFAULT_EARLY_TOLERANCE_DAYS = 2


@dataclass(frozen=True)
class OtherCycle:
    order_id: int
    cycle_number: int
    start_date: date
    cycle_length_days: int


@dataclass(frozen=True)
class ScheduleProblem:
    code: str  # "cycle_duplicate" | "cycle_too_early"
    message: str
    order_id: int
    earliest: date | None = None


def earliest_start(previous: OtherCycle, *, tolerance_days: int) -> date:
    return previous.start_date + timedelta(days=previous.cycle_length_days - tolerance_days)


def schedule_problems(
    *,
    cycle_number: int,
    start_date: date,
    others: Iterable[OtherCycle],
    tolerance_days: int = DEFAULT_EARLY_TOLERANCE_DAYS,
) -> list[ScheduleProblem]:
    """Every reason the new cycle needs the physician's explicit justification."""
    if tolerance_days < 0:
        raise ValueError("tolerance_days must be >= 0")
    rows = list(others)
    problems = [
        ScheduleProblem(
            code="cycle_duplicate",
            message=(
                f"Esiste già una prescrizione del ciclo {cycle_number} di questo schema per "
                f"il paziente (inizio {o.start_date:%d/%m/%Y})."
            ),
            order_id=o.order_id,
        )
        for o in rows
        if o.cycle_number == cycle_number
    ]
    earlier = [o for o in rows if o.cycle_number < cycle_number]
    if earlier:
        previous = max(earlier, key=lambda o: (o.cycle_number, o.start_date, o.order_id))
        earliest = earliest_start(previous, tolerance_days=tolerance_days)
        if start_date < earliest:
            problems.append(
                ScheduleProblem(
                    code="cycle_too_early",
                    message=(
                        f"Il ciclo {cycle_number} inizia il {start_date:%d/%m/%Y}: il ciclo "
                        f"{previous.cycle_number} è iniziato il "
                        f"{previous.start_date:%d/%m/%Y} e lo schema ripete ogni "
                        f"{previous.cycle_length_days} giorni (tolleranza {tolerance_days}): "
                        f"non prima del {earliest:%d/%m/%Y}."
                    ),
                    order_id=previous.order_id,
                    earliest=earliest,
                )
            )
    return problems


def ensure_schedule_justified(problems: list[ScheduleProblem], reason: str) -> None:
    """Refuse a duplicate or too-early cycle unless a reason is given."""
    if not problems or reason.strip():
        return
    first = problems[0]
    raise ValidationFailed(
        " ".join(p.message for p in problems) + " Per prescriverlo comunque indicare il motivo.",
        code=first.code,
        field="schedule_reason",
        details={
            "problems": [
                {
                    "code": p.code,
                    "order_id": p.order_id,
                    "earliest": p.earliest.isoformat() if p.earliest else None,
                }
                for p in problems
            ]
        },
    )
