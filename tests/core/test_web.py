"""What page views read from a request: a number typed in a query string."""

from __future__ import annotations

from corsia.core.web import query_int


def test_a_typed_number_is_clamped_to_its_range() -> None:
    assert query_int("7", 3, low=1, high=14) == 7
    assert query_int("0", 3, low=1, high=14) == 1
    assert query_int("99", 3, low=1, high=14) == 14


def test_an_empty_or_malformed_number_gives_the_default() -> None:
    assert query_int(None, 3, low=1, high=14) == 3
    assert query_int("", 3, low=1, high=14) == 3
    assert query_int("tre", 3, low=1, high=14) == 3
