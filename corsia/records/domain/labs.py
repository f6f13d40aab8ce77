"""Laboratory results entered by hand: value, unit, reference range, the H/L flag computed
from the range, and the trend of one analyte over time (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain.text import one_line

VALUE_LIMIT = Decimal("1000000000")  # 1e9: above any count per litre written in its unit
# Suggestions for the form (tumour markers among them); any analyte may be typed.
COMMON_ANALYTES: tuple[tuple[str, str], ...] = (
    ("Emoglobina", "g/dL"),
    ("Leucociti", "10^9/L"),
    ("Neutrofili", "10^9/L"),
    ("Piastrine", "10^9/L"),
    ("Creatinina", "mg/dL"),
    ("ALT", "U/L"),
    ("AST", "U/L"),
    ("Bilirubina totale", "mg/dL"),
    ("LDH", "U/L"),
    ("CEA", "ng/mL"),
    ("CA 15-3", "U/mL"),
    ("CA 19-9", "U/mL"),
    ("CA 125", "U/mL"),
    ("PSA", "ng/mL"),
)


class LabFlag(StrEnum):
    HIGH = "H"
    LOW = "L"


def number(raw: object, *, field: str, required: bool = True) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationFailed("Indica il valore.", code="required", field=field)
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            "Valore numerico non valido.", code="number_invalid", field=field
        ) from None
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        raise ValidationFailed(
            "Valore numerico fuori dall'intervallo ammesso.", code="number_invalid", field=field
        )
    return value.quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class LabValue:
    analyte: str
    value: Decimal
    unit: str
    reference_low: Decimal | None
    reference_high: Decimal | None


def checked(
    *, analyte: str, value: object, unit: str, reference_low: object, reference_high: object
) -> LabValue:
    low = number(reference_low, field="reference_low", required=False)
    high = number(reference_high, field="reference_high", required=False)
    if low is not None and high is not None and low > high:
        raise ValidationFailed(
            "Il limite inferiore dell'intervallo di riferimento supera quello superiore.",
            code="reference_range_inverted",
            field="reference_low",
        )
    measured = number(value, field="value")
    assert measured is not None  # required above
    return LabValue(
        analyte=one_line(analyte, field="analyte", limit=80),
        value=measured,
        unit=one_line(unit, field="unit", limit=20, required=False),
        reference_low=low,
        reference_high=high,
    )


def flag(value: Decimal, low: Decimal | None, high: Decimal | None) -> LabFlag | None:
    if high is not None and value > high:
        return LabFlag.HIGH
    if low is not None and value < low:
        return LabFlag.LOW
    return None


@dataclass(frozen=True)
class Point:
    at: datetime
    value: Decimal
    flag: LabFlag | None
    change: str  # "↑", "↓", "=" against the previous result, "" for the first


@dataclass(frozen=True)
class Trend:
    analyte: str
    unit: str
    points: tuple[Point, ...]  # newest first

    @property
    def latest(self) -> Point:
        return self.points[0]


def trends(
    results: Iterable[tuple[str, str, datetime, Decimal, Decimal | None, Decimal | None]],
) -> list[Trend]:
    """One trend per analyte and unit (names compared without case), analytes in
    alphabetical order, points newest first; ``results`` as (analyte, unit, when, value,
    low, high)."""
    groups: dict[tuple[str, str], list[tuple[str, str, datetime, Decimal, LabFlag | None]]] = {}
    for analyte, unit, at, value, low, high in results:
        key = (analyte.casefold(), unit.casefold())
        groups.setdefault(key, []).append((analyte, unit, at, value, flag(value, low, high)))
    found = []
    for key in sorted(groups):
        rows = sorted(groups[key], key=lambda r: r[2])
        points: list[Point] = []
        previous: Decimal | None = None
        for _name, _unit, at, value, mark in rows:
            if previous is None:
                change = ""
            else:
                change = "↑" if value > previous else "↓" if value < previous else "="
            points.append(Point(at=at, value=value, flag=mark, change=change))
            previous = value
        name, unit = rows[-1][0], rows[-1][1]  # as written the last time
        found.append(Trend(analyte=name, unit=unit, points=tuple(reversed(points))))
    return found
