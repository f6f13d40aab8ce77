"""File F records (high-cost drugs administered in day hospital or dispensed directly) and
their writers: fixed width and CSV.

The layout is Corsia's documented assumption, versioned as ``LAYOUT_VERSION``; see
``corsia/inventory/docs/fileF.md`` for which fields follow the regional flow as publicly
described and which must be verified against the Region's current technical document.
A writer never truncates: a value that does not fit is an error, not a shorter field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed

LAYOUT_VERSION = "corsia-filef-sicilia-0.1"

# The reference of the stock unloads made at the direct-distribution desk
# (corsia.dispensing): they go in the direct distribution's own File F (type D), never in
# the UFA's (type S).
DIRECT_DISTRIBUTION_REFERENCE = "DD-"


class FileFInvalid(ValidationFailed):
    code = "file_f_invalid"


class DispensationType(StrEnum):
    """Our codes (assumption, see the doc): administered in the hospital / dispensed."""

    ADMINISTERED = "S"  # somministrato in day hospital / ambulatorio
    DIRECT = "D"  # distribuzione diretta


class Kind(StrEnum):
    ALPHA = "A"  # left-aligned, padded with spaces, upper case
    NUMBER = "N"  # right-aligned, padded with zeros
    DATE = "D"  # AAAAMMGG


@dataclass(frozen=True)
class FieldSpec:
    name: str
    width: int
    kind: Kind
    decimals: int = 0  # implied decimals of a NUMBER (fixed width); written in the CSV


# Order and widths: Corsia's assumption (version LAYOUT_VERSION). Start positions are 1-based.
LAYOUT: tuple[FieldSpec, ...] = (
    FieldSpec("hospital_code", 6, Kind.ALPHA),
    FieldSpec("record_type", 1, Kind.ALPHA),
    FieldSpec("period", 6, Kind.NUMBER),
    FieldSpec("sequence", 7, Kind.NUMBER),
    FieldSpec("patient_fiscal_code", 16, Kind.ALPHA),
    FieldSpec("dispensation_date", 8, Kind.DATE),
    FieldSpec("aic", 9, Kind.ALPHA),
    FieldSpec("atc", 7, Kind.ALPHA),
    FieldSpec("quantity", 6, Kind.NUMBER),
    FieldSpec("unit_cost", 12, Kind.NUMBER, decimals=4),
    FieldSpec("total", 12, Kind.NUMBER, decimals=2),
    FieldSpec("cost_center", 10, Kind.ALPHA),
)
RECORD_LENGTH = sum(f.width for f in LAYOUT)


@dataclass(frozen=True, slots=True)
class Dispensation:
    """One unload to a patient, as the extraction reads it."""

    patient_fiscal_code: str
    day: date
    aic: str
    atc: str
    quantity: int
    unit_cost: Decimal
    cost_center: str
    dispensation_type: DispensationType = DispensationType.ADMINISTERED
    source: str = ""  # what to show when the line is refused (e.g. "movimento 12")
    patient_id: int | None = None  # opaque: lets the caller log whose data was read


@dataclass(frozen=True, slots=True)
class FileFRecord:
    hospital_code: str
    record_type: str
    period: int  # AAAAMM
    sequence: int
    patient_fiscal_code: str
    dispensation_date: date
    aic: str
    atc: str
    quantity: int
    unit_cost: Decimal
    total: Decimal
    cost_center: str


@dataclass(frozen=True, slots=True)
class Excluded:
    source: str
    reason: str
    field: str = ""  # the layout's field that failed (empty: the dispensation had no key)


def line_total(quantity: int, unit_cost: Decimal) -> Decimal:
    """quantity × unit cost, rounded half up to the cent."""
    return (unit_cost * quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def build_records(
    dispensations: Iterable[Dispensation], *, hospital_code: str, year: int, month: int
) -> tuple[list[FileFRecord], list[Excluded]]:
    """Aggregate per (patient, day, AIC, cost centre, unit cost, type) and number the records.

    A dispensation without a fiscal code or an AIC cannot be reported: it is excluded and
    listed, never sent with an empty key.
    """
    totals: dict[tuple[str, date, str, str, str, Decimal, str], int] = {}
    excluded = []
    for d in dispensations:
        no_code, no_aic = not d.patient_fiscal_code.strip(), not d.aic.strip()
        if no_code or no_aic:
            missing = [
                label
                for label, absent in (("codice fiscale del paziente", no_code), ("AIC", no_aic))
                if absent
            ]
            field = "patient_fiscal_code" if no_code else "aic"
            excluded.append(Excluded(d.source, "manca " + " e ".join(missing), field))
            continue
        if (d.day.year, d.day.month) != (year, month):
            reason = f"data {d.day:%d/%m/%Y} fuori dal mese"
            excluded.append(Excluded(d.source, reason, "dispensation_date"))
            continue
        key = (
            d.patient_fiscal_code.strip().upper(),
            d.day,
            d.aic.strip(),
            d.atc.strip().upper(),
            d.cost_center.strip(),
            d.unit_cost,
            d.dispensation_type.value,
        )
        totals[key] = totals.get(key, 0) + d.quantity
    records = []
    for sequence, (key, quantity) in enumerate(sorted(totals.items()), start=1):
        fiscal_code, day, aic, atc, cost_center, unit_cost, kind = key
        records.append(
            FileFRecord(
                hospital_code=hospital_code,
                record_type=kind,
                period=year * 100 + month,
                sequence=sequence,
                patient_fiscal_code=fiscal_code,
                dispensation_date=day,
                aic=aic,
                atc=atc,
                quantity=quantity,
                unit_cost=unit_cost,
                total=line_total(quantity, unit_cost),
                cost_center=cost_center,
            )
        )
    return records, excluded


def _value(record: FileFRecord, spec: FieldSpec) -> object:
    return getattr(record, spec.name)


def _fixed(spec: FieldSpec, value: object, sequence: int) -> str:
    if spec.kind is Kind.DATE:
        assert isinstance(value, date)
        text = value.strftime("%Y%m%d")
    elif spec.kind is Kind.NUMBER:
        number = Decimal(str(value))
        scaled = number.scaleb(spec.decimals).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if scaled < 0:
            raise FileFInvalid(
                f"Record {sequence}: {spec.name} negativo.", details={"field": spec.name}
            )
        text = str(int(scaled)).rjust(spec.width, "0")
    else:
        text = str(value).upper().ljust(spec.width)
    if len(text) > spec.width or not text.isascii():
        raise FileFInvalid(
            f"Record {sequence}: il campo {spec.name} («{value}») non entra in "
            f"{spec.width} caratteri ASCII.",
            details={"field": spec.name, "sequence": sequence},
        )
    return text


def format_fixed(records: Sequence[FileFRecord]) -> str:
    """One line of ``RECORD_LENGTH`` characters per record, CRLF-terminated."""
    lines = []
    for record in records:
        line = "".join(_fixed(s, _value(record, s), record.sequence) for s in LAYOUT)
        assert len(line) == RECORD_LENGTH
        lines.append(line + "\r\n")
    return "".join(lines)


def _csv(spec: FieldSpec, value: object) -> str:
    if spec.kind is Kind.DATE:
        assert isinstance(value, date)
        return value.strftime("%Y%m%d")
    if spec.kind is Kind.NUMBER and spec.decimals:
        return f"{Decimal(str(value)):.{spec.decimals}f}"
    return str(value).upper() if spec.kind is Kind.ALPHA else str(value)


def format_csv(records: Sequence[FileFRecord]) -> str:
    """Header row with the field names, ``;`` separator, ``.`` decimal point, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([s.name for s in LAYOUT])
    for record in records:
        writer.writerow([_csv(s, _value(record, s)) for s in LAYOUT])
    return out.getvalue()


# What a field must hold beyond fitting its width (the checks of Corsia's layout; the
# Region's own checks are to be taken from its technical document, see docs/fileF.md).
FISCAL_CODE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
TEMPORARY_CODE = re.compile(r"^(STP|ENI)\d{13}$|^\d{11}$")  # STP/ENI, provisional numeric
AIC_CODE = re.compile(r"^\d{9}$")
ATC_CODE = re.compile(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")  # ATC level 5 (substance)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # the layout's field name
    message: str  # Italian


def _fixed_problem(spec: FieldSpec, value: object) -> str | None:
    """Why ``value`` does not fit ``spec`` in the fixed-width file (``_fixed``'s message
    without its «Record n: »), ``None`` when it fits."""
    try:
        _fixed(spec, value, 0)
    except FileFInvalid as failed:
        return failed.message.removeprefix("Record 0: ")
    return None


def _rule_ok(name: str, value: str) -> bool:
    if name == "patient_fiscal_code":
        return bool(FISCAL_CODE.match(value) or TEMPORARY_CODE.match(value))
    pattern = AIC_CODE if name == "aic" else ATC_CODE
    return bool(pattern.match(value))


def record_errors(
    record: FileFRecord, memo: dict[tuple[object, ...], object] | None = None
) -> list[FieldError]:
    """Every way ``record`` fails the layout: a value that does not fit its field (width,
    ASCII, sign) or a content rule (codes' shape, quantity, sender). ``memo``: the checks
    of each value already made (many records share a fiscal code, an AIC, a cost centre:
    pass one dict for a whole file); the result is the same with or without it."""
    memo = {} if memo is None else memo
    errors = []
    for spec in LAYOUT:
        value = _value(record, spec)
        if spec.name == "sequence":  # one per record: nothing to share
            problem = _fixed_problem(spec, value)
        else:
            # a Decimal's digits are in the message: 1.0 and 1.00 are not the same value here
            shown = str(value) if isinstance(value, Decimal) else value
            key = (spec.name, value.__class__, shown)
            if key not in memo:
                memo[key] = _fixed_problem(spec, value)
            problem = memo[key]  # type: ignore[assignment]
        if problem is not None:
            errors.append(FieldError(spec.name, f"Record {record.sequence}: {problem}"))
    shaped = []
    for name in ("patient_fiscal_code", "aic", "atc"):
        text = getattr(record, name)
        rule = ("rule", name, text)
        if rule not in memo:
            memo[rule] = _rule_ok(name, text)
        shaped.append(memo[rule])
    rules = (
        ("hospital_code", bool(record.hospital_code.strip()), "manca il codice della struttura"),
        (
            "patient_fiscal_code",
            shaped[0],
            f"«{record.patient_fiscal_code}» non è un codice fiscale né un codice STP/ENI",
        ),
        ("aic", shaped[1], f"«{record.aic}» non è un AIC di 9 cifre"),
        ("atc", shaped[2], f"«{record.atc}» non è un codice ATC di 5° livello"),
        ("quantity", record.quantity > 0, "quantità non positiva"),
    )
    known = {e.field for e in errors}
    errors += [FieldError(name, text) for name, ok, text in rules if not ok and name not in known]
    return errors


def split_valid(
    records: Sequence[FileFRecord],
) -> tuple[list[FileFRecord], list[tuple[FileFRecord, list[FieldError]]]]:
    """The records that pass (numbered again from 1) and those that fail, with their errors:
    a failing record is never written to the file."""
    valid: list[FileFRecord] = []
    invalid: list[tuple[FileFRecord, list[FieldError]]] = []
    memo: dict[tuple[object, ...], object] = {}
    for record in records:
        errors = record_errors(record, memo)
        if errors:
            invalid.append((record, errors))
        else:
            valid.append(replace(record, sequence=len(valid) + 1))
    return valid, invalid
