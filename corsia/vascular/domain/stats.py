"""The register's figures over a period, pure: catheter-days, complications per 1,000
catheter-days by device type, operator and material (brand), the CRBSI rate, the median
dwell time.

Counting rules (written out so a hand count can check them):

- A device's **catheter-days in the period** are the calendar days ``d`` of the period
  (``start`` to ``end``, both included) with ``inserted_on <= d < removed_on`` (a device
  still in place: every day up to ``end``). A device inserted on the 1st and removed on
  the 5th counts 4 days: the day of removal is not counted, as a dwell of 4 days.
- A **complication** counts in the period when its date is in the period (current
  versions only: a corrected one counts once, as corrected). The **CRBSI rate** counts the
  confirmed bloodstream infections only; suspected ones are shown apart.
- A **rate** is ``events × 1000 / catheter-days``, rounded half up to 2 decimals; none
  when there are no catheter-days.
- The **dwell time** is ``removed_on - inserted_on`` in days, of the devices removed in
  the period; its median over them (none when none was removed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

CRBSI = "crbsi"
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class ComplicationFact:
    kind: str
    on: date
    certainty: str = CONFIRMED


@dataclass(frozen=True)
class DeviceFact:
    device_type: str
    operator: str
    brand: str
    inserted_on: date
    removed_on: date | None
    complications: tuple[ComplicationFact, ...] = ()


@dataclass(frozen=True)
class GroupFigures:
    key: str
    devices: int
    catheter_days: int
    complications: int
    rate: Decimal | None
    crbsi_confirmed: int
    crbsi_suspected: int
    crbsi_rate: Decimal | None
    removed: int
    median_dwell_days: Decimal | None


def catheter_days(device: DeviceFact, start: date, end: date) -> int:
    first = max(device.inserted_on, start)
    after_end = end + timedelta(days=1)
    last_exclusive = after_end if device.removed_on is None else min(device.removed_on, after_end)
    return max((last_exclusive - first).days, 0)


def per_thousand(events: int, days: int) -> Decimal | None:
    if days <= 0:
        return None
    return (Decimal(events) * 1000 / Decimal(days)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _in(on: date, start: date, end: date) -> bool:
    return start <= on <= end


def figures(key: str, devices: Iterable[DeviceFact], start: date, end: date) -> GroupFigures:
    """The figures of one group of devices over the period (those with no day in it and
    no event in it count nothing)."""
    days = count = confirmed = suspected = 0
    counted = 0
    dwell: list[int] = []
    for device in devices:
        device_days = catheter_days(device, start, end)
        in_period = [c for c in device.complications if _in(c.on, start, end)]
        removed_in = device.removed_on is not None and _in(device.removed_on, start, end)
        if device_days == 0 and not in_period and not removed_in:
            continue
        counted += 1
        days += device_days
        count += len(in_period)
        crbsi = [c for c in in_period if c.kind == CRBSI]
        confirmed += sum(1 for c in crbsi if c.certainty == CONFIRMED)
        suspected += sum(1 for c in crbsi if c.certainty != CONFIRMED)
        if removed_in and device.removed_on is not None:
            dwell.append((device.removed_on - device.inserted_on).days)
    return GroupFigures(
        key=key,
        devices=counted,
        catheter_days=days,
        complications=count,
        rate=per_thousand(count, days),
        crbsi_confirmed=confirmed,
        crbsi_suspected=suspected,
        crbsi_rate=per_thousand(confirmed, days),
        removed=len(dwell),
        median_dwell_days=Decimal(str(median(dwell))) if dwell else None,
    )


def grouped(
    devices: Iterable[DeviceFact],
    start: date,
    end: date,
    by: Callable[[DeviceFact], str],
) -> list[GroupFigures]:
    """The figures per group (``by``: the device's type, operator or brand), by key; the
    groups with no device counted are left out."""
    groups: dict[str, list[DeviceFact]] = {}
    for device in devices:
        groups.setdefault(by(device), []).append(device)
    rows = [figures(key, rows, start, end) for key, rows in sorted(groups.items())]
    return [row for row in rows if row.devices]
