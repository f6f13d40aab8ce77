"""What a report is: a frozen definition, the parameters it is run with and the typed
result it produces (columns, rows, an optional chart)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Filter(StrEnum):
    """The filters a report may take (each definition names those it accepts)."""

    PERIOD = "period"  # period_from / period_to, inclusive days
    UNIT = "unit"  # a care ward (patients.Ward id)
    REGIMEN = "regimen"  # a regimen (regimens.Regimen id)
    DRUG = "drug"  # an active ingredient (drugs.ActiveIngredient id)
    OPERATOR = "operator"  # a user (accounts.User id)


class ColumnType(StrEnum):
    """How a column's values are typed, shown, exported and pseudonymised."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"  # a quantity (mg, mL, minutes): Decimal
    MONEY = "money"  # euro, Decimal with two places
    PERCENT = "percent"  # Decimal, 0-100
    DATE = "date"
    DATETIME = "datetime"
    PATIENT = "patient"  # a patient's identifier (MRN): a keyed hash in a pseudonymised extract
    IDENTIFYING = "identifying"  # a patient's name, tax code…: left out of a pseudonymised extract


Value = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Italian, shown as the header
    type: ColumnType = ColumnType.TEXT
    unit: str = ""  # "mg", "€", "min"… shown after the label
    source: str = ""  # where the value comes from (documented in the extract's notes)

    @property
    def header(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class ChartSpec:
    """A chart of the result: ``kind`` bar (one bar per row) or line (rows in order);
    ``label`` the column naming each bar/point, ``values`` the numeric columns drawn."""

    kind: str  # "bar" | "line"
    label: str
    values: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Params:
    """The filters a report is run with (``None``: not filtered)."""

    period_from: date | None = None
    period_to: date | None = None
    unit_id: int | None = None
    regimen_id: int | None = None
    drug_id: int | None = None
    operator_id: int | None = None

    def as_json(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {}
        if self.period_from is not None:
            out["period_from"] = self.period_from.isoformat()
        if self.period_to is not None:
            out["period_to"] = self.period_to.isoformat()
        for name in ("unit_id", "regimen_id", "drug_id", "operator_id"):
            value = getattr(self, name)
            if value is not None:
                out[name.removesuffix("_id")] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Params:
        """The parameters stored by :meth:`as_json` (already checked when stored)."""

        def _day(name: str) -> date | None:
            value = data.get(name)
            return date.fromisoformat(str(value)) if value else None

        def _id(name: str) -> int | None:
            value = data.get(name)
            return int(str(value)) if value is not None else None

        return cls(
            period_from=_day("period_from"),
            period_to=_day("period_to"),
            unit_id=_id("unit"),
            regimen_id=_id("regimen"),
            drug_id=_id("drug"),
            operator_id=_id("operator"),
        )


@dataclass(frozen=True)
class ReportResult:
    """What a run produces. ``patient_ids``: the patients whose data the rows hold (each
    read goes to the access log); ``notes``: totals or caveats shown under the table."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    chart: ChartSpec | None = None
    notes: tuple[str, ...] = ()
    patient_ids: frozenset[int] = frozenset()

    def column_index(self, key: str) -> int:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(key)


Progress = Callable[[int], None]  # percent done, 0-100, for a run in the background


def no_progress(percent: int) -> None:
    """The progress callback of a run in the foreground: nothing to report."""


@dataclass(frozen=True)
class ReportDefinition:
    """A named report. ``run(params, progress)`` reads through the other modules' public
    selectors and returns a :class:`ReportResult`; ``filters`` the filters it accepts;
    ``holds_patient_data``: every run is written in the access log (one row per patient);
    ``background(params)``: whether this run is long enough to go to the job queue (``None``:
    the framework decides on the period's length)."""

    code: str
    title: str
    description: str
    permission: str
    area: str  # the index's group: "Farmacia", "Statistiche cliniche"…
    filters: frozenset[Filter]
    run: Callable[[Params, Progress], ReportResult]
    holds_patient_data: bool = False
    background: Callable[[Params], bool] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # column key → where it is read

    def accepts(self, name: Filter) -> bool:
        return name in self.filters


def rows_tuple(rows: Sequence[Sequence[Value]]) -> tuple[tuple[Value, ...], ...]:
    return tuple(tuple(row) for row in rows)
