"""What a device record must hold, and when things may have happened: the register's
refusals, pure (the caller passes the clock). Messages in Italian, codes stable."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.vascular.domain.codes import (
    CENTRAL,
    DRESSING_DAYS,
    DeviceType,
    Dressing,
    SizeUnit,
    TipLocation,
)

FUTURE_SKEW = timedelta(minutes=5)
MAX_LUMENS = 5
MAX_ATTEMPTS = 10
MAX_LENGTH_CM = Decimal(100)
MAX_DWELL_DAYS = 3650
# The sizes a device of each unit comes in: 14-26 G for cannulas and Midlines, 2-16 Fr for
# PICCs, CVCs and ports (a 16 Fr dialysis catheter is the largest central line kept here).
SIZE_RANGES = {
    SizeUnit.GAUGE: (Decimal(14), Decimal(26)),
    SizeUnit.FRENCH: (Decimal(2), Decimal(16)),
}


def _refuse(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def check_device(
    *,
    device_type: DeviceType,
    lumens: int,
    size: Decimal,
    size_unit: SizeUnit,
    length_cm: Decimal | None,
    tip_location: TipLocation,
    attempts: int,
    planned_dwell_days: int | None,
) -> None:
    """The device as inserted: whole lumens, a size in its unit's range, a finite length,
    a tip location method for a central device (none for a peripheral cannula)."""
    if not 1 <= lumens <= MAX_LUMENS:
        raise _refuse(f"Numero di lumi tra 1 e {MAX_LUMENS}.", "lumens_out_of_range", "lumens")
    if device_type == DeviceType.PIV and lumens != 1:
        raise _refuse("Un catetere periferico ha un solo lume.", "lumens_out_of_range", "lumens")
    if not size.is_finite() or not (SIZE_RANGES[size_unit][0] <= size <= SIZE_RANGES[size_unit][1]):
        low, high = SIZE_RANGES[size_unit]
        raise _refuse(
            f"Calibro fuori intervallo: {low}-{high} {size_unit.value}.",
            "size_out_of_range",
            "size",
        )
    if device_type in (DeviceType.PIV, DeviceType.MIDLINE) and size_unit != SizeUnit.GAUGE:
        raise _refuse(
            "Il calibro di un periferico o di un Midline si indica in Gauge (G).",
            "size_unit_invalid",
            "size_unit",
        )
    if device_type in CENTRAL and size_unit != SizeUnit.FRENCH:
        raise _refuse(
            "Il calibro di un accesso centrale si indica in French (Fr).",
            "size_unit_invalid",
            "size_unit",
        )
    if length_cm is not None and (
        not length_cm.is_finite() or not Decimal(0) < length_cm <= MAX_LENGTH_CM
    ):
        raise _refuse(f"Lunghezza tra 0 e {MAX_LENGTH_CM} cm.", "length_out_of_range", "length_cm")
    if device_type in CENTRAL and tip_location == TipLocation.NONE:
        raise _refuse(
            "Per un accesso centrale indica il metodo di verifica della punta.",
            "tip_location_required",
            "tip_location",
        )
    if device_type == DeviceType.PIV and tip_location != TipLocation.NONE:
        raise _refuse(
            "Un catetere periferico non ha verifica della punta.",
            "tip_location_invalid",
            "tip_location",
        )
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise _refuse(
            f"Numero di tentativi tra 1 e {MAX_ATTEMPTS}.", "attempts_out_of_range", "attempts"
        )
    if planned_dwell_days is not None and not 1 <= planned_dwell_days <= MAX_DWELL_DAYS:
        raise _refuse(
            f"Permanenza prevista tra 1 e {MAX_DWELL_DAYS} giorni.",
            "dwell_out_of_range",
            "planned_dwell_days",
        )


def check_not_future(at: datetime, now: datetime, field: str) -> None:
    if at > now + FUTURE_SKEW:
        raise _refuse("La data non può essere nel futuro.", "date_in_future", field)


def check_within_dwell(
    *, at: datetime, inserted_at: datetime, removed_at: datetime | None, now: datetime, field: str
) -> None:
    """A care act, a complication or a removal happens while the device is in place: not
    before its insertion, not after its removal, not in the future."""
    check_not_future(at, now, field)
    if at < inserted_at:
        raise _refuse(
            f"La data è precedente all'inserimento ({inserted_at:%d/%m/%Y %H:%M}).",
            "before_insertion",
            field,
        )
    if removed_at is not None and at > removed_at:
        raise _refuse(
            f"La data è successiva alla rimozione ({removed_at:%d/%m/%Y %H:%M}).",
            "after_removal",
            field,
        )


def dressing_due(dressing: Dressing, changed_on: date) -> date:
    """When a dressing changed on ``changed_on`` is due again (INS 2021)."""
    return changed_on + timedelta(days=DRESSING_DAYS[dressing])


def days_in_place(inserted_on: date, until: date) -> int:
    """Calendar days since insertion (the day of insertion is day 0)."""
    return max((until - inserted_on).days, 0)
