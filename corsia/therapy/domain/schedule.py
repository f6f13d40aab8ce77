"""When a ward prescription's doses are due (pure: no clock, no database).

Three frequencies (capitolato §13):

* **scheduled** (ciclica): the same times of day, every day from ``start_date`` for
  ``days`` days, or until stopped (``days`` is ``None``);
* **single** (una tantum): one dose at ``single_at``;
* **as needed** (al bisogno, PRN): no due time; each dose is asked for, with its
  indication, a minimum interval since the previous dose and a maximum per 24 hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ConflictError, ValidationFailed

MAX_TIMES_PER_DAY = 24
MAX_DAYS = 365
MAX_PRN_PER_DAY = 24
MIN_INTERVAL_HOURS = Decimal("0.5")
MAX_INTERVAL_HOURS = Decimal(72)
PRN_WINDOW = timedelta(hours=24)  # "maximum per day": any 24 hours, not the calendar day

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class Frequency(LabelledCode):
    SCHEDULED = "scheduled", "a orari fissi"
    SINGLE = "single", "dose singola"
    PRN = "prn", "al bisogno"


FREQUENCY_LABELS_IT: dict[Frequency, str] = Frequency.labels_it()


def parse_times(texts: Iterable[str]) -> tuple[time, ...]:
    """Times of day as typed ("8:00", "20.00", "14:30"), sorted; refuses a malformed or
    repeated time and an empty or too long list."""
    found: list[time] = []
    for raw in texts:
        text = (raw or "").strip()
        if not text:
            continue
        match = _TIME.match(text)
        if match is None:
            raise ValidationFailed(
                f"Orario «{text[:10]}» non valido: scrivilo come 08:00.",
                code="time_invalid",
                field="times",
            )
        moment = time(int(match.group(1)), int(match.group(2)))
        if moment in found:
            raise ValidationFailed(
                f"L'orario {moment:%H:%M} è indicato due volte.",
                code="time_repeated",
                field="times",
            )
        found.append(moment)
    if not found:
        raise ValidationFailed(
            "Indica almeno un orario di somministrazione.", code="times_required", field="times"
        )
    if len(found) > MAX_TIMES_PER_DAY:
        raise ValidationFailed(
            f"Al massimo {MAX_TIMES_PER_DAY} orari al giorno.", code="times_invalid", field="times"
        )
    return tuple(sorted(found))


def times_text(times: Sequence[time]) -> list[str]:
    return [f"{t:%H:%M}" for t in times]


def ensure_days(days: int | None) -> int | None:
    """``None``: until stopped; else 1 to 365 days."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"La durata va da 1 a {MAX_DAYS} giorni (vuota: fino a sospensione).",
            code="days_invalid",
            field="days",
        )
    return days


def ensure_prn_rules(
    *, indication: str, min_interval_hours: Decimal | None, max_per_day: int | None
) -> tuple[str, Decimal, int]:
    """An as-needed drug names what it is for, the hours between two doses and the
    maximum doses in 24 hours."""
    text = " ".join((indication or "").split())
    if not text:
        raise ValidationFailed(
            "Indica l'indicazione della terapia al bisogno (es. dolore NRS > 3, febbre > 38 °C).",
            code="prn_indication_required",
            field="prn_indication",
        )
    if (
        not isinstance(min_interval_hours, Decimal)
        or not min_interval_hours.is_finite()
        or not MIN_INTERVAL_HOURS <= min_interval_hours <= MAX_INTERVAL_HOURS
    ):
        raise ValidationFailed(
            "L'intervallo minimo tra due dosi va da 0,5 a 72 ore.",
            code="prn_interval_invalid",
            field="prn_min_interval_hours",
        )
    if (
        isinstance(max_per_day, bool)
        or not isinstance(max_per_day, int)
        or not 1 <= max_per_day <= MAX_PRN_PER_DAY
    ):
        raise ValidationFailed(
            f"Il numero massimo di dosi in 24 ore va da 1 a {MAX_PRN_PER_DAY}.",
            code="prn_max_invalid",
            field="prn_max_per_day",
        )
    return text, min_interval_hours, max_per_day


@dataclass(frozen=True)
class Plan:
    """The timing of one prescription, as the round reads it."""

    frequency: Frequency
    start_date: date
    times: tuple[time, ...] = ()
    days: int | None = None  # scheduled: None until stopped
    single_at: datetime | None = None  # single: local, aware

    def last_day(self) -> date | None:
        """The last day a dose is due (``None``: until stopped; PRN: ``None``)."""
        if self.frequency is Frequency.SCHEDULED:
            return None if self.days is None else self.start_date + timedelta(days=self.days - 1)
        if self.frequency is Frequency.SINGLE and self.single_at is not None:
            return self.single_at.date()
        return None

    def times_on(self, day: date) -> tuple[time, ...]:
        """The times of day a scheduled dose is due on ``day`` (none outside its days)."""
        if self.frequency is not Frequency.SCHEDULED or day < self.start_date:
            return ()
        last = self.last_day()
        if last is not None and day > last:
            return ()
        return self.times

    def doses_per_day(self, prn_max_per_day: int | None = None) -> int:
        return doses_per_day(self.frequency, times=len(self.times), prn_max_per_day=prn_max_per_day)


def doses_per_day(frequency: Frequency, *, times: int, prn_max_per_day: int | None) -> int:
    """The most doses one day can bring: the times of a scheduled drug, one for a single
    dose, the maximum per 24 hours of an as-needed one."""
    if frequency is Frequency.SCHEDULED:
        return times
    if frequency is Frequency.SINGLE:
        return 1
    return prn_max_per_day or 0


def ensure_prn_dose_allowed(
    *,
    given_at: Sequence[datetime],
    now: datetime,
    min_interval_hours: Decimal,
    max_per_day: int,
    drug: str,
) -> None:
    """Refuse an as-needed dose given too soon after the previous one, or beyond the
    maximum in the last 24 hours. ``given_at``: the doses of this prescription already
    given (any order)."""
    earlier = sorted(t for t in given_at if t <= now)
    if earlier:
        interval = timedelta(seconds=float(min_interval_hours * 3600))
        ready = earlier[-1] + interval
        if now < ready:
            raise ConflictError(
                f"{drug}: dose al bisogno non consentita prima delle {ready:%H:%M} del "
                f"{ready:%d/%m} (intervallo minimo {_hours(min_interval_hours)} dall'ultima "
                f"dose, data alle {earlier[-1]:%H:%M}).",
                code="prn_interval_not_elapsed",
                details={"next_allowed_at": ready.isoformat()},
            )
    recent = [t for t in earlier if t > now - PRN_WINDOW]
    if len(recent) >= max_per_day:
        ready = recent[-max_per_day] + PRN_WINDOW
        raise ConflictError(
            f"{drug}: raggiunto il massimo di {max_per_day} dosi al bisogno nelle 24 ore "
            f"(già date: {len(recent)}); la prossima è possibile dalle {ready:%H:%M} del "
            f"{ready:%d/%m}.",
            code="prn_daily_max_reached",
            details={"given_in_24h": len(recent), "next_allowed_at": ready.isoformat()},
        )


def _hours(value: Decimal) -> str:
    text = format(value.normalize(), "f").replace(".", ",")
    return f"{text} ore" if value != 1 else "1 ora"
