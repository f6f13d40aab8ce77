"""Transport temperature log: read a data logger's CSV and judge it against the storage
the preparations need (pure).

CSV (a data logger's export, generic layout): UTF-8 (a BOM is allowed), a header line,
then one reading a line. ``;`` or ``,`` separates the fields. With a header naming them,
the columns ``timestamp`` and ``temperature_c`` (or ``temperature``) are read wherever
they are and other columns (``logger``, ``humidity``…) are ignored; without those names
the first two columns are the time and the temperature. Timestamps ISO 8601 with offset
(``2026-12-01T08:00:00+01:00``), temperature in °C with ``.`` or ``,`` as decimal mark,
plausible (−30 to 60 °C). At most ``MAX_LOGGER_BYTES`` and ``MAX_READINGS``.
Limits: refrigerated 2-8 °C, room temperature at most 25 °C (inclusive).

Time outside the range: each reading stands for the interval up to the next reading
(sample and hold, as logger reports count it); the last reading stands for nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from corsia.compounding.domain.product import StorageTemperature
from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.files import decode_csv_file

LIMITS: dict[StorageTemperature, tuple[Decimal | None, Decimal]] = {
    StorageTemperature.REFRIGERATED: (Decimal(2), Decimal(8)),
    StorageTemperature.ROOM: (None, Decimal(25)),
}


class TransportCsvInvalid(ValidationFailed):
    code = "transport_csv_invalid"


@dataclass(frozen=True)
class Reading:
    at: datetime
    celsius: Decimal


@dataclass(frozen=True)
class TransportSummary:
    readings: tuple[Reading, ...]
    minimum: Decimal
    maximum: Decimal
    excursions: tuple[Reading, ...]
    outside: timedelta = timedelta(0)

    @property
    def within_limits(self) -> bool:
        return not self.excursions


MAX_LOGGER_BYTES = 5 * 1024 * 1024
MAX_READINGS = 100_000
TIME_COLUMNS = ("timestamp", "time", "datetime")
TEMPERATURE_COLUMNS = ("temperature_c", "temperature", "temp_c")


def decode_logger_file(content: bytes) -> str:
    """The logger's file as text: refused when too large, not UTF-8 or with NUL bytes."""
    return decode_csv_file(
        content,
        limit=MAX_LOGGER_BYTES,
        refuse=TransportCsvInvalid,
        exported_from="software del registratore",
    )


def _columns(header: list[str]) -> tuple[int, int]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    time_at = next((names.index(n) for n in TIME_COLUMNS if n in names), None)
    temp_at = next((names.index(n) for n in TEMPERATURE_COLUMNS if n in names), None)
    if time_at is None and temp_at is None:
        return 0, 1
    if time_at is None or temp_at is None:
        missing = "timestamp" if time_at is None else "temperature_c"
        raise TransportCsvInvalid(f"Intestazione senza la colonna «{missing}».")
    return time_at, temp_at


def parse_transport_csv(text: str) -> tuple[Reading, ...]:
    if "\x00" in text:
        raise TransportCsvInvalid("Il file contiene byte nulli: non è un CSV di testo.")
    sample = text.lstrip("\ufeff")
    first_line = sample.splitlines()[0] if sample.strip() else ""
    delimiter = ";" if ";" in first_line else ","
    rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    if not rows:
        raise TransportCsvInvalid("Il file non contiene letture di temperatura.")
    time_at, temp_at = _columns(rows[0])
    if len(rows) - 1 > MAX_READINGS:
        raise TransportCsvInvalid(f"Troppe letture (massimo {MAX_READINGS}).")
    low, high = PLAUSIBLE_C
    readings: list[Reading] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) <= max(time_at, temp_at):
            raise TransportCsvInvalid(f"Riga {number}: servono data/ora e temperatura.")
        raw_at, raw_c = row[time_at].strip(), row[temp_at].strip()
        try:
            at = datetime.fromisoformat(raw_at)
        except ValueError:
            raise TransportCsvInvalid(
                f"Riga {number}: data/ora non leggibile «{raw_at[:40]}»."
            ) from None
        if at.tzinfo is None:
            raise TransportCsvInvalid(f"Riga {number}: data/ora senza fuso orario.")
        try:
            celsius = Decimal(raw_c.replace(",", "."))
        except InvalidOperation:
            raise TransportCsvInvalid(
                f"Riga {number}: temperatura non leggibile «{raw_c[:40]}»."
            ) from None
        if not celsius.is_finite() or not low <= celsius <= high:
            raise TransportCsvInvalid(
                f"Riga {number}: temperatura non plausibile «{raw_c[:40]}» (da {low} a {high} °C)."
            )
        readings.append(Reading(at=at, celsius=celsius))
    if not readings:
        raise TransportCsvInvalid("Il file non contiene letture di temperatura.")
    return tuple(sorted(readings, key=lambda r: r.at))


def time_outside(readings: tuple[Reading, ...], storage: StorageTemperature) -> timedelta:
    """How long the readings were outside the range ``storage`` needs: each reading counts
    for the interval to the next one (sorted by time); the last counts for nothing."""
    low, high = LIMITS[storage]
    total = timedelta(0)
    for reading, following in pairwise(readings):
        if reading.celsius > high or (low is not None and reading.celsius < low):
            total += following.at - reading.at
    return total


def summarise_transport(
    readings: tuple[Reading, ...], storage: StorageTemperature
) -> TransportSummary:
    low, high = LIMITS[storage]
    excursions = tuple(
        r for r in readings if r.celsius > high or (low is not None and r.celsius < low)
    )
    return TransportSummary(
        readings=readings,
        minimum=min(r.celsius for r in readings),
        maximum=max(r.celsius for r in readings),
        excursions=excursions,
        outside=time_outside(readings, storage),
    )


def outside_range(storage: StorageTemperature, minimum: Decimal, maximum: Decimal) -> bool:
    """The transport's lowest/highest temperature left the range ``storage`` needs
    (2-8 °C refrigerated, at most 25 °C room temperature; the limits themselves are in
    range). Judged per preparation: a room-temperature bag in a cool box at 9 °C is fine,
    a refrigerated one is not."""
    low, high = LIMITS[storage]
    return maximum > high or (low is not None and minimum < low)


# A transport reading outside these bounds is a typing or device error, not a temperature.
PLAUSIBLE_C = (Decimal(-30), Decimal(60))


def min_max_readings(*, minimum: Decimal, maximum: Decimal) -> tuple[Decimal, Decimal]:
    """The minimum and maximum read on a min/max thermometer at arrival, checked."""
    low, high = PLAUSIBLE_C
    for value, name in ((minimum, "minimum_c"), (maximum, "maximum_c")):
        if not value.is_finite() or not low <= value <= high:
            raise ValidationFailed(
                f"Temperatura non plausibile: {value} °C (ammessa da {low} a {high} °C).",
                code="transport_temperature_implausible",
                field=name,
            )
    if minimum > maximum:
        raise ValidationFailed(
            f"La minima ({minimum} °C) supera la massima ({maximum} °C).",
            code="transport_min_above_max",
            field="minimum_c",
        )
    return minimum, maximum
