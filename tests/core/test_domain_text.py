"""The text checks every request's input goes through (pure)."""

from __future__ import annotations

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import (
    clean_text,
    has_unsafe_characters,
    is_naive_datetime,
    strings_in,
)


@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("Rossi", False),
        ("😀 emoji", False),
        ("a\x00b", True),
        ("\ud800", True),
        ("x\udfffy", True),
        ("", False),
    ],
)
def test_unsafe_characters_are_nul_and_lone_surrogates(text: str, unsafe: bool) -> None:
    assert has_unsafe_characters(text) is unsafe


@pytest.mark.parametrize(
    ("text", "naive"),
    [
        ("2025-03-01T10:00", True),
        ("2025-03-01 10:00:00", True),
        ("2025-03-01T10:00:00.123456", True),
        ("2025-03-01T10:00:00Z", False),
        ("2025-03-01T10:00:00+01:00", False),
        ("2025-03-01", False),
        ("riunione 2025-03-01T10:00", False),
    ],
)
def test_naive_datetime_is_an_iso_date_and_time_without_offset(text: str, naive: bool) -> None:
    assert is_naive_datetime(text) is naive


def test_strings_in_walks_keys_and_values_at_any_depth() -> None:
    document = {"a": ["x", {"b\x00": 1, "c": [None, "y"]}], "d": 2.5}
    assert sorted(strings_in(document)) == [
        ("a", "a"),
        ("a.0", "x"),
        ("a.1.b\x00", "b\x00"),
        ("a.1.c", "c"),
        ("a.1.c.1", "y"),
        ("d", "d"),
    ]


def test_clean_text_trims_and_refuses_what_cannot_be_stored() -> None:
    assert clean_text("  Poltrona 3 \n", "place", limit=11) == "Poltrona 3"
    assert clean_text(None, "notes", limit=5) == ""
    assert clean_text(42, "lot", limit=5) == "42"
    refusals = [
        (("a\x00b", "notes"), {"limit": 10}, ("invalid_characters", "Il testo contiene caratteri non ammessi.")),
        (("abcdef", "notes"), {"limit": 5}, ("text_too_long", "Il testo supera 5 caratteri.")),
        (("  ", "reason"), {"limit": 5, "required": "Indica il motivo."}, ("reason_required", "Indica il motivo.")),
    ]  # fmt: skip
    for args, options, (code, message) in refusals:
        with pytest.raises(ValidationFailed) as refused:
            clean_text(*args, **options)  # type: ignore[arg-type]  # the cases above
        assert (refused.value.code, refused.value.message, refused.value.field) == (
            code,
            message,
            args[1],
        )
