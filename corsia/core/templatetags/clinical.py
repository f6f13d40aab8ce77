"""Clinically formatted numbers in templates (``{% load clinical %}``), in the notation of
the active language: the pure functions of :mod:`corsia.core.domain.clinical_format`.

    {{ item.final_dose|dose:item.amount_unit }}                 152,4 mg
    {% dose_rounded item.final_dose item.unrounded_dose item.amount_unit %}
                                                                152,4 mg (arrotondata da 152,37)
    {{ item.duration_minutes|duration }}                        46 h · 1 h 30 min
    {{ rate|rate }}                                             125 mL/h
    {{ order.weight_kg|num }}  {{ order.bsa_m2|num:2 }}         72,5 · 1,87
    {{ value|qty:"mL" }}                                        250 mL

A value a formatter refuses (negative, not a number) is shown as "valore non valido", never
as a server error: the database's constraints keep such values out, the page says so if
one ever gets in.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from corsia.core.domain import clinical_format as fmt
from corsia.core.domain.errors import ValidationFailed

register = template.Library()
INVALID = "valore non valido"  # translated when shown


def _lang() -> fmt.Lang:
    return fmt.lang_of(get_language())


def _safe(render: Callable[[], str]) -> str:
    try:
        return render()
    except ValidationFailed:
        return gettext(INVALID)


def _places(arg: Any) -> int | None:
    try:
        return int(arg) if arg not in (None, "") else None
    except (TypeError, ValueError):
        return None


@register.filter
def num(value: Decimal | int | None, places: Any = None) -> str:
    return _safe(lambda: fmt.number_text(value, lang=_lang(), places=_places(places)))


@register.filter
def qty(value: Decimal | int | None, unit: str = "") -> str:
    return _safe(lambda: fmt.quantity_text(value, unit, lang=_lang()))


@register.filter
def dose(value: Decimal | int | None, unit: str = "mg") -> str:
    return _safe(lambda: fmt.dose_text(value, unit, lang=_lang()))


@register.simple_tag
def dose_rounded(final: Decimal | None, unrounded: Decimal | None, unit: str = "mg") -> str:
    return _safe(lambda: fmt.dose_text(final, unit, unrounded=unrounded, lang=_lang()))


@register.filter
def duration(minutes: int | None) -> str:
    return _safe(lambda: fmt.duration_text(minutes, lang=_lang()))


@register.filter
def rate(ml_per_hour: Decimal | None) -> str:
    return _safe(lambda: fmt.rate_text(ml_per_hour, lang=_lang()))


@register.filter
def percent(value: Decimal | int | None) -> str:
    return _safe(lambda: fmt.percent_text(value, lang=_lang()))
