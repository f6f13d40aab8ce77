"""An oral line taken several times a day (prescribing's ``administrations_per_day``: the
dose is PER administration, e.g. prednisone 20 mg/m² three times a day): each administration
is scanned and recorded at the bedside, and the line is done after the last one.

A further dose too soon after the one before is the error this guards against (the same
tablets scanned twice, or a dose given again by a second nurse): it is refused unless the
nurse overrides it with a reason. The shortest interval is half the even spacing of the
day's doses (twice a day: 6 h; three times: 4 h; four: 3 h)."""

from __future__ import annotations

from datetime import datetime, timedelta

from corsia.administration.domain.bedside.refusals import Check, Refusal
from corsia.administration.domain.bedside.scan import ItemView, Progress

DAY = timedelta(hours=24)


def repeat_dose_min_interval(administrations_per_day: int) -> timedelta:
    """Half of 24 h ÷ administrations a day."""
    return DAY / (2 * administrations_per_day)


def is_repeat_dose(item: ItemView) -> bool:
    """A second or later dose of a line given several times a day."""
    return item.administrations_per_day > 1 and item.doses_done > 0


def repeat_dose_check(now: datetime, item: ItemView) -> list[Refusal]:
    """``dose_interval_too_short`` when the previous dose of the line started less than
    :func:`repeat_dose_min_interval` ago (whole minutes, rounded up for the wait)."""
    if not is_repeat_dose(item) or item.progress is Progress.DONE or item.last_dose_at is None:
        return []
    gap = repeat_dose_min_interval(item.administrations_per_day)
    elapsed = now - item.last_dose_at
    if elapsed >= gap:
        return []
    wait = -int(-(gap - elapsed).total_seconds() // 60)
    return [
        Refusal(
            code="dose_interval_too_short",
            check=Check.TIME,
            message=(
                f"{item.ingredient_name}: dose {item.doses_done + 1} di "
                f"{item.administrations_per_day} del giorno, ma la precedente è iniziata "
                f"{int(elapsed.total_seconds() // 60)} min fa. Tra due dosi almeno "
                f"{_hours(gap)}: attendere ancora {wait} min."
            ),
        )
    ]


def _hours(gap: timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if not rest else f"{hours} h {rest} min"
