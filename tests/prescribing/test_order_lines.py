"""Pure order-line rules: unit mapping, reductions, cycle dates, tablets (hand values)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.dose import DoseUnit
from corsia.prescribing.domain.order_lines import (
    cycle_dates,
    engine_unit,
    reduced_dose,
    tablets_for,
)


@pytest.mark.parametrize(
    ("unit", "amount", "declared"),
    [
        # the engine computes any mass in mg; the regimen declares the maximum in the
        # unit of the absolute dose its per-unit dose implies (spec.ABSOLUTE_UNIT)
        ("mg/m2", "mg", "mg"),
        ("mcg/m2", "mg", "mcg"),
        ("g/m2", "mg", "g"),
        ("g", "mg", "g"),
        ("UI/m2", "UI", "UI"),
        ("U/m2", "U", "U"),  # USP units are not international units
        ("UI", "UI", "UI"),
        ("U", "U", "U"),
        ("UI/kg", "UI", "UI"),
        ("mcg/kg", "mg", "mcg"),
        ("mL", "mL", "mL"),
        ("AUC", "mg", "mg"),
    ],
)
def test_units_map_onto_the_engine(unit: str, amount: str, declared: str) -> None:
    mapped = engine_unit(unit)
    assert mapped.unit is DoseUnit(unit)
    assert (mapped.amount_unit.value, mapped.declared_unit.value) == (amount, declared)


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        engine_unit("drops")
    assert error.value.code == "dose_unit_unknown"


@pytest.mark.parametrize(
    ("calculated", "percent", "expected"),
    [
        ("170", "20", "136.00"),  # oxaliplatin 85 mg/m² x 2 m², -20 %
        ("154.54", "20", "123.63"),  # 123.632 half-up
        ("1200", "25", "900.00"),
        ("2", "0", "2.00"),
        ("313.46", "33.3", "209.08"),  # 313.46 x 0.667 = 209.07782
    ],
)
def test_reduced_dose_by_hand(calculated: str, percent: str, expected: str) -> None:
    assert reduced_dose(Decimal(calculated), Decimal(percent)) == Decimal(expected)


@pytest.mark.parametrize("percent", ["-1", "100", "150", "NaN"])
def test_reduction_out_of_range_is_refused(percent: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        reduced_dose(Decimal(170), Decimal(percent))
    assert error.value.field == "reduction_percent"


@given(
    dose=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(10000), places=2),
    percent=st.decimals(min_value=Decimal(0), max_value=Decimal("99.99"), places=2),
)
def test_a_reduction_never_raises_the_dose_nor_goes_negative(
    dose: Decimal, percent: Decimal
) -> None:
    reduced = reduced_dose(dose, percent)
    assert Decimal(0) <= reduced <= dose


def test_cycle_dates_day_one_is_the_start() -> None:
    assert cycle_dates(date(2026, 12, 30), [1, 2, 8]) == {
        1: date(2026, 12, 30),
        2: date(2026, 12, 31),
        8: date(2027, 1, 6),
    }
    with pytest.raises(ValidationFailed):
        cycle_dates(date(2026, 12, 30), [0])


@pytest.mark.parametrize(
    ("dose", "strengths", "expected", "given_mg"),
    [
        ("1650", ["150", "500"], [("500", 3), ("150", 1)], "1650"),
        ("1500", ["150", "500"], [("500", 3)], "1500"),
        ("1700", ["150", "500"], [("500", 1), ("150", 8)], "1700"),  # 500 + 8 x 150 exact
        ("1200", ["500"], [("500", 2)], "1000"),  # 200 under beats 300 over
        ("1250", ["500"], [("500", 2)], "1000"),  # a tie goes to the lower dose
        ("140", ["100", "20", "5"], [("100", 1), ("20", 2)], "140"),  # temozolomide
        ("75", ["100"], [("100", 1)], "100"),
    ],
)
def test_tablets_closest_combination(
    dose: str, strengths: list[str], expected: list[tuple[str, int]], given_mg: str
) -> None:
    plan = tablets_for(Decimal(dose), [Decimal(s) for s in strengths], administrations=2)
    assert [(f"{s.normalize():f}", c) for s, c in plan.per_dose] == expected
    assert plan.dose_given == Decimal(given_mg)
    assert plan.total_tablets == {s: c * 2 for s, c in plan.per_dose}


def test_tablets_without_strengths_are_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        tablets_for(Decimal(100), [])
    assert error.value.code == "no_tablet_strength"
