"""Clinical number formatting against hand-written strings (no output compared with itself)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain import clinical_format as fmt
from corsia.core.domain.errors import ValidationFailed

NB = "\u202f"  # the narrow no-break space grouping thousands


@pytest.mark.parametrize(
    ("value", "lang", "places", "expected"),
    [
        (Decimal(0), "it", None, "0"),
        (Decimal("0.000"), "it", None, "0"),
        (Decimal("0.005"), "it", None, "0,005"),
        (Decimal("0.005"), "en", None, "0.005"),
        (Decimal("5.0"), "it", None, "5"),  # no trailing zero
        (Decimal("0.5"), "it", None, "0,5"),  # a leading zero
        (Decimal("152.40"), "it", None, "152,4"),
        (Decimal("152.40"), "en", None, "152.4"),
        (Decimal("1E+6"), "it", None, f"1{NB}000{NB}000"),
        (Decimal("1000000"), "en", None, f"1{NB}000{NB}000"),
        (Decimal("1000"), "it", None, "1000"),  # four digits: not grouped
        (Decimal("12500.5"), "it", None, f"12{NB}500,5"),
        (Decimal("1.8749"), "it", 2, "1,87"),
        (Decimal("1.875"), "it", 2, "1,88"),  # half-up
        (Decimal("2.00"), "it", 2, "2"),
        (7, "it", None, "7"),
        (None, "it", None, "—"),
    ],
)
def test_number_text(
    value: Decimal | None, lang: fmt.Lang, places: int | None, expected: str
) -> None:
    assert fmt.number_text(value, lang=lang, places=places) == expected


@pytest.mark.parametrize("bad", [Decimal("-0.5"), -1, Decimal("NaN"), Decimal("Infinity"), "abc"])
def test_negative_or_not_finite_refused(bad: object) -> None:
    with pytest.raises(ValidationFailed):
        fmt.number_text(bad)  # type: ignore[arg-type]  # refusing what the type forbids
    with pytest.raises(ValidationFailed):
        fmt.duration_text(bad)  # type: ignore[arg-type]  # refusing what the type forbids


@pytest.mark.parametrize(
    ("final", "unrounded", "lang", "expected"),
    [
        (Decimal("152.4"), Decimal("152.3712"), "it", "152,4 mg (arrotondata da 152,37)"),
        (Decimal("152.4"), Decimal("152.3712"), "en", "152.4 mg (rounded from 152.37)"),
        (Decimal("170.0000"), Decimal("170"), "it", "170 mg"),  # nothing rounded
        (Decimal("170"), None, "it", "170 mg"),
        # a rounding invisible at 0.01 mg is not shown
        (Decimal("159.02"), Decimal("159.0204"), "it", "159,02 mg"),
        (Decimal("159"), Decimal("159.0204"), "it", "159 mg (arrotondata da 159,02)"),
        (Decimal("2000"), Decimal("1999.996"), "en", "2000 mg"),
        (Decimal("0.005"), None, "it", "0,005 mg"),  # never rounded for display
        (None, Decimal(1), "it", "—"),
    ],
)
def test_dose_text(
    final: Decimal | None, unrounded: Decimal | None, lang: fmt.Lang, expected: str
) -> None:
    assert fmt.dose_text(final, "mg", unrounded=unrounded, lang=lang) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 min"),
        (1, "1 min"),
        (30, "30 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (2760, "46 h"),  # 46-hour 5-FU infusion, not "2760 min"
        (1441, "24 h 1 min"),
        (Decimal("89.6"), "1 h 30 min"),
        (None, "—"),
    ],
)
def test_duration_text(minutes: int | Decimal | None, expected: str) -> None:
    assert fmt.duration_text(minutes) == expected
    assert fmt.duration_text(minutes, lang="en") == expected  # SI symbols in both


@pytest.mark.parametrize(
    ("rate", "lang", "expected"),
    [
        (Decimal("125.0"), "it", "125 mL/h"),
        (Decimal("5.43"), "it", "5,4 mL/h"),
        (Decimal("5.45"), "en", "5.5 mL/h"),
        (Decimal(0), "it", "0 mL/h"),
        (None, "it", "—"),  # never "— mL/h"
    ],
)
def test_rate_text(rate: Decimal | None, lang: fmt.Lang, expected: str) -> None:
    assert fmt.rate_text(rate, lang=lang) == expected


def test_percent_and_language_codes() -> None:
    assert fmt.percent_text(Decimal("20.00")) == "20 %"
    assert fmt.percent_text(Decimal("12.5"), lang="en") == "12.5 %"
    assert fmt.lang_of("en-gb") == "en"
    assert fmt.lang_of("it") == "it"
    assert fmt.lang_of(None) == "it"


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False))
def test_one_separator_per_language(value: Decimal) -> None:
    italian = fmt.number_text(value, lang="it")
    english = fmt.number_text(value, lang="en")
    assert "." not in italian
    assert "," not in english
    assert italian.replace(",", ".") == english
    assert Decimal(english.replace(NB, "")) == value


def test_template_filters_follow_the_active_language() -> None:
    source = Template(
        "{% load clinical %}{% dose_rounded final unrounded 'mg' %} · {{ minutes|duration }}"
        " · {{ rate|rate }} · {{ none_rate|rate }} · {{ bad|num }}"
    )
    context = {
        "final": Decimal("152.4"),
        "unrounded": Decimal("152.3712"),
        "minutes": 2760,
        "rate": Decimal("125"),
        "none_rate": None,
        "bad": Decimal(-1),
    }
    with translation.override("it"):
        italian = source.render(Context(context))
    with translation.override("en"):
        english = source.render(Context(context))
    assert italian == "152,4 mg (arrotondata da 152,37) · 46 h · 125 mL/h · — · valore non valido"
    assert english == "152.4 mg (rounded from 152.37) · 46 h · 125 mL/h · — · invalid value"
