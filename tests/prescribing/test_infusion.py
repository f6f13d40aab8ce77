"""Carrier and infusion rate of an order line, against hand calculations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.prescribing.domain.infusion import Carrier, carrier_of, rate_ml_h


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("glucosio 5% 250 mL", Carrier("glucosio 5%", Decimal(250))),
        ("NaCl 0,9% 100 mL", Carrier("NaCl 0,9%", Decimal(100))),
        ("in 500 ml di NaCl 0.9%", Carrier("in di NaCl 0.9%", Decimal(500))),
        ("NaCl 0,9% 2,5 mL", Carrier("NaCl 0,9%", Decimal("2.5"))),
        ("in pompa elastomerica", Carrier("in pompa elastomerica", None)),
        ("NaCl 0,9% 0 mL", Carrier("NaCl 0,9%", None)),
        ("", None),
    ],
)
def test_carrier_of(text: str, expected: Carrier | None) -> None:
    assert carrier_of(text) == expected


@pytest.mark.parametrize(
    ("volume", "minutes", "expected"),
    [
        (Decimal(250), 120, Decimal("125.0")),  # 250 mL / 2 h
        (Decimal(500), 90, Decimal("333.3")),  # 500 × 60 / 90 = 333.33…
        (Decimal(230), 2760, Decimal("5.0")),  # 230 mL over 46 h = 5.0 mL/h
        (Decimal(100), 7, Decimal("857.1")),  # 6000 / 7 = 857.142…
        (Decimal(250), None, None),  # bolus
        (Decimal(250), 0, None),
        (None, 120, None),
    ],
)
def test_rate_ml_h(volume: Decimal | None, minutes: int | None, expected: Decimal | None) -> None:
    assert rate_ml_h(volume, minutes) == expected
