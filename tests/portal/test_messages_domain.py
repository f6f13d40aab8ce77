"""The pure rules of messages: attachments typed by their bytes, the team's hours."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.portal.domain.attachments import (
    JPEG,
    MAX_BYTES,
    PDF,
    PNG,
    attachment_check,
    safe_filename,
    sniff,
)
from corsia.portal.domain.hours import (
    Opening,
    hours_describe,
    hours_parse,
    next_opening,
    within_hours,
)

ROME = ZoneInfo("Europe/Rome")


def test_types_are_read_from_the_first_bytes() -> None:
    assert sniff(b"%PDF-1.7\n") is PDF
    assert sniff(b"\x89PNG\r\n\x1a\n\x00") is PNG
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") is JPEG
    for other in (b"MZ\x90\x00", b"PK\x03\x04", b"<svg", b"GIF89a", b"%PD", b"\x89PNG"):
        assert sniff(other) is None


def test_size_limits() -> None:
    assert attachment_check(content=b"%PDF-" + b"0" * (MAX_BYTES - 5)) is PDF
    with pytest.raises(ValidationFailed) as refused:
        attachment_check(content=b"%PDF-" + b"0" * (MAX_BYTES - 4))
    assert refused.value.code == "attachment_too_large"


def test_safe_filenames_take_the_found_extension() -> None:
    assert safe_filename("Referto esami 3-12.PDF", PDF) == "Referto_esami_3-12.pdf"
    assert safe_filename("C:\\Users\\mario\\foto.exe", JPEG) == "foto.jpg"
    assert safe_filename("../../.png", PNG) == "allegato.png"
    assert safe_filename('a"b<script>.pdf', PDF) == "a_b_script.pdf"


WEEKDAYS = hours_parse("1-5 08:00-16:00; 6 08:00-12:00")


def test_hours_parse() -> None:
    expected = (Opening(1, 5, time(8), time(16)), Opening(6, 6, time(8), time(12)))
    assert hours_parse("1-5 08:00-16:00; 6 08:00-12:00") == expected
    for bad in ("lun-ven 8-16", "5-1 08:00-16:00", "1-5 16:00-08:00", "8 08:00-09:00"):
        with pytest.raises(ValueError):
            hours_parse(bad)


def test_within_hours_start_included_end_excluded() -> None:
    friday = datetime(2026, 12, 4, 8, 0, tzinfo=ROME)
    assert within_hours(WEEKDAYS, friday)
    assert not within_hours(WEEKDAYS, friday.replace(hour=16))
    assert within_hours(WEEKDAYS, datetime(2026, 12, 5, 11, 59, tzinfo=ROME))  # saturday
    assert not within_hours(WEEKDAYS, datetime(2026, 12, 6, 10, 0, tzinfo=ROME))  # sunday


def test_next_opening() -> None:
    saturday_noon = datetime(2026, 12, 5, 12, 0, tzinfo=ROME)
    assert next_opening(WEEKDAYS, saturday_noon) == datetime(2026, 12, 7, 8, 0, tzinfo=ROME)
    friday_early = datetime(2026, 12, 4, 6, 30, tzinfo=ROME)
    assert next_opening(WEEKDAYS, friday_early) == datetime(2026, 12, 4, 8, 0, tzinfo=ROME)
    assert next_opening((), saturday_noon) is None


def test_hours_described_in_italian() -> None:
    assert hours_describe(WEEKDAYS) == "da lunedì a venerdì 08:00–16:00; sabato 08:00–12:00"
