"""Bounded input types for the API's schemas (django-ninja / pydantic).

A field typed with one of these refuses, with a 422 naming the field, what the database
could not hold or what no clinical meaning allows — instead of a 500 from PostgreSQL
(``numeric field overflow``) or from date arithmetic (``OverflowError``)::

    class DoseIn(Schema):
        amount: Amount
        days_ahead: DayCount = 7
        given_at: AwareDatetime
        reason: Reason = ""

``BadInputMiddleware`` and the API's ``DataError``/``OverflowError`` handlers are the
backstop for schemas that still use bare ``Decimal``/``int``/``datetime``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic import AwareDatetime as _AwareDatetime

from corsia.core.domain.clinical_time import (
    ENCOUNTER,
    MEASUREMENT,
    THERAPY_START,
    ClinicalWindow,
    check_clinical_date,
    check_clinical_time,
)

__all__ = [
    "Amount",
    "AwareDatetime",
    "BoundedInt",
    "DayCount",
    "EncounterTime",
    "IsoDate",
    "IsoDatetime",
    "MeasuredAt",
    "Reason",
    "RecordId",
    "TherapyStartDate",
]

AMOUNT_LIMIT = Decimal("1000000000")  # 1e9: above any dose, volume, price or quantity
_WHOLE_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)")


def _whole_number(value: object) -> object:
    """A whole number as such, or as a query string writes it ("12"); never ``true``
    (pydantic's lax mode reads it as 1), ``12.0``, ``" 5 "`` or ``"+5"``."""
    if isinstance(value, bool | float):
        raise ValueError("a whole number is expected")
    if isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value):
        raise ValueError("a whole number is expected, written without spaces or signs")
    return value


# Dates and times as ISO 8601 text only. Pydantic's lax mode reads a number — 0, "-0.0",
# 1700000000, as JSON or as a string of digits — as a Unix timestamp: a therapy "started"
# on 1970-01-01 from "-0.0". A date is "2026-12-03"; a time "2026-12-03T09:30:00+01:00".
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*", re.DOTALL)


def _iso_date_text(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is expected as YYYY-MM-DD")


def _iso_datetime_text(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.fullmatch(value)):
        return value
    raise ValueError("a date and time is expected as YYYY-MM-DDThh:mm with its UTC offset")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_datetime_text)]
AwareDatetime = Annotated[_AwareDatetime, BeforeValidator(_iso_datetime_text)]


# A dose, volume, quantity, price: finite, |x| < 1e9, at most 6 decimals (numeric(18, 6)).
Amount = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT, max_digits=18, decimal_places=6),
]
# Any whole number a PostgreSQL integer column holds.
BoundedInt = Annotated[int, BeforeValidator(_whole_number), Field(ge=-(2**31), le=2**31 - 1)]
# The id of a record (bigint primary key).
RecordId = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=2**63 - 1)]
# A span of days in a query (days ahead, days back): up to ten years.
DayCount = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=3660)]
# A reason, a note: free text of reasonable length (a megabyte is not a reason).
Reason = Annotated[str, Field(max_length=2000)]


def _within(window: ClinicalWindow) -> AfterValidator:
    """The window of ``corsia.core.domain.clinical_time`` around the server's clock; a value
    outside is refused with that module's code (``date_too_far_in_past``…), naming the field
    (a ``CorsiaError`` passes through pydantic to the API's problem+json handler)."""

    def check(value: datetime, info: ValidationInfo) -> datetime:
        field = info.field_name or "at"
        check_clinical_time(value, now=timezone.now(), window=window, field=field)
        return value

    return AfterValidator(check)


def _start_within_a_year(value: date, info: ValidationInfo) -> date:
    field = info.field_name or "start_date"
    check_clinical_date(value, today=timezone.localdate(), window=THERAPY_START, field=field)
    return value


# The first day of a therapy cycle: within a year of today, either way.
TherapyStartDate = Annotated[
    date, BeforeValidator(_iso_date_text), AfterValidator(_start_within_a_year)
]
# When a measure was taken: not in the future beyond the clocks' skew, not ten years back.
MeasuredAt = Annotated[_AwareDatetime, BeforeValidator(_iso_datetime_text), _within(MEASUREMENT)]
# When an admission or a discharge happened.
EncounterTime = Annotated[_AwareDatetime, BeforeValidator(_iso_datetime_text), _within(ENCOUNTER)]


# The ``openapi_extra`` of an operation whose 200 is a CSV download, not JSON: an
# integrator's client must expect ``text/csv``.
CSV_ANSWER = {
    "responses": {
        200: {
            "description": "CSV (UTF-8)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}
