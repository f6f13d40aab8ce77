"""Numbers as a clinician reads them: doses with the rounding shown, durations in hours and
minutes, infusion rates in mL/h, one decimal separator per language.

Rules (ISMP list of error-prone abbreviations and dose designations; ISO 80000-1):

* a leading zero always (``0,5 mg``, never ``,5 mg``), never a trailing zero (``5 mg``,
  never ``5,0 mg``: the point or comma lost, it reads 50);
* the decimal separator of the page's language: a comma in Italian, a point in English,
  never both on one page; thousands grouped by a narrow no-break space from five digits
  on (``12 500``), in both languages, so a group separator is never mistaken for the
  decimal one (``1.000`` is one thousand in Italian and one in English);
* a dose is shown as it is stored, never rounded for display (``0,005 mg`` stays so);
  the value before the regimen's rounding, when it differs, beside it;
* a duration in hours and minutes (``46 h``, ``1 h 30 min``, ``30 min``), never
  thousands of minutes;
* a negative quantity, a NaN or an infinity is refused (``ValidationFailed``): no dose,
  duration, volume or rate is negative, and a formatter never hides that one was.

``None`` (not known) is shown as an em dash. Pure: no Django, the language is passed in.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from corsia.core.domain.errors import ValidationFailed

Lang = Literal["it", "en"]
UNKNOWN = "—"
GROUP = "\u202f"  # narrow no-break space (ISO 80000-1 digit grouping)
_SEPARATOR: dict[str, str] = {"it": ",", "en": "."}
_ROUNDED_FROM: dict[str, str] = {"it": "arrotondata da", "en": "rounded from"}


def _decimal(value: Decimal | int | float | str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(f"Valore non numerico: {value!r}.", code="number_invalid") from None
    if not number.is_finite():
        raise ValidationFailed("Valore non finito.", code="number_invalid")
    if number < 0:
        raise ValidationFailed(
            "Una quantità clinica non può essere negativa.", code="negative_quantity"
        )
    return number


def _plain(number: Decimal) -> str:
    """Fixed-point digits, no exponent, no trailing zero (``1E+6`` -> ``1000000``)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _group(integer: str) -> str:
    if len(integer) < 5:
        return integer
    head = len(integer) % 3 or 3
    parts = [integer[:head]] + [integer[i : i + 3] for i in range(head, len(integer), 3)]
    return GROUP.join(parts)


def number_text(
    value: Decimal | int | float | str | None, *, lang: Lang = "it", places: int | None = None
) -> str:
    """``value`` in the language's notation; ``places``: rounded half-up to that many
    decimals first (trailing zeros still dropped); ``None``: as given."""
    if value is None:
        return UNKNOWN
    number = _decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = _plain(number)
    integer, _, fraction = text.partition(".")
    grouped = _group(integer)
    return f"{grouped}{_SEPARATOR[lang]}{fraction}" if fraction else grouped


def quantity_text(
    value: Decimal | int | float | str | None,
    unit: str,
    *,
    lang: Lang = "it",
    places: int | None = None,
) -> str:
    """``152,4 mg``; the unit left off when the value is not known (never ``— mg``)."""
    if value is None:
        return UNKNOWN
    return f"{number_text(value, lang=lang, places=places)} {unit}".rstrip()


def _shown_unrounded(final: Decimal, unrounded: Decimal) -> Decimal | None:
    """The unrounded value to show beside ``final``, to 0.01 (half-up); ``None`` when at
    that precision it equals ``final`` (a rounding to 0.01 changes nothing a pharmacist
    reads: 159,02 from 159,0204 is not shown as a rounding)."""
    shown = unrounded.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return None if shown == final else shown


def dose_text(
    final: Decimal | int | str | None,
    unit: str,
    *,
    unrounded: Decimal | int | str | None = None,
    lang: Lang = "it",
) -> str:
    """The dose as stored, with the value before rounding when it differs:
    ``152,4 mg (arrotondata da 152,37)``."""
    if final is None:
        return UNKNOWN
    number = _decimal(final)
    text = quantity_text(number, unit, lang=lang)
    if unrounded is None:
        return text
    before = _shown_unrounded(number, _decimal(unrounded))
    if before is None:
        return text
    return f"{text} ({_ROUNDED_FROM[lang]} {number_text(before, lang=lang)})"


def duration_text(minutes: Decimal | int | str | None, *, lang: Lang = "it") -> str:
    """``46 h``, ``1 h 30 min``, ``30 min``, ``0 min`` (rounded to the whole minute).
    The symbols h and min are the SI's, the same in Italian and English."""
    if minutes is None:
        return UNKNOWN
    total = int(_decimal(minutes).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    hours_text = f"{number_text(hours, lang=lang)} h"
    return f"{hours_text} {rest} min" if rest else hours_text


def rate_text(ml_per_hour: Decimal | int | str | None, *, lang: Lang = "it") -> str:
    """An infusion rate to 0.1 mL/h (what infusion pumps are set to): ``125 mL/h``,
    ``5,4 mL/h``; ``—`` when not computable (never ``— mL/h``)."""
    return quantity_text(ml_per_hour, "mL/h", lang=lang, places=1)


def percent_text(value: Decimal | int | str | None, *, lang: Lang = "it") -> str:
    """``20 %`` (a space before the sign, as ISO 80000 and Italian usage write it)."""
    return quantity_text(value, "%", lang=lang)


def lang_of(language_code: str | None) -> Lang:
    """The notation of a Django language code: English for ``en*``, else Italian."""
    return "en" if (language_code or "").lower().startswith("en") else "it"
