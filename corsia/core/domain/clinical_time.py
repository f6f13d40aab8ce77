"""When a clinical date or time can plausibly be: the windows, without the clock.

An order starting in 1960, a weight measured in year 0001, a therapy planned for 2090 are
typing mistakes or probes, never clinical facts. Each kind of date has a window around
*now* (passed in: no clock here); a measure or an administration cannot be in the future
beyond the clocks' skew, nor before the patient was born.

    check_clinical_date(start, today=today, window=THERAPY_START, field="start_date")
    check_clinical_time(measured_at, now=now, window=MEASUREMENT, field="measured_at",
                        born=patient.date_of_birth)

Refusals are ``ValidationFailed`` naming the field, with codes ``date_too_far_in_past``,
``date_too_far_in_future`` and ``date_before_birth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from corsia.core.domain.errors import ValidationFailed

__all__ = [
    "CLOCK_SKEW",
    "ENCOUNTER",
    "MEASUREMENT",
    "THERAPY_START",
    "ClinicalWindow",
    "check_clinical_date",
    "check_clinical_time",
]

# Clocks of ward PCs, pumps and the server disagree by a few minutes at most.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ClinicalWindow:
    """How far before and after *now* a value of this kind may lie."""

    label: str  # Italian, for the message: "l'inizio della terapia"
    past: timedelta
    future: timedelta


# A cycle is prescribed for the coming weeks, or recorded late for the past months.
THERAPY_START = ClinicalWindow("l'inizio della terapia", timedelta(days=366), timedelta(days=366))
# A measure is taken now or entered late (history from the chart): never in the future.
MEASUREMENT = ClinicalWindow("la misura", timedelta(days=3660), CLOCK_SKEW)
# An admission or a discharge: recorded when it happens or caught up later.
ENCOUNTER = ClinicalWindow("il ricovero", timedelta(days=3660), CLOCK_SKEW)


def _it(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_clinical_date(
    value: date, *, today: date, window: ClinicalWindow, field: str, born: date | None = None
) -> None:
    """Refuse a calendar date outside ``window`` around ``today`` (or before ``born``)."""
    earliest = today - timedelta(days=window.past.days)
    latest = today + timedelta(days=window.future.days)
    _check(value, earliest=earliest, latest=latest, window=window, field=field, born=born)


def check_clinical_time(
    value: datetime, *, now: datetime, window: ClinicalWindow, field: str, born: date | None = None
) -> None:
    """Refuse an (aware) instant outside ``window`` around ``now`` (or before ``born``)."""
    earliest = now - window.past
    latest = now + window.future
    if value < earliest:
        _refuse_past(window, field, earliest.date())
    if value > latest:
        _refuse_future(window, field, latest.date())
    if born is not None and value.date() < born:
        _refuse_birth(window, field, born)


def _check(
    value: date,
    *,
    earliest: date,
    latest: date,
    window: ClinicalWindow,
    field: str,
    born: date | None,
) -> None:
    if value < earliest:
        _refuse_past(window, field, earliest)
    if value > latest:
        _refuse_future(window, field, latest)
    if born is not None and value < born:
        _refuse_birth(window, field, born)


def _refuse_past(window: ClinicalWindow, field: str, earliest: date) -> None:
    raise ValidationFailed(
        f"La data del{_article(window)} è troppo lontana nel passato (non prima del "
        f"{_it(earliest)}).",
        code="date_too_far_in_past",
        field=field,
    )


def _refuse_future(window: ClinicalWindow, field: str, latest: date) -> None:
    raise ValidationFailed(
        f"La data del{_article(window)} è troppo lontana nel futuro (non dopo il {_it(latest)}).",
        code="date_too_far_in_future",
        field=field,
    )


def _refuse_birth(window: ClinicalWindow, field: str, born: date) -> None:
    raise ValidationFailed(
        f"La data del{_article(window)} è precedente alla nascita del paziente ({_it(born)}).",
        code="date_before_birth",
        field=field,
    )


def _article(window: ClinicalWindow) -> str:
    """ "del"/"della" + the label without its article: "dell'inizio", "della misura"."""
    label = window.label
    if label.startswith("l'"):
        return "l'" + label[2:]
    if label.startswith("la "):
        return "la " + label[3:]
    if label.startswith("il "):
        return " " + label[3:]
    return " " + label
