"""The inputs of a staging system or a prognostic score as a page or the API sends them
(pure): each input declared once (name, Italian label, kind, choices, unit), the raw values
(form strings or JSON values) read into what the calculation takes, and back into plain
JSON for storage.

Reading only converts; whether an input is required, in range or consistent with the
others is the calculation's decision (``ClinicalInputMissing`` and its siblings), so a page,
the API and a direct call refuse the same things with the same messages. An input left
empty is passed as ``None`` (never taken as "no"); an input the system does not declare is
refused (``clinical_input_unknown``), not ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.records.domain.errors import ClinicalInputOutOfRange

MAX_TEXT = 40  # a category ("pT4b"), a choice's code, a number as typed
MAX_INPUTS = 30
_WHOLE = re.compile(r"[+-]?\d{1,9}")
_YES = frozenset({"true", "si", "sì", "yes", "1", "on"})
_NO = frozenset({"false", "no", "0", "off"})


class InputKind(StrEnum):
    FLAG = "flag"  # yes / no (an unknown is left empty)
    WHOLE = "whole"  # a whole number (age in years, points of a scale)
    NUMBER = "number"  # a decimal number (a laboratory value)
    CHOICE = "choice"  # one of the declared choices
    CATEGORY = "category"  # a TNM category: the calculation checks it against its table


@dataclass(frozen=True)
class InputSpec:
    """One input: ``name`` the calculation's keyword, ``label`` Italian."""

    name: str
    label: str
    kind: InputKind
    choices: tuple[tuple[str, str], ...] = ()  # (code, Italian label)
    unit: str = ""
    hint: str = ""  # when it is asked ("solo linfoma di Hodgkin", "solo età < 12 mesi")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choices)


Value = bool | int | Decimal | str
T = TypeVar("T")


def yes_no(name: str, label: str, hint: str = "") -> InputSpec:
    return InputSpec(name, label, InputKind.FLAG, hint=hint)


def number(name: str, label: str, unit: str, hint: str = "") -> InputSpec:
    return InputSpec(name, label, InputKind.NUMBER, unit=unit, hint=hint)


def whole(name: str, label: str, unit: str = "", hint: str = "") -> InputSpec:
    return InputSpec(name, label, InputKind.WHOLE, unit=unit, hint=hint)


def listed(table: Mapping[str, T], code: str | None, *, message: str, error: str, field: str) -> T:
    """The entry of ``table`` named by ``code`` (a system, a score), or ``error``."""
    found = table.get((code or "").strip())
    if found is None:
        raise ValidationFailed(message, code=error, field=field, details={"allowed": list(table)})
    return found


def _refused(spec: InputSpec, message: str) -> ClinicalInputOutOfRange:
    return ClinicalInputOutOfRange(f"{spec.label}: {message}", field=spec.name)


def _text(spec: InputSpec, raw: object) -> str:
    text = str(raw).strip()
    if has_unsafe_characters(text):
        raise ValidationFailed(
            f"{spec.label}: il valore contiene caratteri non ammessi.",
            code="invalid_characters",
            field=spec.name,
        )
    if len(text) > MAX_TEXT:
        raise _refused(spec, f"valore troppo lungo (al massimo {MAX_TEXT} caratteri).")
    return text


def _flag(spec: InputSpec, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = _text(spec, raw).casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _refused(spec, "indicare sì o no.")


def _whole(spec: InputSpec, raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = _text(spec, raw) if isinstance(raw, str) else ""
    if not _WHOLE.fullmatch(text):
        raise _refused(spec, "deve essere un numero intero.")
    return int(text)


def _number(spec: InputSpec, raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise _refused(spec, "non è un numero.")
    text = _text(spec, raw).replace(",", ".") if isinstance(raw, str) else str(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _refused(spec, "non è un numero.") from None
    if not number.is_finite():
        raise _refused(spec, "non è un numero.")
    return number


def _choice(spec: InputSpec, raw: object) -> str:
    text = _text(spec, raw)
    for code in spec.codes:
        if code.casefold() == text.casefold():
            return code
    allowed = ", ".join(label for _, label in spec.choices)
    raise ClinicalInputOutOfRange(
        f"{spec.label}: «{text}» non è un valore ammesso ({allowed}).",
        field=spec.name,
        details={"value": text, "allowed": list(spec.codes)},
    )


_READERS: dict[InputKind, Callable[[InputSpec, object], Value]] = {
    InputKind.FLAG: _flag,
    InputKind.WHOLE: _whole,
    InputKind.NUMBER: _number,
    InputKind.CHOICE: _choice,
    InputKind.CATEGORY: _text,
}


def read_inputs(specs: tuple[InputSpec, ...], raw: Mapping[str, object]) -> dict[str, Value | None]:
    """Every declared input: the value given, converted, or ``None`` when left empty (the
    calculation decides whether it needs it). Names not declared are refused."""
    if len(raw) > MAX_INPUTS:
        raise ValidationFailed(
            "Troppi dati per questo calcolo.", code="clinical_input_unknown", field="inputs"
        )
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(str(name)[:40] for name in raw if name not in by_name)
    if unknown:
        raise ValidationFailed(
            f"Dati non previsti da questo calcolo: {', '.join(unknown)}.",
            code="clinical_input_unknown",
            field="inputs",
            details={"unknown": unknown, "allowed": list(by_name)},
        )
    values: dict[str, Value | None] = dict.fromkeys(by_name)
    for name, given in raw.items():
        if given is None or (isinstance(given, str) and not given.strip()):
            continue
        spec = by_name[name]
        values[name] = _READERS[spec.kind](spec, given)
    return values


def stored(values: Mapping[str, Value | None]) -> dict[str, bool | int | str]:
    """The values given, as JSON keeps them (numbers as written, no binary float)."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in values.items()
        if value is not None
    }


def shown(specs: tuple[InputSpec, ...], values: Mapping[str, object]) -> list[tuple[str, str]]:
    """(label, value) in the declared order, as a page lists them in Italian."""
    found = []
    for spec in specs:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if isinstance(value, bool):
            text = "sì" if value else "no"
        elif spec.choices:  # a choice, or a number picked from a list (Ann Arbor III)
            text = dict(spec.choices).get(str(value), str(value))
        else:
            text = str(value).replace(".", ",") if spec.kind is InputKind.NUMBER else str(value)
        found.append((spec.label, f"{text} {spec.unit}".strip()))
    return found
