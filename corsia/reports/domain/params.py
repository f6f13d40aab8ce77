"""The filters of a run read from text (a page's query string, the API's): every value
checked, a refusal in Italian with a stable code naming the field, nothing guessed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from corsia.core.domain.errors import ValidationFailed
from corsia.reports.domain.definition import Filter, Params, ReportDefinition

MAX_PERIOD_DAYS = 366 * 10  # ten years: beyond that a report is an archive dump
_INT_MAX = 2**31 - 1
_ID_FILTERS = {
    Filter.UNIT: "unit",
    Filter.REGIMEN: "regimen",
    Filter.DRUG: "drug",
    Filter.OPERATOR: "operator",
}
# Query parameters that are not filters (the export format, the background switch…).
NOT_FILTERS = frozenset({"format", "background", "pseudonymised", "run"})


def _date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(
            f"Data non valida: «{raw[:20]}» (atteso AAAA-MM-GG).", code="date_invalid", field=field
        ) from None


def _id(raw: str, field: str) -> int:
    text = raw.strip()
    if not text.isdigit() or not text.isascii() or len(text) > 10 or int(text) > _INT_MAX:
        raise ValidationFailed(
            f"Valore non valido per il filtro «{field}»: «{raw[:20]}».",
            code="filter_invalid",
            field=field,
        )
    return int(text)


def default_period(today: date) -> tuple[date, date]:
    """The year so far: 1 January to today."""
    return date(today.year, 1, 1), today


def params_parse(definition: ReportDefinition, raw: Mapping[str, str], *, today: date) -> Params:
    """The filters of ``raw`` the definition accepts; a filter it does not take, an unknown
    parameter, a malformed value or a reversed or over-long period: ValidationFailed."""
    for name in raw:
        if (
            name in NOT_FILTERS
            or name in ("period_from", "period_to")
            or name in _ID_FILTERS.values()
        ):
            continue
        raise ValidationFailed(
            f"Parametro sconosciuto: «{name[:40]}».", code="filter_unknown", field=name[:40]
        )
    values: dict[str, object] = {}
    if definition.accepts(Filter.PERIOD):
        start_raw, end_raw = raw.get("period_from", ""), raw.get("period_to", "")
        start_default, end_default = default_period(today)
        start = _date(start_raw, "period_from") if start_raw.strip() else start_default
        end = _date(end_raw, "period_to") if end_raw.strip() else end_default
        if start > end:
            raise ValidationFailed(
                "Il periodo finisce prima di cominciare.", code="period_reversed", field="period_to"
            )
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationFailed(
                "Il periodo è più lungo di dieci anni.", code="period_too_long", field="period_from"
            )
        values["period_from"], values["period_to"] = start, end
    elif raw.get("period_from", "").strip() or raw.get("period_to", "").strip():
        raise _not_accepted(definition, "period_from")
    for flt, name in _ID_FILTERS.items():
        text = raw.get(name, "")
        if not text.strip():
            continue
        if not definition.accepts(flt):
            raise _not_accepted(definition, name)
        values[f"{name}_id"] = _id(text, name)
    return Params(**values)  # type: ignore[arg-type]  # keys built from Params' own fields


def _not_accepted(definition: ReportDefinition, name: str) -> ValidationFailed:
    return ValidationFailed(
        f"Il report «{definition.title}» non accetta il filtro «{name}».",
        code="filter_not_accepted",
        field=name,
    )
