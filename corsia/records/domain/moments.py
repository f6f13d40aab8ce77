"""When a clinical fact happened, as the chart accepts it (pure: ``now`` is passed in)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from corsia.core.domain.errors import ValidationFailed

# A clock a few minutes ahead on a ward PC is not a fact from the future.
CLOCK_SKEW = timedelta(minutes=5)
# How far back a fact may be written into the chart (a transcription from paper).
OLDEST = timedelta(days=3660)


def past_moment(when: datetime | None, *, now: datetime, field: str) -> datetime:
    """``when`` (``now`` if missing): aware, not in the future, not older than ten years."""
    if when is None:
        return now
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationFailed(
            "Indica data e ora con il fuso orario.", code="naive_datetime", field=field
        )
    if when > now + CLOCK_SKEW:
        raise ValidationFailed(
            "Data e ora non possono essere nel futuro.", code="in_future", field=field
        )
    if when < now - OLDEST:
        raise ValidationFailed(
            "Data e ora troppo lontane nel passato.", code="too_old", field=field
        )
    return when


def past_date(day: date | None, *, today: date, field: str, required: bool = True) -> date | None:
    """A date not after ``today`` and not before 1900."""
    if day is None:
        if required:
            raise ValidationFailed("Indica la data.", code="required", field=field)
        return None
    if day > today:
        raise ValidationFailed("La data non può essere nel futuro.", code="in_future", field=field)
    if day.year < 1900:
        raise ValidationFailed("Data non valida.", code="date_invalid", field=field)
    return day


def age_in_years(born: date, on: date) -> int:
    """Completed years on ``on`` (a birthday on 29 February counts on 1 March)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)
