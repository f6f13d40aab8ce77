"""Transport data loggers: the export file read, minimum, maximum and time outside the
storage range computed by hand in each test, bad files refused (pure domain)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from corsia.compounding.domain.product import StorageTemperature
from corsia.compounding.domain.transport import (
    MAX_LOGGER_BYTES,
    TransportCsvInvalid,
    decode_logger_file,
    parse_transport_csv,
    summarise_transport,
    time_outside,
)

FRIDGE = StorageTemperature.REFRIGERATED

# A 40-minute trip read every 10 minutes:
#   08:00 5.0 | 08:10 8.6 (out) | 08:20 9.1 (out) | 08:30 7.9 | 08:40 1.5 (out, last)
# sample and hold: 08:10→08:20 (10 min) + 08:20→08:30 (10 min) = 20 min outside 2-8 °C;
# the last reading (08:40, 1.5 °C) stands for no interval. min 1.5, max 9.1, 3 readings out.
GENERIC = (
    "logger;timestamp;temperature_c;humidity\n"
    "TL-7;2026-12-01T08:00:00+01:00;5,0;40\n"
    "TL-7;2026-12-01T08:10:00+01:00;8.6;40\n"
    "TL-7;2026-12-01T08:20:00+01:00;9.1;41\n"
    "TL-7;2026-12-01T08:30:00+01:00;7.9;41\n"
    "TL-7;2026-12-01T08:40:00+01:00;1.5;42\n"
)


def test_generic_csv_by_hand() -> None:
    readings = parse_transport_csv(GENERIC)
    summary = summarise_transport(readings, FRIDGE)
    assert (summary.minimum, summary.maximum) == (Decimal("1.5"), Decimal("9.1"))
    assert len(summary.excursions) == 3
    assert summary.outside == timedelta(minutes=20)


def test_limits_are_in_range_and_room_temperature_has_no_floor() -> None:
    # 8.0 and 2.0 exactly are in range: nothing outside
    text = "timestamp,temperature_c\n2026-12-01T08:00:00Z,8.0\n2026-12-01T09:00:00Z,2.0\n"
    assert time_outside(parse_transport_csv(text), FRIDGE) == timedelta(0)
    # 26 °C for 15 minutes then 20 °C: 15 minutes above 25 °C for a room-temperature bag
    text = "timestamp;temperature_c\n2026-12-01T08:00:00Z;26\n2026-12-01T08:15:00Z;20\n"
    assert time_outside(parse_transport_csv(text), StorageTemperature.ROOM) == timedelta(minutes=15)


def test_unsorted_readings_are_sorted_before_counting() -> None:
    # the logger exported newest first: 08:30 5 | 08:00 10 → 30 min outside
    text = "timestamp;temperature_c\n2026-12-01T08:30:00Z;5\n2026-12-01T08:00:00Z;10\n"
    assert time_outside(parse_transport_csv(text), FRIDGE) == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfetimestamp;temperature_c\n", "transport_csv_invalid"),  # UTF-16, not UTF-8
        (
            "timestamp;temperature_c\n2026-12-01T08:00:00Z;5\n".encode("latin-1") + b"\xe9",
            "transport_csv_invalid",
        ),
        (b"timestamp;temperature_c\n2026-12-01T08:00:00Z;5\x00\n", "transport_csv_invalid"),
        (b"x" * (MAX_LOGGER_BYTES + 1), "file_too_large"),
    ],
)
def test_bad_files_are_refused_before_parsing(content: bytes, code: str) -> None:
    with pytest.raises(TransportCsvInvalid) as refused:
        parse_transport_csv(decode_logger_file(content))
    assert refused.value.code == code


@pytest.mark.parametrize(
    "text",
    [
        "timestamp;humidity\n2026-12-01T08:00:00Z;40\n",  # no temperature column
        "timestamp;temperature_c\n2026-12-01T08:00:00Z;1e308\n",  # not a temperature
        "timestamp;temperature_c\n2026-12-01T08:00:00Z;-80\n",  # implausible
        "timestamp;temperature_c\n2026-12-01T08:00:00Z;NaN\n",
        "timestamp;temperature_c\n2026-12-01 08:00:00;5\n",  # no offset
        "timestamp;temperature_c\n",  # no readings
        "",
    ],
)
def test_malformed_contents_are_refused(text: str) -> None:
    with pytest.raises(TransportCsvInvalid):
        parse_transport_csv(text)
