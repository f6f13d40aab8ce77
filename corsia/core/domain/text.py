"""Text no part of Corsia can store or mean: checks applied to every request's input.

- A NUL character (PostgreSQL refuses it in text) or a lone UTF-16 surrogate (it cannot be
  encoded as UTF-8) in any field, query or JSON string.
- A date and time without its UTC offset in an API request: Corsia works in aware
  datetimes only, and guessing the zone of a clinical time is not an option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corsia.core.domain.errors import ValidationFailed

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# ISO 8601 date and time with no offset ("2025-03-01T10:00", "2025-03-01 10:00:00.5").
_NAIVE_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?")


def has_unsafe_characters(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def clean_text(value: object, field: str, *, limit: int, required: str = "") -> str:
    """A service's text as it is stored: trimmed, without NUL or lone surrogates
    (``invalid_characters``), within ``limit`` characters (``text_too_long``); ``required``:
    the message when it is empty (code ``<field>_required``)."""
    text = ("" if value is None else str(value)).strip()
    if has_unsafe_characters(text):
        raise ValidationFailed(
            "Il testo contiene caratteri non ammessi.", code="invalid_characters", field=field
        )
    if len(text) > limit:
        raise ValidationFailed(
            f"Il testo supera {limit} caratteri.", code="text_too_long", field=field
        )
    if required and not text:
        raise ValidationFailed(required, code=f"{field}_required", field=field)
    return text


def is_naive_datetime(text: str) -> bool:
    return _NAIVE_DATETIME.fullmatch(text.strip()) is not None


def strings_in(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON document, keys and values at any depth, with where it
    is (``"lines.0.reason"``; a key is reported at its own path)."""
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    yield inner_path, key
                stack.append((inner_path, inner))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}.{i}" if where else str(i), inner) for i, inner in enumerate(item)
            )
