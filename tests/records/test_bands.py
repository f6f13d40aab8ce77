"""Published cut-offs as data (corsia.records.domain.bands): each edge on both sides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.records.domain.bands import band, below, otherwise, up_to

# Sokal 1984's grouping, typed from the paper: low < 0.8, intermediate 0.8–1.2, high > 1.2.
SOKAL_LIKE = (
    below(Decimal("0.8"), "low"),
    up_to(Decimal("1.2"), "intermediate"),
    otherwise("high"),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.7999"), "low"),
        (Decimal("0.8"), "intermediate"),  # below(0.8) excludes its limit
        (Decimal("1.2"), "intermediate"),  # up_to(1.2) includes its limit
        (Decimal("1.2001"), "high"),
        (Decimal("-3"), "low"),
        (Decimal("1e6"), "high"),
    ],
)
def test_band_reads_the_rows_in_order_with_each_limit_on_its_side(
    value: Decimal, expected: str
) -> None:
    assert band(value, SOKAL_LIKE) == expected


def test_band_takes_whole_numbers_as_well_as_decimals() -> None:
    groups = (up_to(1, "0-1"), up_to(2, "2"), otherwise("3+"))
    assert [band(n, groups) for n in range(5)] == ["0-1", "0-1", "2", "3+", "3+"]


def test_a_table_without_otherwise_refuses_a_value_above_its_last_limit() -> None:
    with pytest.raises(ValueError, match="above every band"):
        band(Decimal(11), (up_to(10, "ok"),))
