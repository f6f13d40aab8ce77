"""CPIC's "reduce frequency to thrice weekly instead of daily" (TPMT / NUDT15 poor
metaboliser on mercaptopurine or thioguanine, H63/H67) as a proposal on the order's days.

Pure: the lines of the drug (id, date) in, the lines kept (Monday, Wednesday, Friday: three
days a week, never two in a row) and the lines to skip out. Corsia never applies it by
itself: the physician confirms the proposal (``order_pgx_apply_thrice_weekly``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Monday, Wednesday, Friday: the three days a week spread over the week
THRICE_WEEKLY_WEEKDAYS = frozenset({0, 2, 4})
WEEKDAY_NAMES_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")


@dataclass(frozen=True)
class ThriceWeeklyPlan:
    keep: tuple[tuple[int, date], ...]  # (item id, date), by date
    skip: tuple[tuple[int, date], ...]

    @property
    def changes(self) -> bool:
        return bool(self.skip)

    def summary_it(self) -> str:
        kept = ", ".join(f"{WEEKDAY_NAMES_IT[d.weekday()]} {d:%d/%m}" for _, d in self.keep)
        return (
            f"{len(self.keep)} giorni mantenuti (lunedì, mercoledì, venerdì: {kept}); "
            f"{len(self.skip)} giorni saltati"
        )


def thrice_weekly_plan(lines: Iterable[tuple[int, date]]) -> ThriceWeeklyPlan:
    """Keep the lines falling on Monday, Wednesday or Friday, skip the others."""
    ordered = sorted(lines, key=lambda line: (line[1], line[0]))
    keep = tuple(line for line in ordered if line[1].weekday() in THRICE_WEEKLY_WEEKDAYS)
    skip = tuple(line for line in ordered if line[1].weekday() not in THRICE_WEEKLY_WEEKDAYS)
    return ThriceWeeklyPlan(keep=keep, skip=skip)
