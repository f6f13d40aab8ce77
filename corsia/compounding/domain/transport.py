"""Transport temperature log: read a data logger's CSV and judge it against the storage
the preparations need (pure).

CSV: a header line, then ``timestamp;temperature`` (``,`` also accepted as separator),
ISO 8601 timestamps with offset, temperature in °C with ``.`` or ``,`` as decimal mark.
Limits: refrigerated 2-8 °C, room temperature at most 25 °C (inclusive).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from corsia.compounding.domain.product import StorageTemperature
from corsia.core.domain.errors import ValidationFailed

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

    @property
    def within_limits(self) -> bool:
        return not self.excursions


def parse_transport_csv(text: str) -> tuple[Reading, ...]:
    sample = text.lstrip("\ufeff")
    first_line = sample.splitlines()[0] if sample.strip() else ""
    delimiter = ";" if ";" in first_line else ","
    rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    readings: list[Reading] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise TransportCsvInvalid(f"Riga {number}: servono data/ora e temperatura.")
        try:
            at = datetime.fromisoformat(row[0].strip())
        except ValueError:
            raise TransportCsvInvalid(
                f"Riga {number}: data/ora non leggibile «{row[0]}»."
            ) from None
        if at.tzinfo is None:
            raise TransportCsvInvalid(f"Riga {number}: data/ora senza fuso orario.")
        try:
            celsius = Decimal(row[1].strip().replace(",", "."))
        except InvalidOperation:
            raise TransportCsvInvalid(
                f"Riga {number}: temperatura non leggibile «{row[1]}»."
            ) from None
        readings.append(Reading(at=at, celsius=celsius))
    if not readings:
        raise TransportCsvInvalid("Il file non contiene letture di temperatura.")
    return tuple(sorted(readings, key=lambda r: r.at))


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
